import { COMMIT_MSG } from "../model.js";
import type { Finding, Hunk, Patch } from "../model.js";
import { normaliseText } from "../report/fingerprint.js";

/**
 * Lines too common to identify code: blank lines, lone braces, `return;`,
 * `break;`, `else`, labels' closing parts. Matching on them would call any
 * finding "moved" or "already raised".
 */
export function isTrivialLine(text: string): boolean {
  return isTrivialNormalised(normaliseText(text));
}

/** `isTrivialLine` of a line whose text is already normalised (`normaliseText`). */
export function isTrivialNormalised(t: string): boolean {
  return t.length < 4 || /^(?:[{}();,\s]*|else|break;|continue;|return;|return 0;|return ret;|default:|#endif|\*\/|\/\*|\*)$/.test(t);
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
 * New-side lines of the finding's file within its range, in order; only added
 * ones when asked. Within a hunk new-side numbers never go down (the diff walker
 * counts them up from the `@@` line), so a hunk that ends above the range is
 * skipped and the walk stops past it: a finding costs its own hunk, not the file.
 */
function linesInRange(patch: Patch, f: Finding, onlyAdded: boolean): string[] {
  const last = Math.max(f.line, f.endLine);
  const out: string[] = [];
  for (const file of patch.files) {
    if (file.path !== f.file) continue;
    for (const hunk of file.hunks) {
      const end = lastNewLine(hunk);
      if (end === null || end < f.line) continue;
      for (const l of hunk.lines) {
        if (l.newLine === null) continue;
        if (l.newLine > last) break;
        if (onlyAdded && l.kind !== "add") continue;
        if (l.newLine >= f.line) out.push(l.text);
      }
    }
  }
  return out;
}

/** The added lines (new-side text, without prefix) a finding is anchored to, in order. */
export function anchoredAddedLines(patch: Patch, f: Finding): string[] {
  return f.file === COMMIT_MSG ? [] : linesInRange(patch, f, true);
}

/** Every new-side line (added or context) a finding is anchored to: what the store remembers. */
export function anchoredLines(patch: Patch, f: Finding): string[] {
  if (f.file === COMMIT_MSG) return f.line >= 1 ? patch.commitMessage.slice(f.line - 1, Math.max(f.line, f.endLine)) : [];
  return linesInRange(patch, f, false);
}

/** Normalised text of every line a patch removes, per path (old and new path both). */
export function removedLines(patch: Patch): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const file of patch.files) {
    for (const hunk of file.hunks) {
      for (const l of hunk.lines) {
        if (l.kind !== "del") continue;
        for (const path of new Set([file.path, file.oldPath])) {
          const set = out.get(path) ?? new Set<string>();
          set.add(normaliseText(l.text));
          out.set(path, set);
        }
      }
    }
  }
  return out;
}
