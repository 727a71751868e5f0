import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Config } from "../config.js";
import { describeError } from "../errors.js";
import type { Patch, Series } from "../model.js";
import { ruleOptionsFor } from "./analyse.js";
import { endJobNow } from "../job-cache.js";
import { runRules } from "./engine.js";
import { packTask, transferables } from "./wire.js";
import type { EngineResult } from "./engine.js";

/**
 * Rule evaluation off the main thread: a small pool of worker threads, one
 * task (a flushed series group) at a time per worker. The rules are pure
 * CPU work, so they scale with cores; the model layer, the store and the
 * output stay in the main thread (they are I/O). A task carries its patches
 * and their series in one message, so a patch shared by a series is cloned
 * once, and the outcomes come back in the task's order.
 */

export interface RuleTaskItem {
  patch: Patch;
  /** Index into `RuleTask.series`, or -1 for no series. */
  series: number;
  /** Cover letters are checked for typos only. */
  cover: boolean;
}

export interface RuleTask {
  items: RuleTaskItem[];
  series: Series[];
}

/** The rules' result for one item, or the one-line reason they failed on it. */
export type RuleOutcome = { ok: true; result: EngineResult; ms: number } | { ok: false; message: string; ms: number };

/** Runs the rules of one task in this thread; a rule that throws fails only its item. */
export function runRuleTask(task: RuleTask, config: Config): RuleOutcome[] {
  const plain = ruleOptionsFor({ config });
  const cover = ruleOptionsFor({ config, coverLetter: true });
  return task.items.map((item, i) => {
    // A new lone patch or series is a new job: the rules' caches need not keep the one before alive.
    if (i > 0 && (item.series < 0 || item.series !== task.items[i - 1]?.series)) endJobNow();
    const start = performance.now();
    try {
      const result = runRules(item.patch, task.series[item.series] ?? null, item.cover ? cover : plain);
      return { ok: true, result, ms: performance.now() - start };
    } catch (err) {
      return { ok: false, message: `${item.patch.mail.messageId}: ${describeError(err)}`, ms: performance.now() - start };
    }
  });
}

export interface RuleRunner {
  /** Worker threads in use; 0 when the rules run in the calling thread. */
  readonly threads: number;
  run(task: RuleTask): Promise<RuleOutcome[]>;
  close(): Promise<void>;
}

/** The rules in the calling thread (`--jobs 1`, small inputs, or no worker file). */
export function inProcessRunner(config: Config): RuleRunner {
  return {
    threads: 0,
    run: (task) => Promise.resolve(runRuleTask(task, config)),
    close: () => Promise.resolve(),
  };
}

/** The compiled worker entry next to this module (dist/src/analyse/rule-worker.js). */
export function defaultWorkerEntry(): URL {
  return new URL("./rule-worker.js", import.meta.url);
}

/**
 * Rule threads to use when the user did not say. The main thread parses
 * mail and writes replies while the threads run the rules, so it keeps a
 * core of its own. Below four cores no pool: measured on two cores, a pool
 * of one or two threads was no faster than the rules in the main thread
 * (every thread parses its tasks again and warms up on its own) and took
 * twice the memory (bench/README.md).
 */
export function defaultJobs(cores = availableParallelism()): number {
  return cores >= 4 ? cores - 1 : 1;
}

export interface PoolOptions {
  size: number;
  /** Worker script; tests pass a bundled one, since Node cannot run the .ts source. */
  entry?: string | URL;
}

interface Job {
  id: number;
  task: RuleTask;
  resolve(outcomes: RuleOutcome[]): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

/**
 * A pool of `size` rule workers. When the worker script is not there (running
 * from the TypeScript sources, or from a single-file bundle), the rules run
 * in the calling thread instead: slower, never wrong.
 */
export function createRulePool(config: Config, opts: PoolOptions): RuleRunner {
  const entry = opts.entry ?? defaultWorkerEntry();
  const path = entry instanceof URL ? fileURLToPath(entry) : entry;
  if (opts.size < 1 || !existsSync(path)) return inProcessRunner(config);
  return new RulePool(config, entry, opts.size);
}

class RulePool implements RuleRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly config: Config,
    private readonly entry: string | URL,
    readonly threads: number,
  ) {
    for (let i = 0; i < threads; i++) this.slots.push(this.spawn());
  }

  run(task: RuleTask): Promise<RuleOutcome[]> {
    if (this.closed) return Promise.resolve(runRuleTask(task, this.config));
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, task, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const left = this.queue.splice(0);
    for (const job of left) job.resolve(runRuleTask(job.task, this.config));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.entry, { workerData: { config: this.config } }), job: null };
    slot.worker.on("message", (msg: { id: number; outcomes: RuleOutcome[] }) => {
      const job = slot.job;
      if (job?.id !== msg.id) return;
      slot.job = null;
      job.resolve(msg.outcomes);
      this.pump();
    });
    // A worker that dies (out of memory, a crash in native code) fails only
    // the task it held; a fresh worker takes its place.
    const fail = (why: string): void => {
      const job = slot.job;
      slot.job = null;
      if (job) job.resolve(job.task.items.map((it) => ({ ok: false, message: `${it.patch.mail.messageId}: rule worker failed: ${why}`, ms: 0 })));
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) {
        this.slots[i] = this.spawn();
        this.pump();
      }
    };
    slot.worker.on("error", (err) => fail(describeError(err)));
    slot.worker.on("exit", (code) => {
      if (!this.closed && this.slots.includes(slot)) fail(`exited with code ${code}`);
    });
    return slot;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      const task = packTask(job.task);
      slot.worker.postMessage({ id: job.id, task }, transferables(task));
    }
  }
}
