import type { Config } from "./config.js";
import { describeError } from "./errors.js";
import { isIngestFailure } from "./ingest/item.js";
import type { IngestItem } from "./ingest/item.js";
import type { Finding, Patch, Review, ReviewError, Series } from "./model.js";
import { analysePatch } from "./analyse/analyse.js";
import type { AnalyseDeps, ModelReviewer } from "./analyse/analyse.js";
import { createRulePool, defaultJobs, inProcessRunner } from "./analyse/workers.js";
import type { RuleOutcome, RuleRunner, RuleTask } from "./analyse/workers.js";
import { parseMail } from "./parse/mime.js";
import { classifyMail } from "./parse/patch.js";
import { parseSubject } from "./parse/subject.js";
import { SeriesWindow } from "./parse/series-window.js";
import type { FlushedGroup } from "./parse/series-window.js";
import { heapGuard } from "./heap-guard.js";
import { composeReply } from "./report/lkml/compose.js";
import type { ComposedReply } from "./report/lkml/compose.js";
import { VERSION } from "./version.js";

/**
 * ingest -> parse -> analyse -> report as a stream. Messages are read and
 * parsed one at a time; patches wait in a bounded series window only until
 * their series is complete (or has waited long enough), the rules run in a
 * worker pool when there is enough work, and every message yields exactly
 * one event, in input order: a review, an error line, or a skip. Nothing is
 * kept once its event is out, so memory stays flat however big the input.
 */

export interface ReviewedPatch {
  patch: Patch;
  series: Series | null;
  review: Review;
  /** Everything found, including doubtful, suppressed and pre-existing findings. */
  all: Finding[];
  composed: ComposedReply | null;
}

export interface Skipped {
  source: string;
  messageId: string;
  reason: string;
}

export interface BatchResult {
  reviewed: ReviewedPatch[];
  errors: ReviewError[];
  /** Messages skipped as replies or non-patch mail, with the reason. */
  skipped: Skipped[];
}

export interface BatchDeps {
  config: Config;
  model?: ModelReviewer | null;
  isSuppressed?: AnalyseDeps["isSuppressed"];
  /** Sending time written into replies; fixed in tests. */
  now?: () => Date;
  /** Rule threads: 1 runs the rules in this thread; absent means defaultJobs() once there are more than a handful of patches. */
  jobs?: number;
  /** Messages a series may wait for its next part (see SeriesWindow). */
  seriesWindow?: number;
  /** Cores the automatic pool size is worked out from (default: what the process may use). */
  cores?: number;
  /** Worker script for the rule pool (tests pass a bundled one). */
  workerEntry?: string | URL;
  /** Told how many rule threads are in use whenever that changes (0: the rules run in this thread). */
  onRunner?: (threads: number) => void;
  /** Soft ceiling on the heap in MB (see heapGuard); 0 turns it off. Default 104. */
  heapCeilingMb?: number;
}

/** Where one patch's time went, in milliseconds (for the throughput benchmark). */
export interface Timing {
  parseMs: number;
  rulesMs: number;
  /** Model layer, suppression lookups and composing the reply. */
  postMs: number;
}

export type BatchEvent =
  { kind: "reviewed"; reviewed: ReviewedPatch; timing: Timing } | { kind: "error"; error: ReviewError } | { kind: "skipped"; skipped: Skipped };

/**
 * Two to three times what a run keeps alive; see heapGuard. Measured on a
 * 1 GB archive (run as the `lkreview` command runs, malloc trimming on):
 * 96 MB gives a peak RSS of 174 MB for 10% more time, 104 MB 183 MB for
 * 3%, 112 MB 200 MB and 128 MB 207 MB at no cost.
 */
const DEFAULT_HEAP_CEILING_MB = 104;

/** With no `jobs` given, the pool starts once this many patches have been seen: below it threads cost more than they save. */
const AUTO_POOL_AFTER = 8;

/**
 * While every rule thread is busy, flushed groups wait and then travel
 * together, up to this many diff lines or groups: one message per patch
 * cost about as much as the rules of a small patch.
 */
const BATCH_LINES = 20_000;
const BATCH_GROUPS = 64;

function diffLines(p: Patch): number {
  let n = 0;
  for (const f of p.files) for (const h of f.hunks) n += h.lines.length;
  return n;
}

interface Parsed {
  cover: boolean;
  parseMs: number;
}

