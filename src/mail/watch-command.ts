import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import type { Config } from "../config.js";
import { describeError } from "../errors.js";
import { setUpModel } from "../commands/model-setup.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/store.js";
import { VERSION } from "../version.js";
import { parseServerUrl, redactUrl } from "./urls.js";
import { runWatch } from "./watch.js";

export const WATCH_USAGE = `usage: lkreview watch [--once] [options]

  --once                 handle what is waiting, then exit (cron, tests)
  --imap URL             imap://user:pass@host[:port] or imaps://...
                         (user/password also from LKREVIEW_IMAP_USER / LKREVIEW_IMAP_PASS)
  --mailbox NAME         mailbox to watch (default INBOX)
  --smtp URL             smtp://host:587 (STARTTLS when offered) or smtps://host:465
                         (user/password also from LKREVIEW_SMTP_USER / LKREVIEW_SMTP_PASS)
  --deliver MODE         dry-run (default: .eml files in --outbox), queue, or send
  --outbox DIR           where dry-run replies go (default .lkreview/outbox)
  --db PATH|URL          state: SQLite file or postgres://...
  --config FILE          configuration file
  --no-model             rules only, even when a model endpoint is configured
Environment: LKREVIEW_IMAP_URL, LKREVIEW_SMTP_URL, LKREVIEW_DB, LKREVIEW_FROM.`;

export interface WatchIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
}

/**
 * `lkreview watch`: parses its own arguments (node:util parseArgs), overlays
 * them on the configuration, opens the store and runs the watch. Without
 * `--once` it stops cleanly on SIGINT or SIGTERM. Exit status: 0 fine,
 * 2 bad usage, configuration or a server that could not be reached,
 * 3 some messages or replies failed (the others were handled).
 */
export async function runWatchCommand(argv: string[], io: WatchIo, config?: Config): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        once: { type: "boolean", default: false },
        imap: { type: "string" },
        mailbox: { type: "string" },
        smtp: { type: "string" },
        deliver: { type: "string" },
        outbox: { type: "string" },
        db: { type: "string" },
        config: { type: "string" },
        "no-model": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    io.stderr.write(`lkreview watch: ${describeError(err)}\n${WATCH_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${WATCH_USAGE}\n`);
    return 0;
  }
  let cfg: Config;
  try {
    cfg = config ?? loadConfig(values.config ? { file: values.config, env: io.env } : { env: io.env });
  } catch (err) {
    io.stderr.write(`lkreview watch: ${describeError(err)}\n`);
    return 2;
  }
  if (values.imap) cfg.imap.url = values.imap;
  if (values.mailbox) cfg.imap.mailbox = values.mailbox;
  if (values.smtp) cfg.smtp.url = values.smtp;
  if (values.outbox) cfg.outbox = values.outbox;
  if (values.db) cfg.db = values.db;
  if (values.deliver !== undefined) {
    if (values.deliver !== "dry-run" && values.deliver !== "queue" && values.deliver !== "send") {
      io.stderr.write(`lkreview watch: --deliver must be dry-run, queue or send, not "${values.deliver}"\n`);
      return 2;
    }
    cfg.deliver = values.deliver;
  }
  try {
    if (!cfg.imap.url) throw new Error("no IMAP server: give --imap URL (or LKREVIEW_IMAP_URL, imap.url)");
    parseServerUrl(cfg.imap.url, "imap", io.env);
    if (cfg.smtp.url) parseServerUrl(cfg.smtp.url, "smtp", io.env);
    if (cfg.deliver === "send" && !cfg.smtp.url) throw new Error("--deliver send needs --smtp URL (or LKREVIEW_SMTP_URL, smtp.url)");
  } catch (err) {
    io.stderr.write(`lkreview watch: ${describeError(err)}\n`);
    return 2;
  }

  let store: Store;
  try {
    store = await openStore(cfg.db);
  } catch (err) {
    io.stderr.write(`lkreview watch: ${redactUrl(describeError(err))}\n`);
    return 2;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  if (!values.once) {
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
  const log = (line: string): void => {
    io.stderr.write(`${new Date().toISOString()} ${line.replace(/[\r\n]+/g, " ")}\n`);
  };
  try {
    const model = await setUpModel(cfg, { noModel: values["no-model"], noCache: false }, store, { stdin: process.stdin, ...io });
    return await runWatch({
      config: cfg,
      store,
      once: values.once,
      env: io.env,
      log,
      print: (text) => io.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
      signal: controller.signal,
      version: VERSION,
      model,
    });
  } catch (err) {
    io.stderr.write(`lkreview watch: ${describeError(err)}\n`);
    return 2;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await store.close().catch(() => undefined);
  }
}
