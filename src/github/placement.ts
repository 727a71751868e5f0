import { COMMIT_MSG } from "../model.js";
import type { FileDiff, Finding } from "../model.js";

/**
 * Where a finding may go as an inline comment. GitHub accepts a comment with
 * `side: RIGHT` only on a line the diff shows on its new side (added or
 * context lines), and a range only within one hunk; anything else makes it
 * refuse the whole review with a 422 that does not say which comment was
 * wrong. So placement is decided here, locally, before anything is posted.
 */

export interface RightLine {
  /** Index of the hunk within the file: a range must stay inside one hunk. */
  hunk: number;
  text: string;
  added: boolean;
}

/** path -> new-side line -> what the diff shows there. */
export type CommentableIndex = Map<string, Map<number, RightLine>>;

/** The lines of each file that a RIGHT-side comment may anchor to. */
export function commentableLines(files: readonly FileDiff[]): CommentableIndex {
  const index: CommentableIndex = new Map();
  for (const file of files) {
    if (file.isDeleted) continue;
    const lines = new Map<number, RightLine>();
    file.hunks.forEach((hunk, h) => {
      for (const l of hunk.lines) {
        if (l.newLine !== null && l.kind !== "del") lines.set(l.newLine, { hunk: h, text: l.text, added: l.kind === "add" });
      }
    });
    index.set(file.path, lines);
  }
  return index;
}

export type Placement = { kind: "inline"; path: string; line: number; startLine: number | null; text: string } | { kind: "body" };

/**
 * Inline when the finding's range has a commentable line: the comment anchors
 * on the last commentable line of the range and starts at the first one in
 * the same hunk (GitHub's multi-line comment), otherwise it goes to the body.
 */
export function placeFinding(finding: Finding, index: CommentableIndex): Placement {
  if (finding.file === COMMIT_MSG) return { kind: "body" };
  const lines = index.get(finding.file);
  if (!lines) return { kind: "body" };
  const first = Math.min(finding.line, finding.endLine);
  const last = Math.max(finding.line, finding.endLine);
  let anchor: number | null = null;
  for (let n = last; n >= first; n--) {
    if (lines.has(n)) {
      anchor = n;
      break;
    }
  }
  if (anchor === null) return { kind: "body" };
  const anchorLine = lines.get(anchor);
  if (!anchorLine) return { kind: "body" };
  let start = anchor;
  for (let n = anchor - 1; n >= first; n--) {
    const l = lines.get(n);
    if (l?.hunk !== anchorLine.hunk) break;
    start = n;
  }
  return { kind: "inline", path: finding.file, line: anchor, startLine: start < anchor ? start : null, text: anchorLine.text };
}

/** True when GitHub would accept a RIGHT-side comment at these lines (used to double-check before posting). */
export function isCommentable(index: CommentableIndex, path: string, line: number, startLine: number | null): boolean {
  const lines = index.get(path);
  const end = lines?.get(line);
  if (!lines || !end) return false;
  if (startLine === null) return true;
  if (startLine >= line) return false;
  for (let n = startLine; n <= line; n++) {
    const l = lines.get(n);
    if (l?.hunk !== end.hunk) return false;
  }
  return true;
}
