import type { Finding } from "../model.js";
import { reportableFindings, SUPPRESSED_TAG } from "../store/queue-rules.js";
import type { QueueItem, Suppression } from "../store/store.js";

/**
 * Text for a terminal. Subjects, authors and findings come from strangers'
 * mail: control characters (ANSI escapes that could repaint the terminal or
 * fake output) are shown as `?`; tab and newline are kept for drafts.
 */
export function clean(s: string): string {
  // eslint-disable-next-line no-control-regex -- the sanitiser replaces control characters on purpose
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, "?");
}

/** CRLF (the mail wire form, and drafts stored before LF was the rule) to LF, so a CR never shows as `?`. */
function toLf(s: string): string {
  return s.replace(/\r\n/g, "\n");
}

function cut(s: string, width: number): string {
  const one = clean(s).replace(/[\t\n]/g, " ");
  return one.length > width ? `${one.slice(0, width - 1)}\u2026` : one;
}

/** The `--format json` shape of `queue list`, exactly these keys. */
export function listJson(items: QueueItem[]): string {
  return JSON.stringify(
    items.map((i) => ({
      id: i.id,
      state: i.state,
      subject: i.subject,
      messageId: i.messageId,
      findings: reportableFindings(i.findings).length,
      priority: i.priority,
    })),
    null,
    2,
  );
}

/** A readable table: one line per item, most urgent first. */
export function listText(items: QueueItem[]): string {
  if (!items.length) return "No items.\n";
  const rows = items.map((i) => [
    String(i.id),
    i.state,
    String(i.priority),
    String(reportableFindings(i.findings).length),
    i.createdAt.slice(0, 10),
    cut(i.author, 28),
    cut(i.subject, 72),
  ]);
  const head = ["ID", "STATE", "PRIO", "FINDINGS", "DATE", "AUTHOR", "SUBJECT"];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]): string =>
    r
      .map((v, c) => (c === r.length - 1 ? v : v.padEnd(widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[head, ...rows].map(line).join("\n")}\n`;
}

/** `queue show`: the item, its findings one per line (checkpatch's form) and the draft reply. */
export function showText(item: QueueItem): string {
  const out = [
    `Item ${item.id}: ${item.state}, priority ${item.priority}`,
    `Subject:    ${clean(item.subject)}`,
    `From:       ${clean(item.author)}`,
    `Message-ID: ${clean(item.messageId)}`,
    `List:       ${clean(item.listId ?? "-")}`,
    `Paths:      ${clean(item.paths.join(", ") || "-")}`,
    `Assignee:   ${clean(item.assignee ?? "-")}`,
    `Created:    ${item.createdAt}`,
  ];
  const line = (f: Finding): string =>
    `  ${clean(f.file)}:${f.line}: ${f.severity.toUpperCase()}:${clean(f.rule)}: ${clean(f.message)} (${clean(f.fingerprint)})`;
  const counted = reportableFindings(item.findings);
  const rejected = item.findings.filter((f) => f.tags.includes(SUPPRESSED_TAG));
  out.push("", `Findings (${counted.length}):`);
  if (!counted.length) out.push("  none");
  for (const f of counted) out.push(line(f));
  if (rejected.length) {
    out.push("", `Marked false positive (${rejected.length}), not counted and not in the draft:`);
    for (const f of rejected) out.push(`${line(f)} [false positive]`);
  }
  if (item.notes.length) {
    out.push("", `Notes (${item.notes.length}):`);
    for (const n of item.notes) out.push(`  ${n.at.slice(0, 16).replace("T", " ")} ${clean(n.who)}: ${clean(n.text).replace(/\n/g, "\n    ")}`);
  }
  out.push("", item.draft === null ? "No draft reply." : "Draft reply:", "");
  if (item.draft !== null) out.push(clean(toLf(item.draft)).replace(/\n$/, ""));
  return `${out.join("\n")}\n`;
}

export function suppressionsText(list: Suppression[]): string {
  if (!list.length) return "No suppressions.\n";
  return `${list.map((s) => `${clean(s.rule)} ${clean(s.fingerprint)}  ${s.at.slice(0, 10)}  ${clean(s.who)}: ${clean(s.reason)}`).join("\n")}\n`;
}
