import type { ModelReviewer } from "../analyse/analyse.js";
import type { Rule } from "../analyse/rule-api.js";
import type { Config } from "../config.js";
import { describeError, LkreviewError } from "../errors.js";
import { ImapSource } from "../ingest/imap.js";
import type { Store } from "../store/store.js";
import { flushOutbox } from "./outbox.js";
import { WatchPipeline } from "./pipeline.js";
import { bareAddress } from "./select.js";
import { createSmtpSender } from "./smtp.js";
import type { SmtpSender } from "./smtp.js";

export interface WatchOptions {
  config: Config;
  store: Store;
  /** Handle what is waiting, then exit (cron, tests); else run until `signal` aborts. */
  once: boolean;
  env?: NodeJS.ProcessEnv;
  /** Status lines (stderr of the command). */
  log: (line: string) => void;
  /** Dry-run replies (stdout of the command). */
  print?: (text: string) => void;
  signal?: AbortSignal;
  /** Rules to run; default the registry. */
  rules?: readonly Rule[];
  model?: ModelReviewer | null;
  version?: string;
  /** Reconnect delays after a drop: doubles from `minMs` up to `maxMs`. */
  reconnect?: { minMs: number; maxMs: number };
  /** First SMTP retry delay after a 4xx or a network fault (doubles per attempt). */
  outboxBackoffMs?: number;
  /** The clock for embargoes and series waits; tests move it forward. */
  now?: () => Date;
}

const DEFAULT_RECONNECT = { minMs: 1000, maxMs: 5 * 60 * 1000 };
/** How soon to look at the outbox again when something is left in it (held by the hourly limit, or retrying). */
const OUTBOX_RECHECK_MS = 5 * 60 * 1000;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}

/**
 * `lkreview watch`: reviews each new patch in an IMAP mailbox once and
 * replies in its thread. One pass = fetch what is new, sort it, review the
 * series that are ready, move the checkpoint, send what the outbox holds.
 * Without `once` it then waits (IDLE, or polling) and goes again; after any
 * connection drop it reconnects with exponential backoff and resumes from the
 * checkpoint, so nothing that arrived in between is missed.
 *
 * Returns the exit status: 0 when all went well, 2 when (with `once`) the
 * server could not be reached, 3 when a message or a reply failed.
 */
export async function runWatch(opts: WatchOptions): Promise<number> {
  const { config, store } = opts;
  const env = opts.env ?? process.env;
  const url = config.imap.url;
  if (!url) throw new LkreviewError("USAGE", "watch", "no IMAP server: give --imap URL or imap.url in the config");
  let sender: SmtpSender | null = null;
  if (config.deliver === "send") {
    if (!config.smtp.url) throw new LkreviewError("USAGE", "watch", "--deliver send needs an SMTP server: give --smtp URL or smtp.url");
    sender = createSmtpSender(config.smtp.url, env);
  } else if (config.deliver === "queue" && config.smtp.url) {
    // Approved drafts from the triage queue also go through the outbox.
    sender = createSmtpSender(config.smtp.url, env);
  }
  const pipeline = new WatchPipeline({
    config,
    store,
    mode: config.deliver,
    log: opts.log,
    ...(opts.print ? { print: opts.print } : {}),
    ...(opts.rules ? { rules: opts.rules } : {}),
    model: opts.model ?? null,
    version: opts.version ?? "0",
    ...(opts.now ? { now: opts.now } : {}),
  });
  const reconnect = opts.reconnect ?? DEFAULT_RECONNECT;
  let delay = reconnect.minMs;
  let failed = false;
  try {
    while (!opts.signal?.aborted) {
      const source = new ImapSource({
        url,
        mailbox: config.imap.mailbox,
        keyword: config.imap.keyword,
        pollSeconds: config.imap.pollSeconds,
        store,
        env,
        maxMessageBytes: config.limits.maxMessageBytes,
        log: opts.log,
      });
      try {
        await source.connect();
        opts.log(`watching ${source.display} (${source.supportsIdle ? "IDLE" : `polling every ${config.imap.pollSeconds}s`}, deliver ${config.deliver})`);
        delay = reconnect.minMs;
        await session(source, pipeline, sender, opts);
        if (opts.once) break;
      } catch (err) {
        opts.log(`watch: ${describeError(err)}`);
        if (opts.once) {
          failed = true;
          break;
        }
      } finally {
        await source.close();
      }
      if (opts.signal?.aborted) break;
      opts.log(`watch: reconnecting in ${Math.round(delay / 100) / 10}s`);
      await sleep(delay, opts.signal);
      delay = Math.min(reconnect.maxMs, delay * 2);
    }
  } finally {
    sender?.close();
  }
  if (pipeline.collector.size > 0) {
    opts.log(`watch: ${pipeline.collector.size} part(s) of incomplete series left pending until their wait ends`);
  }
  // Same convention as `review`: 2 for I/O (the server could not be reached),
  // 3 when some messages or replies failed; 1 stays reserved for --fail-on.
  if (failed) return 2;
  return pipeline.errors > 0 ? 3 : 0;
}

/** Passes over one connection until it drops, `once` is done, or the signal aborts. */
async function session(source: ImapSource, pipeline: WatchPipeline, sender: SmtpSender | null, opts: WatchOptions): Promise<void> {
  const { config, store } = opts;
  let outboxRecheck: number | null = null;
  for (;;) {
    const fetched = await source.fetchNew((id) => store.hasSeen(id));
    await pipeline.ingest(fetched.messages);
    const done = await pipeline.reviewReady(opts.now ? opts.now() : new Date());
    await source.markProcessed(done.reviewed);
    // The checkpoint never passes a part that is still waiting for its
    // series: after a restart it must be fetched again.
    const pending = pipeline.collector.pendingUids();
    const upTo = pending.length > 0 ? Math.min(source.position, Math.min(...pending) - 1) : source.position;
    await source.checkpoint(Math.max(0, upTo));

    // Replies whose embargo is over go to the outbox (or dry-run) first.
    await pipeline.releaseHeld();
    if (sender) {
      const flushed = await flushOutbox({
        store,
        sender,
        from: bareAddress(config.from),
        lists: config.lists,
        log: opts.log,
        ...(opts.env ? { env: opts.env } : {}),
        alreadyDelivered: (id) => source.hasMessageId(id),
        ...(opts.now ? { now: opts.now } : {}),
        ...(opts.outboxBackoffMs !== undefined ? { backoffMs: opts.outboxBackoffMs } : {}),
      });
      // A reply the server refused for good counts as a failed item.
      pipeline.errors += flushed.failed;
      const left = flushed.retry + flushed.held;
      outboxRecheck = left > 0 ? Date.now() + Math.min(OUTBOX_RECHECK_MS, flushed.retry > 0 ? (opts.outboxBackoffMs ?? 60_000) : OUTBOX_RECHECK_MS) : null;
    }
    if (opts.once || opts.signal?.aborted) return;

    // Held (embargoed) replies are looked at again at least this often.
    const heldRecheck = Date.now() + OUTBOX_RECHECK_MS;
    const deadlines = [pipeline.collector.nextDeadline()?.getTime() ?? null, outboxRecheck, heldRecheck].filter((t): t is number => t !== null);
    const until = deadlines.length > 0 ? new Date(Math.min(...deadlines)) : null;
    await source.waitForChange(until, opts.signal);
    if (source.isClosed) throw new LkreviewError("MAIL", source.display, "connection dropped");
  }
}
