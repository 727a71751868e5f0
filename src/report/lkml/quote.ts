/**
 * Which lines a reply quotes. A reviewer quotes just enough: the lines a
 * point is about plus a few lines before them, and points close together
 * share one quote (REVIEW-FORMAT.md, Body 2).
 */
import { COMMIT_MSG } from "../../model.js";
import type { Finding, Hunk, Patch } from "../../model.js";

/** Context lines quoted before a point, at most. */
export const CONTEXT_BEFORE = 3;
/** Lines of one point quoted at most; a model finding spanning a whole function is cut here. */
export const MAX_POINT_LINES = 20;

/** One quote and the comments that follow it. */
export type QuoteBlock =
  | { kind: "commit"; start: number; end: number; findings: Finding[] }
  | { kind: "diff"; fileIndex: number; hunkIndex: number; start: number; end: number; findings: Finding[] }
  /** A finding that matches no line of the patch: its comment stands without a quote. */
  | { kind: "none"; findings: Finding[] };

interface Located {
  block: QuoteBlock;
  /** Sort key: where the point itself (not its context) sits. */
  key: number[];
}

/**
 * Context before index `at` in a hunk: up to CONTEXT_BEFORE lines, stopping
 * at the hunk start, a blank line, or the closing brace of whatever came
 * before (a reader does not need the previous function's end).
 */
function contextStart(hunk: Hunk, at: number): number {
  let i = at;
  while (i > 0 && at - i < CONTEXT_BEFORE) {
    const prev = hunk.lines[i - 1];
    if (!prev) break;
    const text = prev.text.trim();
    if (text === "" || /^}[;,]?$/.test(prev.text)) break;
    i--;
  }
  return i;
}

/** Lines of a signature quoted above its lone `{` at most (`static int foo(struct a *a,` + continuation lines). */
const MAX_SIGNATURE_LINES = 4;

/** True for a line that carries something a reader needs: not blank, not a lone brace. */
function meaningful(text: string): boolean {
  const t = text.trim();
  return t !== "" && !/^[{}][;,]?$/.test(t);
}

/**
 * Where a quote should open so that its first line means something.
 * - Not on a lone `{` (kernel style puts a function's opening brace on its
 *   own line): `> +{` tells the reader nothing, the signature above it says
 *   which function this is, so the start moves up to it. Where the hunk
 *   holds nothing above the brace (it starts there, or a blank line or a
 *   `}` comes first), the brace is cut instead and the quote starts at the
 *   next line, never past the point itself.
 * - Not halfway into a statement split over lines (a long signature, a call
 *   with many arguments): while the line above ends in `,` or `(`, it is
 *   the start of the same statement, so it is quoted too, a few lines at most.
 */
function meaningfulStart(hunk: Hunk, start: number, at: number): number {
  let i = start;
  const first = hunk.lines[i];
  if (first && first.kind !== "del" && first.text.trim() === "{") {
    const above = hunk.lines[i - 1];
    if (!above || !meaningful(above.text) || above.kind === "del") return i < at ? i + 1 : i;
    i--;
  }
  const top = i;
  while (i > 0 && top - i < MAX_SIGNATURE_LINES - 1) {
    const prev = hunk.lines[i - 1];
    if (!prev || prev.kind === "del" || !/[,(]\s*$/.test(prev.text)) break;
    i--;
  }
  return i;
}

/** The last new-side line number a hunk shows, or null when it only removes lines. */
function lastNewLine(hunk: Hunk): number | null {
  for (let i = hunk.lines.length - 1; i >= 0; i--) {
    const n = hunk.lines[i]?.newLine;
    if (n !== undefined && n !== null) return n;
  }
  return null;
}

/**
 * Index in `hunk.lines` of the first line numbered within `first..last`, or
 * -1. New-side numbers never go down within a hunk (the diff walker counts them
 * up from the `@@` line), so the walk stops at the first number past `last`.
 */
function firstInRange(hunk: Hunk, first: number, last: number): number {
  const lines = hunk.lines;
  for (let i = 0; i < lines.length; i++) {
    const n = lines[i]?.newLine ?? null;
    if (n === null) continue;
    if (n > last) return -1;
    if (n >= first) return i;
  }
  return -1;
}

function locateInDiff(patch: Patch, f: Finding): Located | null {
  const last = Math.max(f.line, f.endLine);
  for (let fi = 0; fi < patch.files.length; fi++) {
    const file = patch.files[fi];
    if (file?.path !== f.file) continue;
    for (let hi = 0; hi < file.hunks.length; hi++) {
      const hunk = file.hunks[hi];
      if (!hunk) continue;
      // A hunk that ends above the point cannot hold it: a point costs its own hunk, not the file.
      const end = lastNewLine(hunk);
      if (end === null || end < f.line) continue;
      const a = firstInRange(hunk, f.line, last);
      if (a < 0) continue;
      let b = a;
      for (let i = a; i < hunk.lines.length && i < a + MAX_POINT_LINES; i++) {
        const n = hunk.lines[i]?.newLine ?? null;
        if (n !== null && n >= f.line && n <= last) b = i;
      }
      // A typo is about one word on one line: the line alone says it (the one-line form).
      const start = f.class === "typo" ? a : meaningfulStart(hunk, contextStart(hunk, a), a);
      return {
        block: { kind: "diff", fileIndex: fi, hunkIndex: hi, start, end: b, findings: [f] },
        key: [1, fi, hi, a],
      };
    }
  }
  return null;
}

function locate(patch: Patch, f: Finding): Located {
  if (f.file === COMMIT_MSG) {
    const n = patch.commitMessage.length;
    if (f.line >= 1 && f.line <= n) {
      const start = f.line - 1;
      const end = Math.min(Math.max(f.endLine, f.line), n, f.line + MAX_POINT_LINES - 1) - 1;
      return { block: { kind: "commit", start, end, findings: [f] }, key: [0, start] };
    }
  } else {
    const hit = locateInDiff(patch, f);
    if (hit) return hit;
  }
  return { block: { kind: "none", findings: [f] }, key: [2] };
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when `next` can share `cur`'s quote: same place, and the line ranges overlap or touch. */
function joinable(cur: QuoteBlock, next: QuoteBlock): boolean {
  if (cur.kind === "commit" && next.kind === "commit") return next.start <= cur.end + 1;
  if (cur.kind === "diff" && next.kind === "diff") {
    return cur.fileIndex === next.fileIndex && cur.hunkIndex === next.hunkIndex && next.start <= cur.end + 1;
  }
  return false;
}

/**
 * Plans the quotes of a reply: commit-message points first, then diff points
 * in patch order (file, hunk, line), then any point that matched no line.
 * Duplicate findings (same fingerprint) are said once.
 */
export function planQuotes(patch: Patch, findings: readonly Finding[]): QuoteBlock[] {
  const seen = new Set<string>();
  const located: { loc: Located; order: number }[] = [];
  findings.forEach((f, order) => {
    if (seen.has(f.fingerprint)) return;
    seen.add(f.fingerprint);
    located.push({ loc: locate(patch, f), order });
  });
  located.sort((x, y) => compareKeys(x.loc.key, y.loc.key) || x.order - y.order);
  const blocks: QuoteBlock[] = [];
  for (const { loc } of located) {
    const next = loc.block;
    const cur = blocks[blocks.length - 1];
    if (cur && joinable(cur, next) && cur.kind !== "none" && next.kind !== "none") {
      cur.start = Math.min(cur.start, next.start);
      cur.end = Math.max(cur.end, next.end);
      cur.findings.push(...next.findings);
    } else {
      blocks.push(next);
    }
  }
  return blocks;
}
