import type { Finding, Patch } from "../model.js";
import { normaliseText } from "../report/fingerprint.js";
import type { ThreadMessage } from "../store/store.js";
import { anchoredAddedLines, isTrivialLine } from "./anchored.js";

/** Tag of a finding a human already made in the thread: kept in JSON and the queue, never in a reply. */
export const RAISED_IN_THREAD = "raised-in-thread";

/** A quote from the patch that a human commented on. */
export interface CommentedQuote {
  /** Normalised text of the added lines (`> +...`) in the quote, trivial ones (`return 0;`, braces) left out. */
  added: Set<string>;
  /** Normalised text of every added line in the quote, trivial ones included. */
  all: Set<string>;
  /** The first line of the comment below it, for the log. */
  comment: string;
}

const ATTRIBUTION = /^(on .*wrote:|.*\bwrote:)\s*$/i;

/**
 * The quotes of the patch that a reply comments on: a run of `> ` lines
 * holding at least one added line (`> +...`), followed by unquoted text
 * before the next quote or the signature. Deeper quotes (`> > `) are
 * another reply's, not the patch, and are ignored.
 */
export function commentedQuotes(body: string): CommentedQuote[] {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const out: CommentedQuote[] = [];
  let block: Set<string> | null = null;
  let all = new Set<string>();
  let comment: string[] = [];
  const flush = (): void => {
    if (block && block.size > 0 && comment.length > 0) out.push({ added: block, all, comment: comment[0] ?? "" });
    block = null;
    all = new Set<string>();
    comment = [];
  };
  for (const raw of lines) {
    if (raw === "-- ") break;
    if (raw.startsWith(">")) {
      if (comment.length > 0) flush();
      const inner = raw.replace(/^> ?/, "");
      if (inner.startsWith(">")) continue;
      block ??= new Set<string>();
      if (inner.startsWith("+") && !inner.startsWith("+++")) {
        const text = inner.slice(1);
        all.add(normaliseText(text));
        if (!isTrivialLine(text)) block.add(normaliseText(text));
      }
      continue;
    }
    const text = raw.trim();
    if (text === "" || ATTRIBUTION.test(text)) continue;
    if (block) comment.push(text);
  }
  flush();
  return out;
}

/**
 * How a quote is matched to a finding: its non-trivial added lines; or, for
 * a point anchored only on trivial lines (`return 0;` under a `pr_err()`),
 * those lines together with the nearest non-trivial added line above them in
 * the hunk, since a reviewer quotes the statement with what leads to it.
 */
type QuoteMatch = { lines: string[] } | { trivial: string[]; lead: string } | null;

function quoteMatchOf(patch: Patch, f: Finding): QuoteMatch {
  const anchored = anchoredAddedLines(patch, f);
  const lines = anchored.filter((t) => !isTrivialLine(t)).map(normaliseText);
  if (lines.length > 0) return { lines };
  if (anchored.length === 0) return null;
  for (const file of patch.files) {
    if (file.path !== f.file) continue;
    for (const hunk of file.hunks) {
      const at = hunk.lines.findIndex((l) => l.newLine === f.line);
      if (at < 0) continue;
      for (let i = at - 1; i >= 0; i--) {
        const l = hunk.lines[i];
        if (!l || l.kind === "del" || isTrivialLine(l.text)) continue;
        return l.kind === "add" ? { trivial: anchored.map(normaliseText), lead: normaliseText(l.text) } : null;
      }
    }
  }
  return null;
}

function quoteMakes(q: CommentedQuote, m: NonNullable<QuoteMatch>): boolean {
  if ("lines" in m) return m.lines.some((t) => q.added.has(t));
  return q.added.has(m.lead) && m.trivial.every((t) => q.all.has(t));
}

/** A finding a human already made, with who and where, for the log. */
export interface HumanPoint {
  finding: Finding;
  by: string;
  messageId: string;
}

/**
 * Drops points a human already made in the thread: a reply that quotes one
 * of the finding's added lines and comments under it (see `quoteMatchOf`). The bot's own mail
 * (any of `botAddresses`) does not count.
 */
export function dropHumanPoints(
  patch: Patch,
  findings: readonly Finding[],
  replies: readonly ThreadMessage[],
  botAddresses: readonly string[],
): { kept: Finding[]; dropped: HumanPoint[] } {
  const bots = new Set(botAddresses.map((a) => a.toLowerCase()));
  const quotes = replies.filter((r) => !bots.has(r.from.toLowerCase())).flatMap((r) => commentedQuotes(r.body).map((q) => ({ q, r })));
  const kept: Finding[] = [];
  const dropped: HumanPoint[] = [];
  for (const f of findings) {
    const m = quoteMatchOf(patch, f);
    const hit = m ? quotes.find(({ q }) => quoteMakes(q, m)) : undefined;
    if (hit) dropped.push({ finding: f, by: hit.r.from, messageId: hit.r.messageId });
    else kept.push(f);
  }
  return { kept, dropped };
}
