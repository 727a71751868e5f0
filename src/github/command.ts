import { parseArgs } from "node:util";
import { engineOptionsFrom } from "../analyse/analyse.js";
import { runRules } from "../analyse/engine.js";
import type { Rule } from "../analyse/rule-api.js";
import { loadConfig } from "../config.js";
import type { Config } from "../config.js";
import { describeError, LkreviewError } from "../errors.js";
import type { Severity } from "../model.js";
import { RULES } from "../../rules/index.js";
import { createGithubClient } from "./client.js";
import type { GithubClientOptions } from "./client.js";
import type { ReviewEvent } from "./compose.js";
import { reviewPullRequest } from "./review-pr.js";
import type { FindingSource, ReviewPrResult } from "./review-pr.js";

/**
 * `lkreview github --repo OWNER/NAME --pr N`: argv -> config -> one review
 * run -> exit status. The Action runs this same function.
 *
 * Exit status: 0 done; 1 findings at or above `--fail-on`; 2 usage,
 * configuration or GitHub failure.
 */

export interface CommandIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: NodeJS.ProcessEnv;
}

export interface GithubCommandDeps {
  /** The finding source for a config; default: the rule registry with the config's levels. */
  findings?: (config: Config) => FindingSource;
  /** Client overrides (tests shrink waits). */
  client?: Partial<GithubClientOptions>;
  /** Back-off unit between createReview attempts (ms). */
  retryDelayMs?: number;
}

export const GITHUB_USAGE = `usage: lkreview github --repo OWNER/NAME --pr N [options]
  --api-url URL          REST base URL (GitHub Enterprise: https://HOST/api/v3)
  --event EVENT          COMMENT (default) or REQUEST_CHANGES; never APPROVE
  --resolve-outdated     hide our comments whose finding is gone
  --fail-on LEVEL        exit 1 when a finding is at least error|warning|note (default none)
  --dry-run              print the review that would be posted, post nothing
  --bot-login LOGIN      the bot's account, when the token cannot tell (GitHub App tokens)
  --config FILE          configuration file
  --db PATH|URL          state store: findings marked false positive in the queue stay out
The token comes from GITHUB_TOKEN.
`;

const SEVERITY_RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };

/** Rules-only finding source, honouring the config's per-rule levels and options. */
export function rulesFindingSource(config: Config, rules: readonly Rule[] = RULES): FindingSource {
  const options = engineOptionsFrom(config, rules);
  return (patch) => Promise.resolve(runRules(patch, null, options).findings);
}

interface Parsed {
  owner: string;
  repo: string;
  pr: number;
  apiUrl: string | undefined;
  event: ReviewEvent;
  resolveOutdated: boolean;
  failOn: Severity | "none";
  dryRun: boolean;
  botLogin: string | undefined;
  config: string | undefined;
}

function parse(argv: string[]): Parsed | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      repo: { type: "string" },
      pr: { type: "string" },
      "api-url": { type: "string" },
      event: { type: "string" },
      "resolve-outdated": { type: "boolean" },
      "fail-on": { type: "string" },
      "dry-run": { type: "boolean" },
      "bot-login": { type: "string" },
      config: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return "help";
  const repoMatch = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(values.repo ?? "");
  if (!repoMatch) throw new LkreviewError("USAGE", "--repo", "expected OWNER/NAME");
  const pr = Number(values.pr);
  if (!values.pr || !/^\d+$/.test(values.pr) || !Number.isSafeInteger(pr) || pr < 1) {
    throw new LkreviewError("USAGE", "--pr", "expected a pull request number");
  }
  const event = (values.event ?? "COMMENT").toUpperCase();
  if (event === "APPROVE") throw new LkreviewError("USAGE", "--event", "APPROVE is never used: a bot does not approve");
  if (event !== "COMMENT" && event !== "REQUEST_CHANGES") throw new LkreviewError("USAGE", "--event", "expected COMMENT or REQUEST_CHANGES");
  const failOn = (values["fail-on"] ?? "none").toLowerCase();
  if (failOn !== "none" && failOn !== "error" && failOn !== "warning" && failOn !== "note") {
    throw new LkreviewError("USAGE", "--fail-on", "expected error, warning, note or none");
  }
  if (values["api-url"] !== undefined && !/^https?:\/\//.test(values["api-url"])) {
    throw new LkreviewError("USAGE", "--api-url", "expected an http(s) URL");
  }
  return {
    owner: repoMatch[1] ?? "",
    repo: repoMatch[2] ?? "",
    pr,
    apiUrl: values["api-url"],
    event,
    resolveOutdated: values["resolve-outdated"] ?? false,
    failOn,
    dryRun: values["dry-run"] ?? false,
    botLogin: values["bot-login"],
    config: values.config,
  };
}

