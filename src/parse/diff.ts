import { LkreviewError } from "../errors.js";
import { DEFAULT_LIMITS } from "../limits.js";
import type { Limits } from "../limits.js";
import type { FileDiff } from "../model.js";
import { DiffWalkError, walkDiff } from "./diff-walk.js";
import type { DiffWalk } from "./diff-walk.js";

/**
 * Splits a patch mail body into its commit message and its unified diff, and
 * walks the diff (diff-walk.ts) into files and hunks that know their
 * new-side line numbers and the function named on their `@@` line.
 */

export interface ParsedBody {
  /** Commit message lines (in-body From/Date/Subject headers and trailing blank lines removed). */
  commitMessage: string[];
  files: FileDiff[];
  /** True when a unified diff was found. */
  hasDiff: boolean;
}

/** A line that starts the diff part of a format-patch body. */
const DIFF_START = /^(diff --git |diff -[a-zA-Z]* |--- (a\/|\/dev\/null)|Index: )/;
/** In-body headers git am understands at the very top of the message. */
const IN_BODY_HEADER = /^(From|Date|Subject):\s/;

/** A `\r` that ends a line (CRLF from a mail transport); a lone `\r` inside a line stays. */
const LINE_END_CR = /\r(\n|$)/g;

function stripCarriageReturns(body: string): string {
  // Most bodies have no `\r` at all: a search is cheaper than a rewrite.
  return body.includes("\r") ? body.replace(LINE_END_CR, "$1") : body;
}

/**
 * Where the parts of a body begin, as character offsets of line starts: the
 * diff (-1 when none) and the line that ends the commit message (the first
 * `---` separator above the diff, else the diff; -1 when neither).
 */
interface BodyLayout {
  diffStart: number;
  messageEnd: number;
}

/**
 * Walks the body line by line without splitting it: most of a body is diff,
 * and only its start is wanted here.
 */
function layoutOf(text: string): BodyLayout {
  let separator = -1;
  for (let p = 0; p < text.length;) {
    const eol = text.indexOf("\n", p);
    const end = eol < 0 ? text.length : eol;
    if (isDiffStart(text, p, end, eol)) return { diffStart: p, messageEnd: separator < 0 ? p : separator };
    // The `---` separator git format-patch puts above the diffstat ends the message.
    if (separator < 0 && end - p === 3 && text.startsWith("---", p)) separator = p;
    if (eol < 0) break;
    p = eol + 1;
  }
  return { diffStart: -1, messageEnd: separator };
}

/** Whether the line `text[p, end)` (its newline at `eol`, -1 when last) starts the diff part. */
function isDiffStart(text: string, p: number, end: number, eol: number): boolean {
  if (text.startsWith("diff ", p)) return DIFF_START.test(text.slice(p, end));
  // A bare `--- a/x` needs a `+++ ` line right after, or it is prose.
  if (text.startsWith("--- ", p)) return eol >= 0 && text.startsWith("+++ ", eol + 1) && DIFF_START.test(text.slice(p, end));
  return text.startsWith("Index: ", p) && eol >= 0 && text.startsWith("====", eol + 1);
}

/** The commit message: the lines above `end` (an offset from `layoutOf`, -1 for the whole text). */
function commitMessageOf(text: string, end: number, maxLineLength: number): string[] {
  const lines = (end < 0 ? text : text.slice(0, end)).split("\n");
  // `end` is a line start: the "" after the newline before it is not a line.
  if (end >= 0) lines.pop();
  let start = 0;
  // In-body headers (`From: Real Author`) followed by a blank line are not prose.
  if (IN_BODY_HEADER.test(lines[0] ?? "")) {
    let i = 0;
    while (i < lines.length && IN_BODY_HEADER.test(lines[i] ?? "")) i++;
    // Past the last line comes the separator or diff (not blank), or nothing (as good as blank).
    if (i < lines.length ? lines[i] === "" : end < 0) start = i + 1;
  }
  const msg = start === 0 ? lines : lines.slice(start);
  while (msg.length > 0 && (msg[msg.length - 1] ?? "").trim() === "") msg.pop();
  for (let i = 0; i < msg.length; i++) if ((msg[i] ?? "").length > maxLineLength) msg[i] = "";
  return msg;
}

