import { describe, expect, it } from "vitest";
import { endJobNow, JobCache, whenJobEnds } from "../src/job-cache.js";

describe("JobCache", () => {
  it("keeps what a synchronous run put in it for the rest of that run", () => {
    const cache = new JobCache<object, string>();
    const key = {};
    expect(cache.has(key)).toBe(false);
    cache.set(key, "parsed once");
    expect(cache.get(key)).toBe("parsed once");
    expect(cache.has(key)).toBe(true);
    expect(cache.get({})).toBeUndefined();
  });

  it("forgets every cache's entries once the run has ended", async () => {
    const a = new JobCache<object, number>();
    const b = new JobCache<object, number>();
    const key = {};
    a.set(key, 1);
    b.set(key, 2);
    await Promise.resolve();
    expect(a.get(key)).toBeUndefined();
    expect(b.has(key)).toBe(false);
  });

  it("serves the next run afresh, and forgets that run's entries too", async () => {
    const cache = new JobCache<object, string>();
    const first = {};
    cache.set(first, "first run");
    await Promise.resolve();
    const second = {};
    cache.set(second, "second run");
    expect(cache.get(second)).toBe("second run");
    expect(cache.get(first)).toBeUndefined();
    await Promise.resolve();
    expect(cache.get(second)).toBeUndefined();
  });

  it("ends a job in the middle of a synchronous run when told to (a worker's task of unrelated patches), and caches start afresh", async () => {
    const cache = new JobCache<object, string>();
    const ran: string[] = [];
    const key = {};
    cache.set(key, "first patch");
    whenJobEnds(() => ran.push("first job ended"));
    endJobNow();
    expect(cache.get(key)).toBeUndefined();
    expect(ran).toEqual(["first job ended"]);
    cache.set(key, "second patch");
    expect(cache.get(key)).toBe("second patch");
    await Promise.resolve();
    expect(cache.get(key)).toBeUndefined();
    expect(ran).toEqual(["first job ended"]);
  });

  it("can be emptied by hand in the middle of a run", () => {
    const cache = new JobCache<object, string>();
    const key = {};
    cache.set(key, "x");
    cache.clear();
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, "y");
    expect(cache.get(key)).toBe("y");
  });

  it("runs what waits for the end of the run once the run is over, not before, and a later run's afresh", async () => {
    const ran: string[] = [];
    whenJobEnds(() => ran.push("first"));
    whenJobEnds(() => {
      ran.push("second");
      whenJobEnds(() => ran.push("next run"));
    });
    expect(ran).toEqual([]);
    await Promise.resolve();
    expect(ran).toEqual(["first", "second"]);
    await Promise.resolve();
    expect(ran).toEqual(["first", "second", "next run"]);
  });
});
