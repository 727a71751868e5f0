#!/usr/bin/env -S MALLOC_TRIM_THRESHOLD_=131072 node --max-semi-space-size=4 --heap-growing-percent=100
// A 4 MB young generation (V8's default is 16 MB): reviewing an archive
// allocates many short-lived objects, and the smaller nursery keeps resident
// memory about 25 MB lower and runs faster. A heap that grows to twice its
// live size before a full collection (V8 picks up to four times) keeps it
// another 10-20 MB lower at no measured cost. MALLOC_TRIM_THRESHOLD_ makes
// glibc hand freed memory back at 128 KB instead of keeping it in each
// thread's arena: V8's compiler and collector threads otherwise hold 25-30 MB
// there on a long run (1 GB archive: 227 -> 207 MB peak RSS, same speed).
// See README, Performance.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConfig } from "./config.js";
import type { Config } from "./config.js";
import { describeError } from "./errors.js";
import type { CommandIo } from "./commands/io.js";
import { VERSION } from "./version.js";

/** argv -> config -> command -> exit status. Thin on purpose. */

const USAGE = `lkreview ${VERSION}: patch review for Linux kernel mailing lists

usage: lkreview <command> [options]

commands:
  review [PATH ...]   review patch mails (mbox, .eml, .patch, directory, - for stdin)
  rules               list the rules with their class, level and description
  queue <sub>         the maintainer triage queue (list, show, approve, edit, dismiss, send)
  watch [--once]      watch an IMAP mailbox and reply to new patches
  github              review a GitHub pull request
  serve               the triage web page (and the GitHub webhook)
  stats               per-rule and per-list figures from maintainers' feedback
  b4-check            one patch mail on stdin -> b4's external check JSON

Run "lkreview <command> --help" for a command's options.
Global: --config FILE (else ./lkreview.yaml, .yml or .json when present)`;

/** Finds `--config FILE` anywhere in argv (it applies to every command). */
function configPath(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--config") return argv[i + 1];
    if (a.startsWith("--config=")) return a.slice("--config=".length);
  }
  return undefined;
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-V") {
    io.stdout.write(`lkreview ${VERSION}\n`);
    return 0;
  }
  let config: Config;
  try {
    const file = configPath(rest);
    config = loadConfig(file ? { file, env: io.env } : { env: io.env });
  } catch (err) {
    io.stderr.write(`lkreview: ${describeError(err)}\n`);
    return 2;
  }
  // Each command loads only what it uses: reviewing a patch file never loads the IMAP, SMTP, GitHub or PostgreSQL clients.
  switch (command) {
    case "review":
      return (await import("./commands/review.js")).runReview(rest, io, config);
    case "rules":
      return (await import("./commands/rules.js")).runRulesCommand(rest, io);
    case "queue":
      return (await import("./commands/dispatch.js")).runQueue(rest, io, config);
    case "watch":
      return (await import("./commands/dispatch.js")).runWatch(rest, io, config);
    case "github":
      return (await import("./commands/dispatch.js")).runGithub(rest, io, config);
    case "serve":
      return (await import("./commands/dispatch.js")).runServe(rest, io, config);
    case "stats":
      return (await import("./commands/stats.js")).runStats(rest, io, config);
    case "b4-check":
      return (await import("./commands/b4-check.js")).runB4Check(rest, io, config);
    default:
      io.stderr.write(`lkreview: unknown command "${command}"\n${USAGE}\n`);
      return 2;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const io: CommandIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`lkreview: ${describeError(err)}\n`);
      process.exitCode = 2;
    },
  );
}
