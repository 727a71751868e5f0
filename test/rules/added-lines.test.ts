import { describe, expect, it } from "vitest";
import { addedLines } from "../../rules/utils/added-lines.js";
import type { CFunction, CLine } from "../../src/parse/c/types.js";

/**
 * `addedLines` answers `has` by a binary search over the function's lines
 * when their new-side numbers ascend (every function the diff shows), and by
 * a real set when they do not; both must agree with the lines' flags.
 */

const line = (newLine: number, added: boolean): CLine => ({ kind: added ? "add" : "ctx", newLine, text: "x;" });

function fnWith(lines: CLine[]): CFunction {
  return { lines } as unknown as CFunction;
}

describe("addedLines", () => {
  it("finds the added lines of an ascending function, across a gap of unseen lines", () => {
    const set = addedLines(fnWith([line(10, false), line(11, true), line(12, false), line(5_000_000, true), line(5_000_001, false)]));
    expect([9, 10, 11, 12, 13, 4_999_999, 5_000_000, 5_000_001].map((n) => set.has(n))).toEqual([false, false, true, false, false, false, true, false]);
    expect([...set]).toEqual([11, 5_000_000]);
    expect(set.size).toBe(2);
  });

  it("answers from a set when the lines are out of order or repeat a number", () => {
    const set = addedLines(fnWith([line(20, true), line(12, false), line(12, true), line(30, false)]));
    expect([12, 20, 30, 31].map((n) => set.has(n))).toEqual([true, true, false, false]);
    expect([...set.keys()].sort((a, b) => a - b)).toEqual([12, 20]);
    const seen: number[] = [];
    set.forEach((v) => seen.push(v));
    expect(seen.sort((a, b) => a - b)).toEqual([12, 20]);
  });

  it("has nothing for a function with no lines", () => {
    const set = addedLines(fnWith([]));
    expect(set.has(0)).toBe(false);
    expect(set.size).toBe(0);
  });
});
