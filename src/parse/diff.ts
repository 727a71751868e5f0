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

function stripCarriageReturns(body: string): string[] {
  return body.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** Index of the first line of the diff part, or -1. */
function findDiffStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.startsWith("diff ") && DIFF_START.test(line)) return i;
    // A bare `--- a/x` needs a `+++ ` line right after, or it is prose.
    if (line.startsWith("--- ") && DIFF_START.test(line) && (lines[i + 1] ?? "").startsWith("+++ ")) return i;
    if (line.startsWith("Index: ") && (lines[i + 1] ?? "").startsWith("====")) return i;
  }
  return -1;
}

function commitMessageOf(lines: string[], diffStart: number): string[] {
  let end = diffStart < 0 ? lines.length : diffStart;
  // The `---` separator git format-patch puts above the diffstat ends the message.
  for (let i = 0; i < end; i++) {
    if (lines[i] === "---") {
      end = i;
      break;
    }
  }
  let start = 0;
  // In-body headers (`From: Real Author`) followed by a blank line are not prose.
  if (IN_BODY_HEADER.test(lines[0] ?? "")) {
    let i = 0;
    while (i < end && IN_BODY_HEADER.test(lines[i] ?? "")) i++;
    if ((lines[i] ?? "") === "") start = i + 1;
  }
  const msg = lines.slice(start, end);
  while (msg.length > 0 && (msg[msg.length - 1] ?? "").trim() === "") msg.pop();
  return msg;
}

function stripPrefix(path: string | undefined): string {
  if (!path) return "";
  return path.replace(/^[ab]\//, "");
}

/** One pass over the diff lines: binary files, and each file's `+++` line as sent. */
function scanSections(diffLines: string[]): { binary: Set<string>; plusLines: Map<string, string> } {
  const binary = new Set<string>();
  const plusLines = new Map<string, string>();
  let current = "";
  for (const line of diffLines) {
    if (line.startsWith("diff --git ")) {
      const m = / b\/(.+)$/.exec(line);
      current = m?.[1] ?? "";
      continue;
    }
    if (line.startsWith("Binary files ") || line === "GIT binary patch") binary.add(current);
    else if (line.startsWith("+++ ")) {
      const path = stripPrefix(line.slice(4).split("\t")[0]?.trim());
      if (!plusLines.has(path)) plusLines.set(path, line);
    }
  }
  return { binary, plusLines };
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
  const lines = stripCarriageReturns(body);
  const diffStart = findDiffStart(lines);
  const commitMessage = commitMessageOf(lines, diffStart).map((l) => (l.length > limits.maxLineLength ? "" : l));
  if (diffStart < 0) return { commitMessage, files: [], hasDiff: false };
  // The empty string after a final newline is not a line.
  const diffLineCount = lines.length - diffStart - (lines[lines.length - 1] === "" ? 1 : 0);
  if (diffLineCount > limits.maxDiffLines) {
    throw new LkreviewError("LIMIT", item, `diff of ${diffLineCount} lines exceeds limits.maxDiffLines (${limits.maxDiffLines}); not reviewed`);
  }
  const diffLines = lines.slice(diffStart);
  let parsed: parseDiff.File[];
  try {
    parsed = parseDiff(diffLines.join("\n"));
  } catch (err) {
    throw new LkreviewError("BAD_DIFF", item, `unified diff could not be parsed: ${(err as Error).message}`, { cause: err });
  }
  const { binary, plusLines } = scanSections(diffLines);
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
