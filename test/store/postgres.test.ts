import { describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/store.js";
import { postgresPerSuite } from "../helpers/postgres.js";
import { storeContract } from "./contract.js";
import { finding, newItem } from "./fixtures.js";

const freshDb = postgresPerSuite("lkreview");

storeContract("PostgreSQL", freshDb);

describe("many workers, one PostgreSQL queue", () => {
  it("three workers review 300 queued patches: none twice, none lost", async () => {
    const db = await freshDb();
    const workers: Store[] = await Promise.all([openStore(db), openStore(db), openStore(db)]);
    const producer = workers[0]!;
    for (let i = 0; i < 300; i++) await producer.workEnqueue(`<patch.${i}@example.org>`, String(i));

    const reviewedBy = new Map<string, string[]>();
    const work = async (store: Store, name: string): Promise<number> => {
      let done = 0;
      for (;;) {
        const batch = await store.workClaim(name, 4, 60_000);
        if (batch.length === 0) return done;
        for (const job of batch) {
          reviewedBy.set(job.key, [...(reviewedBy.get(job.key) ?? []), name]);
          const i = Number(job.payload);
          // The "review": put an item in the queue, as the watcher does.
          await store.upsertItem(newItem(i, { messageId: job.key, findings: i % 3 === 0 ? [finding("errcode", "error", `fp${i}`)] : [] }));
          await store.workComplete(job.key);
          done++;
        }
      }
    };
    const counts = await Promise.all(workers.map((s, i) => work(s, `worker-${i}`)));

    expect(reviewedBy.size).toBe(300);
    expect([...reviewedBy.values()].filter((names) => names.length !== 1)).toEqual([]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
    // Interleaved, not one worker doing it all.
    expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1);
    expect(await producer.listItems()).toHaveLength(300);
    expect(await producer.workClaim("late", 10, 60_000)).toEqual([]);
    for (const s of workers) await s.close();
  });
});
