import { COMMIT_MSG } from "../src/model.js";
import type { Finding, Patch } from "../src/model.js";
import { isClean } from "./corpus.js";
import type { CorpusEntry, ExpectedFinding } from "./corpus.js";

/**
 * Matches a patch's findings against its labels. A finding matches an
 * expected entry when class and file agree and its line range, widened by a
 * few lines of tolerance, covers the line that holds the expected text.
 */

/** Lines of slack either side of a finding's range (quotes and anchors differ by a line or two). */
export const TOLERANCE = 3;

export interface Miss {
  corpusFile: string;
  class: string;
  file: string;
  line: number | null;
  text: string;
}

export interface ClassCounts {
  tp: number;
  fp: number;
  fn: number;
}

export interface Scored {
  counts: Map<string, ClassCounts>;
  falsePositives: (Miss & { message: string })[];
  falseNegatives: Miss[];
  /** False positives on a clean patch (every finding there is one). */
  cleanFp: number;
}

/** Added lines per file (commit message lines count as added, under COMMIT_MSG). */
export function addedLines(patches: readonly Patch[]): Map<string, { line: number; text: string }[]> {
  const out = new Map<string, { line: number; text: string }[]>();
  const push = (file: string, line: number, text: string): void => {
    const list = out.get(file) ?? [];
    list.push({ line, text });
    out.set(file, list);
  };
  for (const p of patches) {
    p.commitMessage.forEach((t, i) => push(COMMIT_MSG, i + 1, t));
    for (const f of p.files) for (const h of f.hunks) for (const l of h.lines) if (l.kind === "add" && l.newLine !== null) push(f.path, l.newLine, l.text);
  }
  return out;
}

function countsFor(map: Map<string, ClassCounts>, cls: string): ClassCounts {
  let c = map.get(cls);
  if (!c) {
    c = { tp: 0, fp: 0, fn: 0 };
    map.set(cls, c);
  }
  return c;
}

/** Lines of `file` whose trimmed text equals `text` trimmed. */
function locate(lines: Map<string, { line: number; text: string }[]>, file: string, text: string): number[] {
  const want = text.trim();
  return (lines.get(file) ?? []).filter((l) => l.text.trim() === want).map((l) => l.line);
}

function distance(f: Finding, line: number): number {
  if (line >= f.line && line <= f.endLine) return 0;
  return line < f.line ? f.line - line : line - f.endLine;
}

/** Scores one corpus entry given the findings of the patch(es) in its file. */
export function scoreEntry(entry: CorpusEntry, patches: readonly Patch[], findings: readonly Finding[]): Scored {
  const lines = addedLines(patches);
  const counts = new Map<string, ClassCounts>();
  const falsePositives: Scored["falsePositives"] = [];
  const falseNegatives: Miss[] = [];
  const used = new Set<Finding>();
  // Lines that a label names: a second finding on a labelled line is not a false positive.
  const labelled: { cls: string; file: string; line: number }[] = [];

  const expected: { e: ExpectedFinding; at: number[] }[] = entry.expected.map((e) => ({ e, at: locate(lines, e.file, e.line_text) }));
  for (const { e, at } of expected) {
    let best: Finding | null = null;
    let bestDist = Infinity;
    for (const f of findings) {
      if (used.has(f) || f.class !== e.class || f.file !== e.file) continue;
      for (const line of at) {
        const d = distance(f, line);
        if (d <= TOLERANCE && d < bestDist) {
          best = f;
          bestDist = d;
        }
      }
    }
    for (const line of at) labelled.push({ cls: e.class, file: e.file, line });
    if (best) {
      used.add(best);
      countsFor(counts, e.class).tp++;
    } else {
      countsFor(counts, e.class).fn++;
      falseNegatives.push({ corpusFile: entry.file, class: e.class, file: e.file, line: at[0] ?? null, text: e.line_text });
    }
  }

  const acceptable = new Set(entry.acceptable_extra_lines.map((t) => t.trim()));
  const clean = isClean(entry);
  let cleanFp = 0;
  for (const f of findings) {
    if (used.has(f)) continue;
    const covered = (lines.get(f.file) ?? []).filter((l) => l.line >= f.line - TOLERANCE && l.line <= f.endLine + TOLERANCE);
    if (covered.some((l) => acceptable.has(l.text.trim()))) continue;
    if (labelled.some((l) => l.cls === f.class && l.file === f.file && distance(f, l.line) === 0)) continue;
    countsFor(counts, f.class).fp++;
    if (clean) cleanFp++;
    const text = (lines.get(f.file) ?? []).find((l) => l.line === f.line)?.text ?? "";
    falsePositives.push({ corpusFile: entry.file, class: f.class, file: f.file, line: f.line, text, message: f.message });
  }
  return { counts, falsePositives, falseNegatives, cleanFp };
}
