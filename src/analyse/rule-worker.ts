import { parentPort, workerData } from "node:worker_threads";
import type { Config } from "../config.js";
import { heapGuard } from "../heap-guard.js";
import { runRuleTask } from "./workers.js";
import { unpackTask } from "./wire.js";
import type { PackedTask } from "./wire.js";

/**
 * Worker-thread entry of the rule pool (workers.ts): receives rule tasks,
 * runs the rules and posts the outcomes back with the task's id. The config
 * comes once, as workerData.
 */

const config = (workerData as { config: Config }).config;
// Each worker has a heap of its own; the same soft ceiling as the main thread keeps a long run flat.
const heap = heapGuard(104, { every: 4 });

parentPort?.on("message", (msg: { id: number; task: PackedTask }) => {
  parentPort?.postMessage({ id: msg.id, outcomes: runRuleTask(unpackTask(msg.task), config) });
  heap.tick();
});
