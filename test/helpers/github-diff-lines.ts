/**
 * Which lines of a PR file GitHub lets a review comment sit on: the lines of
 * the hunks in the file's `patch` field, per side (the emulator's own
 * parser, independent of lkreview's).
 */

export interface HunkLines {
  right: Set<number>;
  left: Set<number>;
}

/** Per-hunk line sets of a GitHub `patch` field (the emulator's own parser, independent of lkreview's). */
export function hunksOf(patch: string | null): HunkLines[] {
  const out: HunkLines[] = [];
  if (!patch) return out;
  let cur: HunkLines | null = null;
  let oldNo = 0;
  let newNo = 0;
  for (const line of patch.split("\n")) {
    const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (m) {
      cur = { right: new Set(), left: new Set() };
      out.push(cur);
      oldNo = Number(m[1]);
      newNo = Number(m[2]);
      continue;
    }
    if (!cur || line.startsWith("\\")) continue;
    if (line.startsWith("+")) cur.right.add(newNo++);
    else if (line.startsWith("-")) cur.left.add(oldNo++);
    else {
      cur.right.add(newNo++);
      cur.left.add(oldNo++);
    }
  }
  return out;
}
