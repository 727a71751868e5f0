import { statSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Config } from "../config.js";
import { describeError, LkreviewError } from "../errors.js";
import { batchStep } from "../etiquette/batch-step.js";
import { bareAddress } from "../mail/select.js";
import { readInputs } from "../ingest/files.js";
import type { IngestItem } from "../ingest/item.js";
import { isIngestFailure } from "../ingest/item.js";
import type { ReviewError, ReviewRun, Severity } from "../model.js";
import { reviewStream } from "../pipeline.js";
import type { BatchDeps, BatchResult } from "../pipeline.js";
import { checkDescription, checkStateFor, reportPatchworkCheck } from "../patchwork.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/store.js";
import { VERSION } from "../version.js";
import { setUpModel } from "./model-setup.js";
import { reviewRunJson, reviewSink } from "./review-output.js";
import type { CommandIo } from "./io.js";

/**
 * `lkreview review [PATH ...]`: review patch mails from files, directories,
 * mboxes or stdin, and print the replies (mbox), JSON, terse lines or SARIF.
 * Exit status: 0 ran, 1 findings at --fail-on level, 2 usage or I/O error,
 * 3 some messages could not be parsed.
 */

export const REVIEW_USAGE = `usage: lkreview review [options] [PATH ...]   (PATH: mbox, .eml, .patch, .gz, directory, or - for stdin)
  --format mbox|json|terse|sarif   output (default mbox: the replies, ready to send)
  --out DIR                        write one .eml per reply into DIR instead of stdout
  --fail-on warning|error          exit 1 when a finding at this level or worse is reported
  --enqueue                        put reviews and draft replies into the triage queue
  --db PATH|postgres://...         state store (default .lkreview/lkreview.sqlite)
  --no-store                       keep no state for this run
  --model NAME / --no-model        model to use, or rules only
  --no-cache                       do not read the model cache for this run
  --max-tokens-total N             stop model calls after N tokens in this run
  --config FILE                    configuration file (YAML or JSON)
  --tree DIR                       kernel git checkout: judge whole functions of the patched files
  --jobs N                         rule threads (default: cores - 1 from 4 cores up, for more than a few patches; 1: no threads)`;

const RANK: Record<Severity, number> = { error: 3, warning: 2, note: 1 };

export function reviewJson(result: BatchResult): ReviewRun {
  return reviewRunJson(
    result.reviewed.map((r) => r.review),
    result.errors,
  );
}

