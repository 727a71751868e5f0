import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import { storeContract } from "./contract.js";
import { newItem } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "lkreview-sqlite-"));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract("SQLite", async () => join(dir, `db${++n}`, "lkreview.sqlite"));

describe("SQLite store file", () => {
  it("is created with its parent directory on first use and survives reopening", async () => {
    const path = join(dir, "nested", "deeper", "state.sqlite");
    expect(existsSync(path)).toBe(false);
    const store = await openStore(path);
    await store.upsertItem(newItem(1));
    await store.close();
    expect(existsSync(path)).toBe(true);
    const again = await openStore(path);
    expect((await again.listItems()).map((i) => i.messageId)).toEqual([newItem(1).messageId]);
    await again.close();
  });

  it("with mustExist, refuses a path that does not exist instead of creating it", async () => {
    const path = join(dir, "typo", "x.sqlite");
    await expect(openStore(path, { mustExist: true })).rejects.toThrow(`no store at ${path}; run review --enqueue or watch first`);
    expect(existsSync(join(dir, "typo"))).toBe(false);
    const real = join(dir, "real.sqlite");
    await (await openStore(real)).close();
    await (await openStore(real, { mustExist: true })).close();
  });

  it("reports a path it cannot create as a store error naming the path", async () => {
    const blocker = join(dir, "blocker");
    await (await openStore(blocker)).close();
    await expect(openStore(join(blocker, "sub", "x.sqlite"))).rejects.toThrow(join(blocker, "sub", "x.sqlite"));
  });
});
