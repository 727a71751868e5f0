import type { Finding, Patch } from "../model.js";
import { normaliseText } from "../report/fingerprint.js";
import { anchoredAddedLines, isTrivialNormalised } from "./anchored.js";

/** The tag of a finding on code the patch did not write (kept in JSON and the queue, never in a reply). */
export const PRE_EXISTING = "pre-existing";

/**
 * `normaliseText(text)` without the regex for the common line: printable
 * ASCII with single inner spaces, indented by tabs or spaces, is just
 * trimmed (every removed line of a patch goes through here).
 */
function normalised(text: string): string {
  const isBlank = (c: number): boolean => c === 32 || c === 9;
  let start = 0;
  while (start < text.length && isBlank(text.charCodeAt(start))) start++;
  let end = text.length;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c > 126 || (c === 32 && text.charCodeAt(i + 1) === 32)) return normaliseText(text);
  }
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** True when some hunk of the patch removes a line. */
function removesAnything(patch: Patch): boolean {
  for (const file of patch.files) {
    for (const hunk of file.hunks) {
      for (const l of hunk.lines) if (l.kind === "del") return true;
    }
  }
  return false;
}

/**
 * Tags findings on code the patch only moves. A line counts as moved when
 * the same patch removes a line with the same normalised text (anywhere in
 * the patch: code moves between files too). A finding is pre-existing when
 * every non-trivial added line it is anchored to is moved; a finding that
 * touches one genuinely new line stays, since the author wrote that line.
 * Returns new finding objects; the input is not changed.
 */
export function tagMovedFindings(patch: Patch, findings: readonly Finding[]): Finding[] {
  // Most patches draw no finding: then no line of theirs needs a look.
  if (findings.length === 0) return [];
  if (!removesAnything(patch)) return [...findings];
  // What each finding would need removed elsewhere (null: nothing to check),
  // and all of it together: only these texts are looked for among the
  // removed lines, so no set of every removed line is built.
  const wanted = new Set<string>();
  const needs = findings.map((f) => {
    if (f.tags.includes(PRE_EXISTING)) return null;
    const lines: string[] = [];
    for (const text of anchoredAddedLines(patch, f)) {
      // `normalised` gives what `normaliseText` does: the triviality test reads it instead of normalising again.
      const t = normalised(text);
      if (isTrivialNormalised(t)) continue;
      lines.push(t);
      wanted.add(t);
    }
    return lines.length === 0 ? null : lines;
  });
  if (wanted.size === 0) return [...findings];
  const removed = new Set<string>();
  search: for (const file of patch.files) {
    for (const hunk of file.hunks) {
      for (const l of hunk.lines) {
        if (l.kind !== "del") continue;
        const t = normalised(l.text);
        if (!wanted.has(t)) continue;
        removed.add(t);
        if (removed.size === wanted.size) break search;
      }
    }
  }
  return findings.map((f, i) => {
    const lines = needs[i];
    if (!lines) return f;
    return lines.every((t) => removed.has(t)) ? { ...f, tags: [...f.tags, PRE_EXISTING] } : f;
  });
}