function stripPrefix(path: string | undefined): string {
  if (!path) return "";
  return path.replace(/^[ab]\//, "");
}

/** The line of `text` that starts at `start`, without its newline. */
function lineAt(text: string, start: number): string {
  const eol = text.indexOf("\n", start);
  return text.slice(start, eol < 0 ? text.length : eol);
}

/** Each path's first `+++` line as sent, from the `+++ ` lines the walk collected. */
function plusLinesByPath(lines: string[]): Map<string, string> {
  const byPath = new Map<string, string>();
  for (const line of lines) {
    const tab = line.indexOf("\t", 4);
    const path = stripPrefix((tab < 0 ? line.slice(4) : line.slice(4, tab)).trim());
    if (!byPath.has(path)) byPath.set(path, line);
  }
  return byPath;
}

/**
 * The lines that mark a file binary (`Binary files ... differ`, `GIT binary
 * patch`) and the `diff --git` lines whose `b/` path they belong to.
 */
const BINARY_SECTION_LINE = /(?:^|\n)(?:diff --git |Binary files |GIT binary patch)/g;

/** The `b/` paths of the files the diff part marks binary. */
function binaryPathsOf(diff: string): Set<string> {
  const binary = new Set<string>();
  // Most diffs carry no marker at all: two searches settle that.
  if (!diff.includes("Binary files ") && !diff.includes("GIT binary patch")) return binary;
  let current = "";
  BINARY_SECTION_LINE.lastIndex = 0;
  for (let m = BINARY_SECTION_LINE.exec(diff); m !== null; m = BINARY_SECTION_LINE.exec(diff)) {
    const start = m[0].startsWith("\n") ? m.index + 1 : m.index;
    const line = lineAt(diff, start);
    // Resume at this line's end: its own text must not match again.
    BINARY_SECTION_LINE.lastIndex = start + line.length;
    if (line.startsWith("diff --git ")) current = / b\/(.+)$/.exec(line)?.[1] ?? "";
    else if (line.startsWith("Binary files ") || line === "GIT binary patch") binary.add(current);
  }
  return binary;
}

/**
 * The number of lines in the diff part (split on `\n`, the "" after a final
 * newline not counted) when it exceeds `max`, else null. A text never has
 * more lines than characters, so a short diff needs no counting.
 */
function linesBeyond(diff: string, max: number): number | null {
  if (diff.length <= max) return null;
  let count = diff.endsWith("\n") ? 0 : 1;
  for (let p = diff.indexOf("\n"); p >= 0; p = diff.indexOf("\n", p + 1)) count++;
  return count > max ? count : null;
}

/** The limits the parse layer enforces; the rest of `Limits` belongs to ingest. */
export type ParseLimits = Pick<Limits, "maxDiffLines" | "maxLineLength">;

/**
 * Parses a patch mail body. Throws BAD_DIFF (naming `item`) when the diff part
 * exists but cannot be read (see `walkDiff`).
 *
 * Limits (`DEFAULT_LIMITS` when not given):
 * - more than `maxDiffLines` lines from the start of the diff to the end of
 *   the body: a LIMIT error naming `item`; the patch is not silently cut;
 * - a line longer than `maxLineLength` characters (diff prefix not counted)
 *   is not an error: `DiffLine.raw` keeps it as sent, `DiffLine.text` is ""
 *   so the rules skip it; an over-long commit-message line becomes "" too.
 *
 * @throws LkreviewError `BAD_DIFF`, `LIMIT`
 */
export function parsePatchBody(body: string, item = "patch", limits: ParseLimits = DEFAULT_LIMITS): ParsedBody {
  const text = stripCarriageReturns(body);
  const { diffStart, messageEnd } = layoutOf(text);
  const commitMessage = commitMessageOf(text, messageEnd, limits.maxLineLength);
  if (diffStart < 0) return { commitMessage, files: [], hasDiff: false };
  const diff = text.slice(diffStart);
  const lineCount = linesBeyond(diff, limits.maxDiffLines);
  if (lineCount !== null) {
    throw new LkreviewError("LIMIT", item, `diff of ${lineCount} lines exceeds limits.maxDiffLines (${limits.maxDiffLines}); not reviewed`);
  }
  let walked: DiffWalk;
  try {
    walked = walkDiff(text, limits.maxLineLength, diffStart);
  } catch (err) {
    if (!(err instanceof DiffWalkError)) throw err;
    throw new LkreviewError("BAD_DIFF", item, `unified diff could not be parsed: ${err.message}`, { cause: err });
  }
  const binary = binaryPathsOf(diff);
  const plusLines = plusLinesByPath(walked.plusLines);
  const files: FileDiff[] = [];
  for (const f of walked.files) {
    const isNew = f.created || f.from === "/dev/null";
    const isDeleted = f.deleted || f.to === "/dev/null";
    const newPath = stripPrefix(f.to);
    const oldPath = stripPrefix(f.from);
    const path = isDeleted ? oldPath : newPath || oldPath;
    if (!path) continue;
    files.push({
      path,
      oldPath: isNew ? path : oldPath,
      isNew,
      isDeleted,
      isBinary: binary.has(path),
      plusLine: plusLines.get(path) ?? `+++ b/${path}`,
      hunks: f.hunks,
    });
  }
  return { commitMessage, files, hasDiff: files.length > 0 };
}