interface InFlight {
  groups: FlushedGroup<Parsed>[];
  outcomes: Promise<RuleOutcome[]>;
  settled: boolean;
}

/**
 * Reviews a stream of messages, yielding one event per message in input
 * order. The rule pool (if any) is closed when the stream ends or the
 * consumer stops early.
 */
export async function* reviewStream(items: AsyncIterable<IngestItem>, deps: BatchDeps): AsyncGenerator<BatchEvent> {
  const window = new SeriesWindow<Parsed>(deps.seriesWindow);
  const heap = heapGuard(deps.heapCeilingMb ?? DEFAULT_HEAP_CEILING_MB);
  // A fresh Map whenever it empties (see emit).
  let ready = new Map<number, BatchEvent>();
  const inflight: InFlight[] = [];
  let runner: RuleRunner = inProcessRunner(deps.config);
  let pooled = false;
  let patches = 0;
  let next = 0;
  let seq = 0;

  const usePool = (): void => {
    if (pooled) return;
    const jobs = deps.jobs ?? (patches > AUTO_POOL_AFTER ? defaultJobs(deps.cores) : 1);
    if (jobs <= 1) return;
    pooled = true;
    const opts: { size: number; entry?: string | URL } = { size: jobs };
    if (deps.workerEntry) opts.entry = deps.workerEntry;
    runner = createRulePool(deps.config, opts);
    deps.onRunner?.(runner.threads);
  };

  const pending: FlushedGroup<Parsed>[] = [];
  let pendingLines = 0;

  /** Sends the waiting groups to the rules as one task. */
  const send = (): void => {
    if (pending.length === 0) return;
    const groups = pending.splice(0);
    pendingLines = 0;
    const series: Series[] = [];
    const task: RuleTask = { items: [], series };
    for (const group of groups) {
      for (const e of group.entries) {
        const s = group.seriesOf.get(e) ?? null;
        let at = s ? series.indexOf(s) : -1;
        if (s && at < 0) at = series.push(s) - 1;
        task.items.push({ patch: e.patch, series: at, cover: e.data.cover });
      }
    }
    const entry: InFlight = { groups, outcomes: runner.run(task), settled: false };
    void entry.outcomes.then(() => (entry.settled = true));
    inflight.push(entry);
  };

  /** Sends now when a rule thread is free (or the rules run here), or once the batch is full. */
  const maybeSend = (): void => {
    if (pending.length === 0) return;
    const busy = inflight.reduce((n, f) => n + (f.settled ? 0 : 1), 0);
    if (runner.threads === 0 || busy < runner.threads || pendingLines >= BATCH_LINES || pending.length >= BATCH_GROUPS) send();
  };

  const dispatch = (group: FlushedGroup<Parsed>): void => {
    pending.push(group);
    for (const e of group.entries) pendingLines += diffLines(e.patch);
    maybeSend();
  };

  /**
   * Finishes groups whose rules are done, in dispatch order (the model layer
   * sees them in a stable order). Rules run in this thread are done when
   * sent: their patches are finished at once rather than after the next
   * message, so they die before the next collection of young objects.
   */
  const finish = async (all: boolean): Promise<void> => {
    const limit = Math.max(2, runner.threads * 2);
    while (inflight.length > 0) {
      const head = inflight[0] as InFlight;
      if (!all && runner.threads > 0 && !head.settled && inflight.length <= limit) return;
      inflight.shift();
      const outcomes = await head.outcomes;
      let i = 0;
      for (const group of head.groups) {
        for (const e of group.entries) {
          const outcome = outcomes[i++] ?? { ok: false as const, message: `${e.patch.mail.messageId}: no rule result`, ms: 0 };
          ready.set(e.seq, await postProcess(e.patch, group.seriesOf.get(e) ?? null, e.data, outcome, deps));
        }
      }
    }
  };

  /**
   * Yields the events that are next in input order. Once `ready` is empty it
   * is replaced: a Map that lives long moves to the old generation with its
   * table, and a table it has outgrown or compacted still points at the
   * events it held. V8's young-generation collector takes every such
   * pointer from the old generation as live, so those events' patches
   * (their diff lines above all) were copied into the old generation and
   * freed only by a full collection: 43 of 84 MB promoted per 10 MB of mbox,
   * together with the series window's groups (SeriesWindow.take).
   */
  function* emit(): Generator<BatchEvent> {
    for (let ev = ready.get(next); ev; ev = ready.get(next)) {
      ready.delete(next++);
      if (ready.size === 0) ready = new Map<number, BatchEvent>();
      yield ev;
    }
  }

  try {
    for await (const item of items) {
      const at = seq++;
      const parsed = await parseOne(item, deps.config);
      if ("event" in parsed) {
        ready.set(at, parsed.event);
        for (const g of window.advance(at)) dispatch(g);
      } else {
        patches++;
        usePool();
        for (const g of window.add({ seq: at, patch: parsed.patch, data: { cover: parsed.cover, parseMs: parsed.parseMs } })) dispatch(g);
      }
      await finish(false);
      maybeSend();
      yield* emit();
      heap.tick();
    }
    for (const g of window.flushAll()) dispatch(g);
    send();
    await finish(true);
    yield* emit();
  } finally {
    await runner.close();
  }
}

