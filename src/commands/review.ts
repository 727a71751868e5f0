import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Config } from "../config.js";
import { LkreviewError, describeError } from "../errors.js";
import { readInputs } from "../ingest/files.js";
import type { IngestItem } from "../ingest/item.js";
import { isIngestFailure } from "../ingest/item.js";
import type { Finding, ReviewRun, Severity } from "../model.js";
import { reviewBatch } from "../pipeline.js";
import type { BatchDeps, BatchResult } from "../pipeline.js";
import { toEml, toMbox } from "../report/lkml/mbox.js";
import { toSarif } from "../report/sarif.js";
import { formatTerse } from "../report/terse.js";
import { checkDescription, checkStateFor, reportPatchworkCheck } from "../patchwork.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/store.js";
import { RULES } from "../../rules/index.js";
import { setUpModel } from "./model-setup.js";
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
  --config FILE                    configuration file (YAML or JSON)`;

const RANK: Record<Severity, number> = { error: 3, warning: 2, note: 1 };

export function reviewJson(result: BatchResult): ReviewRun {
  const strip = (f: Finding) => ({
    rule: f.rule,
    class: f.class,
    severity: f.severity,
    file: f.file,
    line: f.line,
    endLine: f.endLine,
    message: f.message,
    source: f.source,
    ...(f.tags.length > 0 ? { tags: f.tags } : {}),
  });
  return {
    reviews: result.reviewed.map((r) => ({ ...r.review, findings: r.review.findings.map(strip) as Finding[] })),
    errors: result.errors,
  };
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
  if (values.db) config.db = values.db;
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
    const model = setUpModel(config, modelFlags, store, io);
    const deps: BatchDeps = { config, model };
    if (store) {
      const s = store;
      deps.isSuppressed = (rule, fp) => s.isSuppressed(rule, fp);
    }
    let ioFailed = false;
    const items = trackIo(readInputs(positionals, config.limits, io.stdin), () => {
      ioFailed = true;
    });
    const result = await reviewBatch(items, deps);

    const itemIds = new Map<string, number>();
    if (store) {
      for (const r of result.reviewed) {
        await store.markSeen(r.review.messageId, r.patch.mail.source);
        if (values.enqueue) {
          const item = await store.upsertItem({
            messageId: r.review.messageId,
            subject: r.review.subject,
            author: r.patch.mail.from.name ? `${r.patch.mail.from.name} <${r.patch.mail.from.address}>` : r.patch.mail.from.address,
            listId: r.patch.mail.listId,
            paths: r.patch.files.map((f) => f.path),
            findings: r.all,
            draft: r.composed ? r.composed.raw : null,
            patch: r.patch.mail.body,
          });
          itemIds.set(r.review.messageId, item.id);
        }
      }
    }
    await reportToPatchwork(config, result, itemIds, io);

    await writeOutput(format, values.out, result, io);
    for (const e of result.errors) io.stderr.write(`lkreview: ${e.message}\n`);
    if (ioFailed) return 2;
    if (result.errors.length > 0) return 3;
    if (failOn) {
      const threshold = RANK[failOn];
      const worst = result.reviewed.flatMap((r) => r.review.findings.filter((f) => !f.tags.includes("doubtful")));
      if (worst.some((f) => RANK[f.severity] >= threshold)) return 1;
    }
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

async function* trackIo(items: AsyncIterable<IngestItem>, onIo: () => void): AsyncGenerator<IngestItem> {
  for await (const item of items) {
    if (isIngestFailure(item) && item.error.code === "IO") onIo();
    yield item;
  }
}

async function writeOutput(format: string, outDir: string | undefined, result: BatchResult, io: CommandIo): Promise<void> {
  const replies = result.reviewed.flatMap((r) => (r.composed ? [r.composed] : []));
  if (outDir && (format === "mbox" || format === undefined)) {
    try {
      await mkdir(outDir, { recursive: true });
      for (const reply of replies) {
        const name = reply.messageId.replace(/[<>]/g, "").replace(/[^A-Za-z0-9._-]/g, "_");
        await writeFile(join(outDir, `${name}.eml`), toEml(reply));
      }
    } catch (err) {
      throw new LkreviewError("IO", outDir, `cannot write replies: ${describeError(err)}`, { cause: err });
    }
    io.stderr.write(`lkreview: wrote ${replies.length} ${replies.length === 1 ? "reply" : "replies"} to ${outDir}\n`);
    return;
  }
  switch (format) {
    case "json":
      io.stdout.write(`${JSON.stringify(reviewJson(result), null, 2)}\n`);
      return;
    case "terse":
      io.stdout.write(formatTerse(result.reviewed.flatMap((r) => r.review.findings)));
      return;
    case "sarif":
      io.stdout.write(`${JSON.stringify(toSarif(result.reviewed.map((r) => r.review), RULES), null, 2)}\n`);
      return;
    default:
      io.stdout.write(toMbox(replies));
  }
}
