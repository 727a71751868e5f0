import parseDiff from "parse-diff";
import { LkreviewError } from "../errors.js";
import { DEFAULT_LIMITS } from "../limits.js";
import type { Limits } from "../limits.js";
import type { DiffLine, FileDiff, Hunk } from "../model.js";

/**
 * Splits a patch mail body into its commit message and its unified diff, and
 * parses the diff with parse-diff into files and hunks that know their
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

/** What a search of the diff part finds besides what parse-diff reports. */
interface DiffSections {
  binary: Set<string>;
  /** Each file's first `+++` line as sent. */
  plusLines: Map<string, string>;
}

/** The line of `text` that starts at `start`, without its newline. */
function lineAt(text: string, start: number): string {
  const eol = text.indexOf("\n", start);
  return text.slice(start, eol < 0 ? text.length : eol);
}

/**
 * Each file's first `+++` line as sent: parse-diff keeps only the path. A
 * string search for the line start is much cheaper than a walk over every
 * line. The diff part starts with a `diff`, `---` or `Index:` line, so a
 * `+++ ` line always follows a newline.
 */
function plusLinesOf(diff: string): Map<string, string> {
  const plusLines = new Map<string, string>();
  for (let nl = diff.indexOf("\n+++ "); nl >= 0; nl = diff.indexOf("\n+++ ", nl + 1)) {
    const line = lineAt(diff, nl + 1);
    const path = stripPrefix(line.slice(4).split("\t")[0]?.trim());
    if (!plusLines.has(path)) plusLines.set(path, line);
  }
  return plusLines;
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

function sectionsOf(diff: string): DiffSections {
  return { binary: binaryPathsOf(diff), plusLines: plusLinesOf(diff) };
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

function toHunk(chunk: parseDiff.Chunk, maxLineLength: number): Hunk {
  const lines: DiffLine[] = [];
  for (const change of chunk.changes) {
    const raw = change.content;
    // `\ No newline at end of file` belongs to the line before; it is not code.
    if (raw.startsWith("\\")) continue;
    // An over-long line (a generated table, a base64 blob, a hostile 100 KB
    // string) is kept as sent for quoting but shows the rules an empty line:
    // they skip it instead of spending time on it.
    const text = raw.length - 1 > maxLineLength ? "" : raw.slice(1);
    if (change.type === "add") lines.push({ kind: "add", text, raw, newLine: change.ln, oldLine: null });
    else if (change.type === "del") lines.push({ kind: "del", text, raw, newLine: null, oldLine: change.ln });
    else lines.push({ kind: "ctx", text, raw, newLine: change.ln2, oldLine: change.ln1 });
  }
  const ctxMatch = /^@@[^@]*@@ ?(.*)$/.exec(chunk.content);
  return {
    header: chunk.content,
    oldStart: chunk.oldStart,
    oldLines: chunk.oldLines,
    newStart: chunk.newStart,
    newLines: chunk.newLines,
    functionContext: (ctxMatch?.[1] ?? "").trim(),
    lines,
  };
}

/** The limits the parse layer enforces; the rest of `Limits` belongs to ingest. */
export type ParseLimits = Pick<Limits, "maxDiffLines" | "maxLineLength">;

/**
 * Parses a patch mail body. Throws BAD_DIFF (naming `item`) when the diff part
 * exists but parse-diff cannot make sense of it.
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
  let parsed: parseDiff.File[];
  try {
    parsed = parseDiff(diff);
  } catch (err) {
    throw new LkreviewError("BAD_DIFF", item, `unified diff could not be parsed: ${(err as Error).message}`, { cause: err });
  }
  const { binary, plusLines } = sectionsOf(diff);
  const files: FileDiff[] = [];
  for (const f of parsed) {
    const isNew = f.new === true || f.from === "/dev/null";
    const isDeleted = f.deleted === true || f.to === "/dev/null";
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
      hunks: f.chunks.map((c) => toHunk(c, limits.maxLineLength)),
    });
  }
  return { commitMessage, files, hasDiff: files.length > 0 };
}
