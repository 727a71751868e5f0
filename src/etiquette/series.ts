import type { Finding, Patch, Series } from "../model.js";
import { normaliseText } from "../report/fingerprint.js";
import type { ReviewRecord } from "../store/store.js";
import { anchoredAddedLines, isTrivialLine, removedLines } from "./anchored.js";

/** Tag of a point a later part of the same series changes again. */
export const FIXED_LATER = "fixed-later";
/** Tag of a point that was already made on an earlier version. */
export const ALSO_RAISED = "also-raised";

/**
 * Series awareness inside one posting: a point on a line that a later part
 * of the series removes or rewrites is worded as a question ("fixed later in
 * 4/4?") rather than stated, because the author may well have fixed it there
 * on purpose (bisectability is still worth the question).
 */
export function markFixedLater(patch: Patch, series: Series | null, findings: readonly Finding[]): Finding[] {
  if (!series) return [...findings];
  const pos = series.patches.indexOf(patch);
  const later = pos >= 0 ? series.patches.slice(pos + 1) : series.patches.filter((p) => p.subject.index > patch.subject.index);
  if (later.length === 0) return [...findings];
  const removedBy = later.map((p) => ({ patch: p, removed: removedLines(p) }));
  return findings.map((f) => {
    const lines = anchoredAddedLines(patch, f)
      .filter((t) => !isTrivialLine(t))
      .map(normaliseText);
    if (lines.length === 0) return f;
    const fixer = removedBy.find(({ removed }) => lines.some((t) => removed.get(f.file)?.has(t)));
    if (!fixer) return f;
    const where = `${fixer.patch.subject.index}/${fixer.patch.subject.total}`;
    return { ...f, message: `${f.message} (fixed later in ${where}?)`, tags: [...f.tags, FIXED_LATER] };
  });
}

/** The subject title as a key across versions: case and spacing do not matter. */
export function titleKey(title: string): string {
  return normaliseText(title).toLowerCase();
}

/**
 * Across versions: a point whose fingerprint was already reported on an
 * earlier version of the same patch (same title, same author) gets
 * "(also raised on vN)"; points the new version fixed are simply not found
 * again, so nothing is repeated.
 */
export function markAlsoRaised(version: number, findings: readonly Finding[], earlier: readonly ReviewRecord[]): Finding[] {
  const raisedOn = new Map<string, number>();
  for (const r of earlier) {
    if (r.version >= version) continue;
    for (const p of r.findings) {
      const key = `${p.rule}\0${p.fingerprint}`;
      const prev = raisedOn.get(key);
      if (prev === undefined || r.version > prev) raisedOn.set(key, r.version);
    }
  }
  return findings.map((f) => {
    const v = raisedOn.get(`${f.rule}\0${f.fingerprint}`);
    if (v === undefined || f.tags.includes(ALSO_RAISED)) return f;
    return { ...f, message: `${f.message} (also raised on v${v})`, tags: [...f.tags, ALSO_RAISED] };
  });
}
