import { COMMIT_MSG } from "../model.js";
import type { DiffLine, Hunk, Patch } from "../model.js";

/**
 * The new-side lines of one file of a patch (every part under that path),
 * or of the commit message under COMMIT_MSG, by line number: what the
 * engine's diff filter reads a report's range from.
 *
 * Each hunk numbers its new-side lines one after another, so a hunk is kept
 * as a run (its first number and how many lines it shows) instead of a map
 * entry and an object per line: a patch has many lines and few reports.
 * Where runs overlap (the same path sent twice), the later one wins, as it
 * would in a map filled in patch order. A hunk whose numbers do not follow
 * on (numbers past 2^53, where `n + 1 === n`) makes the index fall back to such a
 * map for its path, and so does a path with more than MAX_RUNS hunks: a
 * lookup walks the runs, which must stay few.
 */
export interface LineIndex {
  /** The text of new-side line `n`, or undefined when the patch does not show it. */
  textAt(n: number): string | undefined;
  /** Whether line `n` (one `textAt` knows) is added by the patch. */
  addedAt(n: number): boolean;
}

interface Run {
  first: number;
  count: number;
  hunk: Hunk;
  /** Index in `hunk.lines` of the run's k-th line, built when the run is first read. */
  positions: Int32Array | null;
}

class CommitMessageIndex implements LineIndex {
  constructor(private readonly lines: readonly string[]) {}

  textAt(n: number): string | undefined {
    return Number.isInteger(n) && n >= 1 ? this.lines[n - 1] : undefined;
  }

  addedAt(): boolean {
    return true;
  }
}

class MapIndex implements LineIndex {
  private readonly lines = new Map<number, DiffLine>();

  constructor(hunks: readonly Hunk[]) {
    for (const hunk of hunks) for (const l of hunk.lines) if (l.newLine !== null) this.lines.set(l.newLine, l);
  }

  textAt(n: number): string | undefined {
    return this.lines.get(n)?.text;
  }

  addedAt(n: number): boolean {
    return this.lines.get(n)?.kind === "add";
  }
}

class RunIndex implements LineIndex {
  /** The run and line found by the last lookup: `addedAt` follows `textAt` on the same number. */
  private lastNumber = NaN;
  private lastLine: DiffLine | undefined;

  constructor(private readonly runs: readonly Run[]) {}

  private lineAt(n: number): DiffLine | undefined {
    if (n === this.lastNumber) return this.lastLine;
    let found: DiffLine | undefined;
    for (let r = this.runs.length - 1; r >= 0; r--) {
      const run = this.runs[r] as Run;
      const k = n - run.first;
      if (!(k >= 0 && k < run.count && Number.isInteger(k))) continue;
      run.positions ??= positionsOf(run.hunk, run.count);
      found = run.hunk.lines[run.positions[k] as number];
      break;
    }
    this.lastNumber = n;
    this.lastLine = found;
    return found;
  }

  textAt(n: number): string | undefined {
    return this.lineAt(n)?.text;
  }

  addedAt(n: number): boolean {
    return this.lineAt(n)?.kind === "add";
  }
}

/** Where each new-side line of a hunk sits in its `lines`. */
function positionsOf(hunk: Hunk, count: number): Int32Array {
  const out = new Int32Array(count);
  let k = 0;
  hunk.lines.forEach((l, i) => {
    if (l.newLine !== null) out[k++] = i;
  });
  return out;
}

/** The hunk as a run, or null when its new-side numbers do not follow on one by one. */
function runOf(hunk: Hunk): Run | null {
  let first = 0;
  let count = 0;
  for (const l of hunk.lines) {
    if (l.newLine === null) continue;
    if (!Number.isSafeInteger(l.newLine)) return null;
    if (count === 0) first = l.newLine;
    else if (l.newLine !== first + count) return null;
    count++;
  }
  return { first, count, hunk, positions: null };
}

/** Past this many hunks in one path, a lookup walking the runs would cost more than a map built once. */
const MAX_RUNS = 64;

/** The line index of `path` in `patch`. */
export function lineIndexOf(patch: Patch, path: string): LineIndex {
  if (path === COMMIT_MSG) return new CommitMessageIndex(patch.commitMessage);
  const hunks: Hunk[] = [];
  for (const file of patch.files) if (file.path === path) hunks.push(...file.hunks);
  if (hunks.length > MAX_RUNS) return new MapIndex(hunks);
  const runs: Run[] = [];
  for (const hunk of hunks) {
    const run = runOf(hunk);
    if (!run) return new MapIndex(hunks);
    if (run.count > 0) runs.push(run);
  }
  return new RunIndex(runs);
}
