/**
 * Entry point for the crash test: one `watch --once` pass in a process of its
 * own, which the test bundles with esbuild and runs with node. argv: the
 * config overrides as JSON, then the SQLite path. The crash itself comes from
 * the outbox's test-only hook (LKREVIEW_TEST_CRASH_AFTER_SMTP), inert unless set.
 */
import { runWatch } from "../../src/mail/watch.js";
import { openStore } from "../../src/store/open.js";
import { testConfig, TODO_RULE } from "./fixtures.js";

const [configJson, db] = process.argv.slice(2);
const store = await openStore(db ?? "");
const code = await runWatch({
  config: testConfig(JSON.parse(configJson ?? "{}") as Record<string, unknown>),
  store,
  once: true,
  log: (l) => process.stderr.write(`${l}\n`),
  rules: [TODO_RULE],
  version: "0.1.0",
  outboxBackoffMs: 0,
});
await store.close();
process.exit(code);
