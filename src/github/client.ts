import { randomUUID } from "node:crypto";
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";

/**
 * The GitHub client: octokit with the retry plugin (5xx and network errors on
 * reads) and the throttling plugin (primary and secondary rate limits), plus a
 * per-request timeout so a hung connection becomes a retryable error instead
 * of a stuck run.
 */

const GithubOctokit = Octokit.plugin(retry, throttling);

/** The octokit instance every `src/github` function takes. */
export type GithubClient = InstanceType<typeof GithubOctokit>;

export interface GithubClientOptions {
  token: string;
  /** REST base URL; GitHub Enterprise uses `https://HOST/api/v3`. */
  apiUrl?: string;
  /** Abort a request that has not answered in this time (ms); the retry plugin then retries it. */
  timeoutMs?: number;
  /**
   * Milliseconds per second of `retry-after` (and per back-off step of the
   * retry plugin). 1000 honours GitHub's values as sent; tests shrink it so a
   * `retry-after: 1` does not cost a second.
   */
  retryAfterBaseMs?: number;
  /** How many times one request is retried after a rate limit before giving up. */
  maxRateLimitRetries?: number;
  /** How many times a failed read (5xx, timeout) is retried. */
  retries?: number;
  /** Warnings (rate limits, retries) go here; default: nowhere. */
  warn?: (line: string) => void;
  userAgent?: string;
}

/** Builds the client. The token is sent only to `apiUrl`. */
export function createGithubClient(opts: GithubClientOptions): GithubClient {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const base = opts.retryAfterBaseMs ?? 1000;
  const maxRateLimitRetries = opts.maxRateLimitRetries ?? 3;
  const warn = opts.warn ?? ((): void => undefined);
  const timedFetch: typeof fetch = (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal });
  };
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      // Bounded: a limit that does not lift after a few waits fails the run instead of hanging it.
      if (retryCount >= maxRateLimitRetries) {
        warn(`github: ${kind} rate limit on ${options.method} ${options.url}; giving up after ${retryCount} retries`);
        return false;
      }
      warn(`github: ${kind} rate limit on ${options.method} ${options.url}; retrying after ${retryAfter}s`);
      return true;
    };
  return new GithubOctokit({
    auth: opts.token,
    baseUrl: (opts.apiUrl ?? "https://api.github.com").replace(/\/+$/, ""),
    userAgent: opts.userAgent ?? "lkreview",
    request: { fetch: timedFetch },
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (msg: string) => warn(`github: ${msg}`),
      // The request log reports every failed call here; our own error line says it once, with the PR.
      error: () => undefined,
    },
    retry: { retries: opts.retries ?? 3, retryAfterBaseValue: base },
    throttle: {
      // One key per client: the plugin's write spacing is then per run, not shared by unrelated runs in one process.
      id: randomUUID(),
      retryAfterBaseValue: base,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: onLimit("primary"),
      onSecondaryRateLimit: onLimit("secondary"),
    },
  });
}