function summary(label: string, r: ReviewPrResult, dryRun: boolean): string {
  if (r.skipped === "already-reviewed") return `${label}: head ${r.headSha.slice(0, 12)} already reviewed; nothing posted\n`;
  const hidden = r.hidden > 0 ? `; hid ${r.hidden} outdated comment${r.hidden === 1 ? "" : "s"}` : "";
  if (r.skipped === "nothing-new") return `${label}: ${r.findings.length} finding(s), none new; nothing posted${hidden}\n`;
  const inline = r.review?.comments.length ?? 0;
  const verb = dryRun ? "would post" : r.reviewId === null ? "found the review already posted" : `posted review ${r.reviewId}`;
  const fallback = r.fellBackToBody ? " (GitHub refused an inline placement: all points in the body)" : "";
  return `${label}: ${verb}: ${inline} inline comment${inline === 1 ? "" : "s"}, ${r.findings.length} finding(s) in all${fallback}${hidden}\n`;
}

/** Runs the `github` subcommand; returns the exit status. */
export async function runGithubCommand(argv: string[], io: CommandIo, deps: GithubCommandDeps = {}): Promise<number> {
  let args: Parsed | "help";
  try {
    args = parse(argv);
  } catch (err) {
    io.stderr.write(`lkreview github: ${describeError(err)}\n${GITHUB_USAGE}`);
    return 2;
  }
  if (args === "help") {
    io.stdout.write(GITHUB_USAGE);
    return 0;
  }
  const label = `${args.owner}/${args.repo}#${args.pr}`;
  try {
    const config = loadConfig({ ...(args.config ? { file: args.config } : {}), env: io.env });
    const token = config.github.token;
    if (!token) throw new LkreviewError("USAGE", "GITHUB_TOKEN", "not set; a token is needed to read and review the pull request");
    const warn = (line: string): void => void io.stderr.write(`${line.replace(/[\r\n]+/g, " ")}\n`);
    const client = createGithubClient({
      token,
      apiUrl: args.apiUrl ?? io.env["GITHUB_API_URL"] ?? config.github.apiUrl,
      warn,
      ...deps.client,
    });
    const source = deps.findings ? deps.findings(config) : rulesFindingSource(config);
    const result = await reviewPullRequest(
      client,
      { owner: args.owner, repo: args.repo, number: args.pr },
      {
        findings: source,
        event: args.event,
        resolveOutdated: args.resolveOutdated,
        dryRun: args.dryRun,
        limits: config.limits,
        ...(args.botLogin ? { botLogin: args.botLogin } : {}),
        ...(deps.retryDelayMs !== undefined ? { retryDelayMs: deps.retryDelayMs } : {}),
        warn,
      },
    );
    if (args.dryRun) {
      const review = result.review ? { owner: args.owner, repo: args.repo, pull_number: args.pr, ...result.review } : null;
      io.stdout.write(`${JSON.stringify(review, null, 2)}\n`);
      io.stderr.write(summary(label, result, true));
    } else {
      io.stdout.write(summary(label, result, false));
    }
    if (args.failOn !== "none") {
      const threshold = SEVERITY_RANK[args.failOn];
      if (result.findings.some((f) => SEVERITY_RANK[f.finding.severity] >= threshold)) return 1;
    }
    return 0;
  } catch (err) {
    io.stderr.write(`lkreview github: ${describeError(err)}\n`);
    return 2;
  }
}

/**
 * For `lkreview serve`: the `review` callback of the webhook handler. Each
 * call reviews one PR with the config's token and API URL, exactly as the
 * command does (COMMENT event, markers decide what is new).
 */
export function createGithubReviewer(
  config: Config,
  opts: { findings?: FindingSource; warn?: (line: string) => void; client?: Partial<GithubClientOptions>; resolveOutdated?: boolean } = {},
): (repo: string, pr: number) => Promise<void> {
  const token = config.github.token;
  if (!token) throw new LkreviewError("USAGE", "GITHUB_TOKEN", "not set; the webhook cannot review without a token");
  const warn = opts.warn ?? ((line: string): void => void process.stderr.write(`${line}\n`));
  const source = opts.findings ?? rulesFindingSource(config);
  return async (repo, pr) => {
    const [owner = "", name = ""] = repo.split("/");
    const client = createGithubClient({ token, apiUrl: config.github.apiUrl, warn, ...opts.client });
    await reviewPullRequest(
      client,
      { owner, repo: name, number: pr },
      {
        findings: source,
        limits: config.limits,
        ...(opts.resolveOutdated ? { resolveOutdated: true } : {}),
        warn,
      },
    );
  };
}
