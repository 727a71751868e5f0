import { COMMIT_MSG } from "../../model.js";

/** One line of the patch as sent, with its new-side number (null for removed lines and hunk headers). */
export interface PatchLine {
  raw: string;
  newLine: number | null;
  /** `@@` lines start a hunk; quotes never reach back past one. */
  hunkHeader: boolean;
}

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/**
 * Indexes a stored patch body by file and new-side line, the same numbering
 * findings use: COMMIT_MSG lines count from the first body line up to the
 * `---` separator (or the diff); file lines follow each hunk's `+c` start.
 * Tolerant: this only places quotes on a page, an odd patch shows fewer quotes.
 */
export function indexPatch(patch: string): Map<string, PatchLine[]> {
  const files = new Map<string, PatchLine[]>();
  const lines = patch.split("\n");
  const diffAt = lines.findIndex((l) => l === "---" || l.startsWith("diff --git ") || l.startsWith("--- a/") || l.startsWith("Index: "));
  const msgEnd = diffAt < 0 ? lines.length : diffAt;
  const msg = lines.slice(0, msgEnd).map((raw, i): PatchLine => ({ raw, newLine: i + 1, hunkHeader: false }));
  files.set(COMMIT_MSG, msg);
  let current: PatchLine[] | null = null;
  let oldPath = "";
  let next = 0;
  let inHunk = false;
  for (const l of lines.slice(msgEnd)) {
    if (l.startsWith("--- ")) {
      oldPath = l.slice(4).replace(/^a\//, "").replace(/\t.*$/, "");
      inHunk = false;
      continue;
    }
    if (l.startsWith("+++ ") && !inHunk) {
      let path = l.slice(4).replace(/^b\//, "").replace(/\t.*$/, "");
      if (path === "/dev/null") path = oldPath;
      current = files.get(path) ?? [];
      files.set(path, current);
      continue;
    }
    const h = HUNK.exec(l);
    if (h && current) {
      next = Number(h[1]);
      inHunk = true;
      current.push({ raw: l, newLine: null, hunkHeader: true });
      continue;
    }
    if (!inHunk || !current) continue;
    const c = l[0];
    if (c === "+" || c === " " || l === "") {
      current.push({ raw: l, newLine: next++, hunkHeader: false });
    } else if (c === "-") {
      current.push({ raw: l, newLine: null, hunkHeader: false });
    } else if (c !== "\\") {
      inHunk = false;
    }
  }
  return files;
}

/** Most lines quoted for one finding; a long range is cut, the page stays readable. */
const MAX_QUOTE = 40;

/** The lines a finding is about, with up to `before` lines of lead-in from the same hunk. */
export function quoteFor(index: Map<string, PatchLine[]>, file: string, line: number, endLine: number, before = 3): PatchLine[] {
  const lines = index.get(file);
  if (!lines) return [];
  const start = lines.findIndex((l) => l.newLine === line);
  if (start < 0) return [];
  let from = start;
  for (let k = 0; k < before && from > 0 && lines[from]?.hunkHeader === false; k++) from--;
  // Through endLine; removed lines inside the range belong to it, after it they do not.
  let to = start;
  let last = line;
  while (to + 1 < lines.length) {
    const nx = lines[to + 1];
    if (!nx || nx.hunkHeader || (nx.newLine === null ? last >= endLine : nx.newLine > endLine)) break;
    if (nx.newLine !== null) last = nx.newLine;
    to++;
  }
  return lines.slice(from, Math.min(to + 1, from + MAX_QUOTE));
}
