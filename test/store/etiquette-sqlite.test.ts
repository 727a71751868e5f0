import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { etiquetteContract } from "./etiquette-contract.js";

const dir = mkdtempSync(join(tmpdir(), "lkreview-etq-sqlite-"));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

etiquetteContract("SQLite", async () => join(dir, `db${++n}`, "lkreview.sqlite"));
