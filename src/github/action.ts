import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { describeError } from "../errors.js";
import { runGithubCommand } from "./command.js";
import type { CommandIo, GithubCommandDeps } from "./command.js";

/**
 * The GitHub Action entry (bundled to `.github/action/index.js`). It turns
 * the Action's inputs (`INPUT_*`) and the event payload into the same argv
 * and environment the CLI takes, and runs the same command. It imports no
 * store: idempotency comes from the markers on GitHub.
 */

/** An input as the runner passes it: `INPUT_` + the name upper-cased, spaces as underscores. */
function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

/** The PR number of a pull_request (or pull_request_target) event payload, or null. */
export function prNumberFromEvent(payload: unknown): number | null {
  if (typeof payload !== "object" || payload === null) return null;
  const p = payload as { pull_request?: { number?: unknown }; number?: unknown };
  const n = p.pull_request?.number ?? p.number;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** Runs the Action; returns the exit status. */
export async function runAction(io: CommandIo, deps: GithubCommandDeps = {}): Promise<number> {
  const env = io.env;
  const repo = env["GITHUB_REPOSITORY"] ?? "";
  const eventPath = env["GITHUB_EVENT_PATH"] ?? "";
  let pr: number | null;
  try {
    pr = prNumberFromEvent(JSON.parse(readFileSync(eventPath, "utf8")));
  } catch (err) {
    io.stderr.write(`::error::lkreview: cannot read the event payload at GITHUB_EVENT_PATH: ${describeError(err)}\n`);
    return 2;
  }
  if (pr === null) {
    io.stderr.write(`::warning::lkreview: this ${env["GITHUB_EVENT_NAME"] ?? ""} event is not about a pull request; nothing to review\n`);
    return 0;
  }
  const childEnv: NodeJS.ProcessEnv = { ...env };
  const set = (key: string, value: string): void => {
    if (value) childEnv[key] = value;
  };
  set("GITHUB_TOKEN", input(env, "github-token"));
  set("LKREVIEW_MODEL", input(env, "model"));
  set("OPENAI_BASE_URL", input(env, "openai-base-url"));
  set("OPENAI_API_KEY", input(env, "openai-api-key"));
  const argv = ["--repo", repo, "--pr", String(pr)];
  const failOn = input(env, "fail-on");
  if (failOn) argv.push("--fail-on", failOn);
  const event = input(env, "event");
  if (event) argv.push("--event", event);
  if (/^true$/i.test(input(env, "resolve-outdated"))) argv.push("--resolve-outdated");
  return runGithubCommand(argv, { stdout: io.stdout, stderr: io.stderr, env: childEnv }, deps);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  runAction({ stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`::error::lkreview: ${describeError(err)}\n`);
      process.exitCode = 2;
    },
  );
}
