import type { Mail, Patch } from "../../src/model.js";
import { parsePatchBody } from "../../src/parse/diff.js";
import { mailWith } from "./mail.js";

/**
 * Builds a Patch from a small hand-written hunk, the way rule tests want to
 * write them: lines keep their `+`, `-` or space prefix; the `@@` header and
 * the file header are generated with correct counts.
 */
export interface HunkSpec {
  /** New-side line number of the first line (default 1). */
  start?: number;
  /** Function context shown after the `@@` (git's `-p` output). */
  fn?: string;
  /** Diff lines with their prefix; a bare empty string is an empty context line. */
  lines: string[];
}

export interface FileSpec {
  path: string;
  hunks: HunkSpec[];
  isNew?: boolean;
}

export interface PatchSpec {
  files?: FileSpec[];
  /** Commit message lines. */
  commitMessage?: string[];
  subject?: string;
}

/** `code` as a template string: lines with their diff prefix. */
export function hunkLines(code: string): string[] {
  const lines = code.split("\n");
  if (lines[0]?.trim() === "") lines.shift();
  if (lines.length > 0 && lines[lines.length - 1]?.trim() === "") lines.pop();
  return lines.map((l) => (l === "" ? " " : l));
}

export function diffText(files: FileSpec[]): string {
  const out: string[] = [];
  for (const f of files) {
    out.push(`diff --git a/${f.path} b/${f.path}`);
    if (f.isNew) out.push("new file mode 100644");
    out.push("index 1111111..2222222 100644");
    out.push(f.isNew ? "--- /dev/null" : `--- a/${f.path}`);
    out.push(`+++ b/${f.path}`);
    let delta = 0;
    for (const h of f.hunks) {
      const start = h.start ?? 1;
      const oldCount = h.lines.filter((l) => !l.startsWith("+")).length;
      const newCount = h.lines.filter((l) => !l.startsWith("-")).length;
      const oldStart = f.isNew ? 0 : Math.max(1, start - delta);
      out.push(`@@ -${oldStart},${oldCount} +${start},${newCount} @@${h.fn ? ` ${h.fn}` : ""}`);
      out.push(...h.lines);
      delta += newCount - oldCount;
    }
  }
  return out.join("\n") + "\n";
}

export function makeMail(body: string, subject = "[PATCH] livepatch: Test change"): Mail {
  return mailWith({
    source: "test",
    messageId: "<20250101120000.1-1-dev@example.org>",
    subject,
    to: [{ name: "", address: "live-patching@vger.kernel.org" }],
    date: "Wed, 1 Jan 2025 12:00:00 +0100",
    body,
  });
}

export function makePatch(spec: PatchSpec): Patch {
  const message = spec.commitMessage ?? ["Test change.", "", "Signed-off-by: Jane Developer <jane@example.org>"];
  const body = [...message, "---", diffText(spec.files ?? [])].join("\n");
  const parsed = parsePatchBody(body, "test patch");
  return {
    mail: makeMail(body, spec.subject),
    subject: {
      tags: ["PATCH"],
      isPatch: true,
      isRfc: false,
      isReply: false,
      version: 1,
      index: 1,
      total: 1,
      title: "livepatch: Test change",
    },
    commitMessage: parsed.commitMessage,
    files: parsed.files,
  };
}
