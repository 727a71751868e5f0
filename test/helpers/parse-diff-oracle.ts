import parseDiff from "parse-diff";
import type { DiffLine, Hunk } from "../../src/model.js";
import type { DiffWalk } from "../../src/parse/diff-walk.js";

/**
 * The diff reading lkreview had before it walked diffs itself: parse-diff
 * 0.12, then a copy of every change into our DiffLine. Kept only here, as the
 * oracle the walk must agree with (test/parse/diff-walk.test.ts).
 */

function oldHunk(chunk: parseDiff.Chunk, maxLineLength: number): Hunk {
  const lines: DiffLine[] = [];
  for (const change of chunk.changes) {
    const raw = change.content;
    if (raw.startsWith("\\")) continue;
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

/** The `+++ ` lines as the old string search found them: any line but the first. */
function oldPlusLines(diff: string): string[] {
  const lines: string[] = [];
  for (let nl = diff.indexOf("\n+++ "); nl >= 0; nl = diff.indexOf("\n+++ ", nl + 1)) {
    const eol = diff.indexOf("\n", nl + 1);
    lines.push(diff.slice(nl + 1, eol < 0 ? diff.length : eol));
  }
  return lines;
}

/** What parse-diff made of `diff`, in the walk's shape; throws where parse-diff throws. */
export function parseDiffOracle(diff: string, maxLineLength: number): DiffWalk {
  const files = parseDiff(diff).map((f) => ({
    from: f.from,
    to: f.to,
    created: f.new === true,
    deleted: f.deleted === true,
    hunks: f.chunks.map((c) => oldHunk(c, maxLineLength)),
  }));
  return { files, plusLines: oldPlusLines(diff) };
}
