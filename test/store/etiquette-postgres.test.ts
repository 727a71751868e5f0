import { afterAll, beforeAll } from "vitest";
import { startPostgres } from "../helpers/postgres.js";
import type { TestPostgres } from "../helpers/postgres.js";
import { etiquetteContract } from "./etiquette-contract.js";

let server: TestPostgres | undefined;
let n = 0;

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

etiquetteContract("PostgreSQL", async () => {
  if (!server) throw new Error("PostgreSQL test server did not start");
  return server.createDatabase(`lkreview_etq_${process.pid}_${++n}`);
});
