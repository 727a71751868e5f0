import { parseArgs } from "node:util";
import type { Config } from "../config.js";
import { describeError } from "../errors.js";
import { analysePatch } from "../analyse/analyse.js";
import type { AnalyseDeps } from "../analyse/analyse.js";
import { createGithubReviewer, runGithubCommand } from "../github/command.js";
import type { FindingSource } from "../github/review-pr.js";
import { createGithubWebhookHandler } from "../github/webhook.js";
import { createSmtpSender } from "../mail/smtp.js";
import { runWatchCommand } from "../mail/watch-command.js";
import { QUEUE_STORE_OPTIONS, runQueueCommand } from "../queue/commands.js";
import type { Deliver } from "../queue/send.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/store.js";
import { createWebServer } from "../web/server.js";
import type { ExtraRoute } from "../web/server.js";
import type { CommandIo } from "./io.js";
import { setUpModel } from "./model-setup.js";

/** The commands beyond `review`: each parses its own options; this only opens what they share. */

/** `--db` anywhere in argv, or the config's store. */
function dbFrom(argv: string[], config: Config): { db: string; rest: string[] } {
  const rest: string[] = [];
  let db = config.db;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--db") db = argv[++i] ?? db;
    else if (a.startsWith("--db=")) db = a.slice(5);
    else if (a === "--config") i++;
    else if (!a.startsWith("--config=")) rest.push(a);
  }
  return { db, rest };
}

/** Bare address of `Name <addr>`. */
export function bareAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/** The SMTP transport for approved drafts, when `smtp.url` is configured. */
function smtpDeliver(config: Config, io: CommandIo): Deliver | undefined {
  const url = config.smtp.url;
  if (!url) return undefined;
  return async (_item, entry) => {
    const sender = createSmtpSender(url, io.env);
    try {
      const outcome = await sender.send({ from: bareAddress(config.from), recipients: entry.recipients, raw: entry.raw });
      if (outcome.kind !== "sent") throw new Error(`${sender.display}: ${outcome.error}`);
    } finally {
      sender.close();
    }
  };
}

export async function runQueue(argv: string[], io: CommandIo, config: Config): Promise<number> {
  const { db, rest } = dbFrom(argv, config);
  if (rest.length === 0 || rest[0] === "--help") {
    io.stdout.write(
      "usage: lkreview queue list|show ID|approve ID|edit ID|dismiss ID|assign ID WHO|note ID TEXT|suppress ID FP|unsuppress RULE FP|suppressions|send [--db PATH|postgres://...]\n",
    );
    return rest.length === 0 ? 2 : 0;
  }
  let store;
  try {
    store = await openStore(db, QUEUE_STORE_OPTIONS);
  } catch (err) {
    io.stderr.write(`lkreview queue: ${describeError(err)}\n`);
    return 2;
  }
  try {
    const deliver = smtpDeliver(config, io);
    return await runQueueCommand(rest, store, { stdout: io.stdout, stderr: io.stderr, env: io.env, ...(deliver ? { deliver } : {}) });
  } finally {
    await store.close();
  }
}

export function runWatch(argv: string[], io: CommandIo, config: Config): Promise<number> {
  return runWatchCommand(argv, io, config);
}

/**
 * Rules plus the model layer (when configured), for GitHub reviews. With a
 * store, findings a maintainer marked false positive stay out, and the model
 * cache is used.
 */
function analysedFindings(config: Config, io: CommandIo, opts: { noModel?: boolean; store?: Store | null } = {}): FindingSource {
  const store = opts.store ?? null;
  // Started now, so the model status line is written at once; awaited at the first patch.
  const model = setUpModel(config, { noModel: opts.noModel ?? false, noCache: false }, store, io);
  return async (patch) => {
    const deps: AnalyseDeps = { config, model: await model };
    if (store) deps.isSuppressed = (rule, fp) => store.isSuppressed(rule, fp);
    return (await analysePatch(patch, null, deps)).reportable;
  };
}

export async function runGithub(argv: string[], io: CommandIo, config: Config): Promise<number> {
  const noModel = argv.includes("--no-model");
  const hasDb = argv.some((a) => a === "--db" || a.startsWith("--db="));
  const { db } = dbFrom(argv, config);
  // The github command parses the rest itself (it keeps --config).
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--db") i++;
    else if (a !== "--no-model" && !a.startsWith("--db=")) args.push(a);
  }
  let store: Store | null = null;
  if (hasDb) {
    try {
      store = await openStore(db, { mustExist: true });
    } catch (err) {
      io.stderr.write(`lkreview github: ${describeError(err)}\n`);
      return 2;
    }
  }
  try {
    return await runGithubCommand(args, io, { findings: (cfg) => analysedFindings(cfg, io, { noModel, store }) });
  } finally {
    await store?.close();
  }
}

export async function runServe(argv: string[], io: CommandIo, config: Config): Promise<number> {
  const { db, rest } = dbFrom(argv, config);
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { port: { type: "string" }, host: { type: "string" }, token: { type: "string" }, help: { type: "boolean", default: false } },
    }));
  } catch (err) {
    io.stderr.write(`lkreview serve: ${describeError(err)}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write("usage: lkreview serve [--port N] [--host ADDR] [--token T] [--db PATH|postgres://...]\n");
    return 0;
  }
  const port = values.port !== undefined ? Number(values.port) : config.serve.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write("lkreview serve: --port must be a whole number from 0 to 65535\n");
    return 2;
  }
  const store = await openStore(db).catch((err: unknown) => {
    io.stderr.write(`lkreview serve: ${describeError(err)}\n`);
    return null;
  });
  if (!store) return 2;
  const extraRoutes: ExtraRoute[] = [];
  if (config.github.webhookSecret && config.github.token) {
    const review = createGithubReviewer(config, { findings: analysedFindings(config, io), warn: (l) => void io.stderr.write(`${l}\n`) });
    extraRoutes.push({ method: "POST", path: "/github/webhook", handler: createGithubWebhookHandler({ secret: config.github.webhookSecret, review }) });
  }
  try {
    const token = values.token ?? config.serve.token;
    const server = await createWebServer({
      store,
      host: values.host ?? config.serve.host,
      port,
      extraRoutes,
      ...(token ? { token } : {}),
    });
    io.stderr.write(`lkreview: triage queue at ${server.url}${extraRoutes.length ? " (GitHub webhook at /github/webhook)" : ""}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
    return 0;
  } catch (err) {
    io.stderr.write(`lkreview serve: ${describeError(err)}\n`);
    return 2;
  } finally {
    await store.close();
  }
}
