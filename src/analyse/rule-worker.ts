import { parentPort, workerData } from "node:worker_threads";
import type { Config } from "../config.js";
import { runRuleTask } from "./workers.js";
import type { RuleTask } from "./workers.js";

/**
 * Worker-thread entry of the rule pool (workers.ts): receives rule tasks,
 * runs the rules and posts the outcomes back with the task's id. The config
 * comes once, as workerData.
 */

const config = (workerData as { config: Config }).config;

parentPort?.on("message", (msg: { id: number; task: RuleTask }) => {
  parentPort?.postMessage({ id: msg.id, outcomes: runRuleTask(msg.task, config) });
});
