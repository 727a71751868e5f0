import { describe, expect, it } from "vitest";
import { heapGuard } from "../../src/heap-guard.js";

describe("heapGuard", () => {
  it("asks for a full collection once the heap is past the ceiling, and not when it is off", () => {
    const keep: string[][] = [];
    for (let i = 0; i < 200; i++) keep.push(Array.from({ length: 100 }, (_, j) => `${i}:${j}`));
    const low = heapGuard(1, { every: 1, minGapMs: 0 });
    low.tick();
    low.tick();
    expect(low.collections).toBe(2);
    const off = heapGuard(0, { every: 1, minGapMs: 0 });
    off.tick();
    expect(off.collections).toBe(0);
    const high = heapGuard(1_000_000, { every: 1, minGapMs: 0 });
    high.tick();
    expect(high.collections).toBe(0);
    expect(keep).toHaveLength(200);
  });

  it("looks at the heap only every `every` calls", () => {
    const g = heapGuard(1, { every: 3, minGapMs: 0 });
    g.tick();
    g.tick();
    expect(g.collections).toBe(0);
    g.tick();
    expect(g.collections).toBe(1);
  });
});
