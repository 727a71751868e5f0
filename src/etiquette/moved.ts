import type { Finding, Patch } from "../model.js";
import { normaliseText } from "../report/fingerprint.js";
import { anchoredAddedLines, isTrivialLine } from "./anchored.js";

/** The tag of a finding on code the patch did not write (kept in JSON and the queue, never in a reply). */
export const PRE_EXISTING = "pre-existing";

/**
 * Tags findings on code the patch only moves. A line counts as moved when
 * the same patch removes a line with the same normalised text (anywhere in
 * the patch: code moves between files too). A finding is pre-existing when
 * every non-trivial added line it is anchored to is moved; a finding that
 * touches one genuinely new line stays, since the author wrote that line.
 * Returns new finding objects; the input is not changed.
 */
export function tagMovedFindings(patch: Patch, findings: readonly Finding[]): Finding[] {
  const removed = new Set<string>();
  for (const file of patch.files) {
    for (const hunk of file.hunks) {
      for (const l of hunk.lines) if (l.kind === "del") removed.add(normaliseText(l.text));
    }
  }
  if (removed.size === 0) return [...findings];
  return findings.map((f) => {
    if (f.tags.includes(PRE_EXISTING)) return f;
    const lines = anchoredAddedLines(patch, f).filter((t) => !isTrivialLine(t));
    if (lines.length === 0) return f;
    const moved = lines.every((t) => removed.has(normaliseText(t)));
    return moved ? { ...f, tags: [...f.tags, PRE_EXISTING] } : f;
  });
}
