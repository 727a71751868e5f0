import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { FileDiff, Hunk, Patch, Series } from "../../model.js";

/**
 * The `--tree DIR` view: the whole post-image of each C file a patch touches,
 * rebuilt from a kernel checkout. The pre-image comes from the working tree
 * at DIR (or `git show HEAD:path` when the file is not checked out there),
 * the earlier patches of the series are applied first, then the patch's own
 * hunks, all in memory. The result is one synthetic file diff per file whose
 * single hunk holds every line (the patch's added lines still marked added),
 * so the C pass sees whole functions: a `goto err` whose label lies outside
 * the hunk is judged on the real code.
 *
 * Whenever a file cannot be read or a hunk does not apply exactly where it
 * says, that file falls back to the hunk-only view and one note says why;
 * nothing is printed and nothing throws.
 */

export interface TreeView {
  /** Patch file diff -> the same file as one hunk covering the whole post-image. */
  files: Map<FileDiff, FileDiff>;
  /** One line per file that fell back to the hunk-only view. */
  notes: string[];
}

/** Largest source file we read from the tree; generated tables beyond this are not worth parsing. */
export const MAX_TREE_FILE_BYTES = 4 * 1024 * 1024;

const C_FILE = /\.(c|h)$/;

interface Line {
  text: string;
  added: boolean;
}

/** True for a path that stays inside the tree (no absolute path, no `..`, no option-looking name). */
function safePath(dir: string, path: string): boolean {
  if (!path || isAbsolute(path) || path.startsWith("-") || path.split("/").includes("..") || /[\0\r\n]/.test(path)) return false;
  const rel = relative(resolve(dir), resolve(dir, path));
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** The file as the tree has it: checked-out copy first, then the committed one. Null when neither exists. */
function readPreImage(dir: string, path: string): string[] | null {
  const full = resolve(dir, path);
  try {
    const st = statSync(full);
    if (st.isFile()) {
      if (st.size > MAX_TREE_FILE_BYTES) return null;
      return splitLines(readFileSync(full, "utf8"));
    }
  } catch {
    // Not checked out: try the committed version below.
  }
  try {
    const out = execFileSync("git", ["-C", dir, "show", `HEAD:${path}`], {
      encoding: "utf8",
      maxBuffer: MAX_TREE_FILE_BYTES,
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 10_000,
    });
    return splitLines(out);
  } catch {
    return null;
  }
}

/**
 * Applies hunks to a pre-image exactly where their headers say (no fuzz, no
 * offset: the patch's own line numbers must stay valid for the findings).
 * Returns the post-image, or the 1-based old line where a hunk fails.
 */
export function applyHunks(pre: readonly Line[], hunks: readonly Hunk[]): Line[] | { failsAt: number } {
  const out: Line[] = [];
  let pos = 0;
  for (const h of hunks) {
    // `-N,0` inserts after old line N; otherwise the hunk starts at old line N.
    const start = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
    if (start < pos || start > pre.length) return { failsAt: h.oldStart };
    for (; pos < start; pos++) out.push({ text: (pre[pos] as Line).text, added: false });
    for (const l of h.lines) {
      if (l.kind === "add") {
        out.push({ text: l.text, added: true });
        continue;
      }
      const old = pre[pos];
      if (old?.text !== l.text) return { failsAt: l.oldLine ?? h.oldStart };
      if (l.kind === "ctx") out.push({ text: old.text, added: false });
      pos++;
    }
  }
  for (; pos < pre.length; pos++) out.push({ text: (pre[pos] as Line).text, added: false });
  return out;
}

/** The patches of the series that come before `patch`, in order. */
function earlierPatches(patch: Patch, series: Series | null): Patch[] {
  if (!series) return [];
  const i = series.patches.indexOf(patch);
  return i > 0 ? series.patches.slice(0, i) : [];
}

/** A file diff whose one hunk shows the whole post-image, added lines kept as added. */
function wholeFileDiff(file: FileDiff, lines: readonly Line[]): FileDiff {
  const hunk: Hunk = {
    header: `@@ -1,${lines.length} +1,${lines.length} @@`,
    oldStart: 1,
    oldLines: lines.length,
    newStart: 1,
    newLines: lines.length,
    functionContext: "",
    lines: lines.map((l, i) => ({
      kind: l.added ? "add" : "ctx",
      text: l.text,
      raw: (l.added ? "+" : " ") + l.text,
      newLine: i + 1,
      oldLine: l.added ? null : i + 1,
    })),
  };
  return { ...file, hunks: [hunk] };
}

/** The full-file view of one C file of `patch`, or a note saying why it falls back. */
function viewOf(dir: string, patch: Patch, file: FileDiff, series: Series | null): FileDiff | string {
  const where = file.path;
  if (!safePath(dir, file.oldPath) || !safePath(dir, file.path)) return `${where}: path outside the tree; judged on the hunks only`;
  let content: Line[] | null = null;
  for (const earlier of earlierPatches(patch, series)) {
    const f = earlier.files.find((x) => x.path === file.oldPath);
    if (!f || f.isBinary) continue;
    if (f.isDeleted) {
      content = [];
      continue;
    }
    const pre = content ?? (f.isNew ? [] : (readPreImage(dir, f.oldPath)?.map((text) => ({ text, added: false })) ?? null));
    if (!pre) return `${where}: not in the tree; judged on the hunks only`;
    const post = applyHunks(pre, f.hunks);
    if (!Array.isArray(post)) return `${where}: an earlier patch of the series does not apply to the tree (line ${post.failsAt}); judged on the hunks only`;
    content = post.map((l) => ({ text: l.text, added: false }));
  }
  const pre = content ?? readPreImage(dir, file.oldPath)?.map((text) => ({ text, added: false })) ?? null;
  if (!pre) return `${where}: not in the tree; judged on the hunks only`;
  const post = applyHunks(pre, file.hunks);
  if (!Array.isArray(post)) return `${where}: hunk at line ${post.failsAt} does not apply to the tree; judged on the hunks only`;
  // The patch's own numbering must hold, or findings would land on the wrong lines.
  for (const h of file.hunks) {
    for (const l of h.lines) {
      if (l.kind === "add" && l.newLine !== null && post[l.newLine - 1]?.text !== l.text) {
        return `${where}: line numbers do not match the tree; judged on the hunks only`;
      }
    }
  }
  return wholeFileDiff(file, post);
}

/**
 * The full-file views of the C files `patch` changes (new and deleted files
 * need none: the patch shows all of them), built from the kernel checkout
 * at `dir`. Never throws; files that cannot be rebuilt get a note instead.
 */
export function loadTreeView(dir: string, patch: Patch, series: Series | null): TreeView {
  const view: TreeView = { files: new Map(), notes: [] };
  for (const file of patch.files) {
    if (!C_FILE.test(file.path) || file.isNew || file.isDeleted || file.isBinary || file.hunks.length === 0) continue;
    try {
      const v = viewOf(dir, patch, file, series);
      if (typeof v === "string") view.notes.push(v);
      else view.files.set(file, v);
    } catch (err) {
      view.notes.push(`${file.path}: cannot build the tree view (${(err as Error).message.split("\n")[0]}); judged on the hunks only`);
    }
  }
  return view;
}

/** True when a function shown by the whole-file view overlaps what the patch changes (only those are judged). */
export function touchedBy(file: FileDiff, start: number, end: number): boolean {
  return file.hunks.some((h) => {
    const from = h.newStart;
    const to = h.newStart + Math.max(h.newLines, 1) - 1;
    return start <= to && end >= from;
  });
}