export async function runReview(argv: string[], io: CommandIo, config: Config): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: "string", default: "mbox" },
        out: { type: "string" },
        "fail-on": { type: "string" },
        enqueue: { type: "boolean", default: false },
        db: { type: "string" },
        "no-store": { type: "boolean", default: false },
        model: { type: "string" },
        "no-model": { type: "boolean", default: false },
        "no-cache": { type: "boolean", default: false },
        "max-tokens-total": { type: "string" },
        config: { type: "string" },
        tree: { type: "string" },
        jobs: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    io.stderr.write(`lkreview review: ${describeError(err)}\n${REVIEW_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${REVIEW_USAGE}\n`);
    return 0;
  }
  const format = values.format;
  if (!["mbox", "json", "terse", "sarif"].includes(format)) {
    io.stderr.write(`lkreview review: --format must be mbox, json, terse or sarif, not "${format}"\n`);
    return 2;
  }
  if (values.out !== undefined && format !== "mbox") {
    io.stderr.write(`lkreview review: --out writes the replies as .eml files; it does not go with --format ${format}\n`);
    return 2;
  }
  const failOn = values["fail-on"];
  if (failOn !== undefined && failOn !== "warning" && failOn !== "error") {
    io.stderr.write(`lkreview review: --fail-on must be warning or error, not "${failOn}"\n`);
    return 2;
  }
  if (values["max-tokens-total"] !== undefined) {
    const n = Number(values["max-tokens-total"]);
    if (!Number.isInteger(n) || n <= 0) {
      io.stderr.write(`lkreview review: --max-tokens-total must be a positive whole number\n`);
      return 2;
    }
    config.model.maxTokensTotal = n;
  }
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) {
      io.stderr.write(`lkreview review: --jobs must be a whole number from 1 to 256\n`);
      return 2;
    }
  }
  if (values.db) config.db = values.db;
  if (values.tree !== undefined) {
    if (!isDirectory(values.tree)) {
      io.stderr.write(`lkreview review: --tree ${JSON.stringify(values.tree)} is not a directory\n`);
      return 2;
    }
    config.tree = values.tree;
  }
  if (values.enqueue && values["no-store"]) {
    io.stderr.write("lkreview review: --enqueue needs the store; drop --no-store\n");
    return 2;
  }

  let store: Store | null = null;
  if (!values["no-store"]) {
    try {
      store = await openStore(config.db);
    } catch (err) {
      if (values.enqueue) {
        io.stderr.write(`lkreview review: ${describeError(err)}\n`);
        return 2;
      }
      io.stderr.write(`lkreview: state store unavailable, reviewing without it: ${describeError(err)}\n`);
    }
  }
  try {
    const modelFlags: { noModel: boolean; model?: string; noCache: boolean } = { noModel: values["no-model"], noCache: values["no-cache"] };
    if (values.model) modelFlags.model = values.model;
    const model = await setUpModel(config, modelFlags, store, io);
    const deps: BatchDeps = { config, model };
    if (jobs !== undefined) deps.jobs = jobs;
    if (store) {
      const s = store;
      deps.isSuppressed = (rule, fp) => s.isSuppressed(rule, fp);
    }
    // Set from trackIo's callback: a field, because TypeScript does not see a
    // closure assign a local and would take `let ioFailed = false` as always false.
    const input = { failed: false };
    const items = trackIo(readInputs(positionals, config.limits, io.stdin), () => {
      input.failed = true;
    });
    const sink = reviewSink(format, values.out, io);
    const errors: ReviewError[] = [];
    let failed = false;
    const threshold = failOn ? RANK[failOn] : Infinity;
    // One review at a time, as the pipeline hands them over: nothing of a
    // patch is kept once it is stored, reported and written.
    const bot = bareAddress(config.from);
    for await (const ev of reviewStream(items, deps)) {
      if (ev.kind === "error") errors.push(ev.error);
      if (ev.kind !== "reviewed") continue;
      let r = ev.reviewed;
      const itemIds = new Map<string, number>();
      if (store) {
        // Series, versions, the thread and (with --enqueue) the list policy, as the watch applies them.
        let queue: { draft: string | null } | null = null;
        try {
          const step = await batchStep(r, ev.timing, {
            config,
            store,
            enqueue: values.enqueue,
            bot,
            version: VERSION,
            log: (line) => void io.stderr.write(`lkreview: ${line}\n`),
          });
          r = step.reviewed;
          queue = step.queue;
        } catch (err) {
          if (err instanceof LkreviewError && err.code === "STORE") throw err;
          errors.push({ source: r.review.messageId, message: `${r.review.messageId}: ${describeError(err)}` });
          // The policy could not be applied: nothing is queued, and no reply is offered in its place.
          if (values.enqueue) r = { ...r, composed: null, review: { ...r.review, reply: null } };
        }
        await store.markSeen(r.review.messageId, r.patch.mail.source);
        if (values.enqueue && queue) {
          const item = await store.upsertItem({
            messageId: r.review.messageId,
            subject: r.review.subject,
            author: r.patch.mail.from.name ? `${r.patch.mail.from.name} <${r.patch.mail.from.address}>` : r.patch.mail.from.address,
            listId: r.patch.mail.listId,
            paths: r.patch.files.map((f) => f.path),
            findings: r.all,
            draft: queue.draft,
            patch: r.patch.mail.body,
          });
          itemIds.set(r.review.messageId, item.id);
        }
      }
      await reportToPatchwork(config, { reviewed: [r], errors: [], skipped: [] }, itemIds, io);
      await sink.add(r);
      if (r.review.findings.some((f) => !f.tags.includes("doubtful") && RANK[f.severity] >= threshold)) failed = true;
    }
    await sink.end(errors);
    for (const e of errors) io.stderr.write(`lkreview: ${e.message}\n`);
    if (input.failed) return 2;
    if (errors.length > 0) return 3;
    if (failed) return 1;
    return 0;
  } catch (err) {
    io.stderr.write(`lkreview review: ${describeError(err)}\n`);
    return 2;
  } finally {
    await store?.close();
  }
}

/**
 * With `patchwork.url` and `patchwork.token` configured, each review becomes
 * a Patchwork check on the patch (found by Message-ID). A Patchwork failure
 * is one line on stderr; it never fails the review.
 */
async function reportToPatchwork(config: Config, result: BatchResult, itemIds: Map<string, number>, io: CommandIo): Promise<void> {
  const { url, token } = config.patchwork;
  if (!url || !token) return;
  const base = config.serve.baseUrl?.replace(/\/+$/, "");
  for (const r of result.reviewed) {
    const id = itemIds.get(r.review.messageId);
    try {
      await reportPatchworkCheck(
        { url, token },
        {
          messageId: r.review.messageId,
          state: checkStateFor(r.all),
          description: checkDescription(r.all),
          targetUrl: base && id !== undefined ? `${base}/items/${id}` : null,
        },
      );
    } catch (err) {
      io.stderr.write(`lkreview: patchwork check for ${r.review.messageId}: ${describeError(err)}\n`);
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function* trackIo(items: AsyncIterable<IngestItem>, onIo: () => void): AsyncGenerator<IngestItem> {
  for await (const item of items) {
    if (isIngestFailure(item) && item.error.code === "IO") onIo();
    yield item;
  }
}