/** The whole stream collected (small inputs, tests, callers that need everything at once). */
export async function reviewBatch(items: AsyncIterable<IngestItem>, deps: BatchDeps): Promise<BatchResult> {
  const result: BatchResult = { reviewed: [], errors: [], skipped: [] };
  for await (const ev of reviewStream(items, deps)) {
    if (ev.kind === "reviewed") result.reviewed.push(ev.reviewed);
    else if (ev.kind === "error") result.errors.push(ev.error);
    else result.skipped.push(ev.skipped);
  }
  return result;
}

type ParseResult = { event: BatchEvent } | { patch: Patch; cover: boolean; parseMs: number };

/** Parses and classifies one item: a patch or cover letter to review, or the event that settles it. */
async function parseOne(item: IngestItem, config: Config): Promise<ParseResult> {
  if (isIngestFailure(item)) return { event: { kind: "error", error: { source: item.source, message: describeError(item.error) } } };
  const start = performance.now();
  let mail;
  try {
    mail = await parseMail(item, config.limits);
  } catch (err) {
    return { event: { kind: "error", error: { source: item.source, message: describeError(err) } } };
  }
  try {
    const c = classifyMail(mail, config.limits);
    if ((c.kind === "patch" || c.kind === "cover") && c.patch) {
      return { patch: c.patch, cover: c.kind === "cover", parseMs: performance.now() - start };
    }
    if (c.kind === "other" && c.subject.isPatch && !c.subject.isReply && !parseSubject(mail.subject).isForward) {
      // Tagged as a patch but unusable: that is worth one error line (a
      // forwarded patch is someone else's mail and is just skipped).
      return { event: { kind: "error", error: { source: mail.messageId, message: `${mail.messageId}: ${c.reason}` } } };
    }
    return { event: { kind: "skipped", skipped: { source: item.source, messageId: mail.messageId, reason: c.reason } } };
  } catch (err) {
    return { event: { kind: "error", error: { source: mail.messageId, message: describeError(err) } } };
  }
}

/** Model layer, suppressions and the reply, in this thread, for one patch whose rules ran. */
async function postProcess(patch: Patch, series: Series | null, parsed: Parsed, outcome: RuleOutcome, deps: BatchDeps): Promise<BatchEvent> {
  const id = patch.mail.messageId;
  if (!outcome.ok) return { kind: "error", error: { source: id, message: outcome.message } };
  const start = performance.now();
  try {
    const analyseDeps: AnalyseDeps = { config: deps.config, coverLetter: parsed.cover, ruleResult: outcome.result };
    if (deps.model) analyseDeps.model = deps.model;
    if (deps.isSuppressed) analyseDeps.isSuppressed = deps.isSuppressed;
    const analysis = await analysePatch(patch, series, analyseDeps);
    const composed = composeReply(patch, analysis.reportable, {
      from: deps.config.from,
      signature: deps.config.signature,
      version: VERSION,
      date: deps.now ? deps.now() : new Date(),
    });
    const s = patch.subject;
    const review: Review = {
      messageId: id,
      subject: patch.mail.subject,
      series: { version: s.version, index: s.index, total: s.total },
      findings: analysis.findings,
      reply: composed ? composed.raw : null,
    };
    if (analysis.usage) review.usage = analysis.usage;
    const timing: Timing = { parseMs: parsed.parseMs, rulesMs: outcome.ms, postMs: performance.now() - start };
    return { kind: "reviewed", reviewed: { patch, series, review, all: analysis.findings, composed }, timing };
  } catch (err) {
    return { kind: "error", error: { source: id, message: `${id}: ${describeError(err)}` } };
  }
}
