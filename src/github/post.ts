import { setTimeout as sleep } from "node:timers/promises";
import { describeError } from "../errors.js";
import type { GithubClient } from "./client.js";
import type { ReviewPayload } from "./compose.js";
import { ourReviewedHeads } from "./existing.js";
import type { AuthorFilter, OurComment } from "./existing.js";
import { githubError } from "./pr-source.js";
import type { PrRef } from "./pr-source.js";

/**
 * Posting the one review, safely. `createReview` is not idempotent: a 502 or
 * a timeout may come back after GitHub stored the review. So the retry
 * plugin is switched off for this call, and before each retry we list the
 * PR's reviews and look for our marker with this head; if it is there, the
 * earlier attempt landed and nothing is posted again.
 */

export interface PostResult {
  /** Id of the review we created; null when an earlier attempt turned out to have landed. */
  reviewId: number | null;
  /** GitHub refused an inline placement (422) and the review went out with every point in the body. */
  fellBackToBody: boolean;
  /** A retry found the review already stored. */
  foundAfterError: boolean;
}

export interface PostOptions {
  /** Recomposes the review with every point in the body, for the 422 fallback. */
  allInBody: () => ReviewPayload;
  isOurs: AuthorFilter;
  /** Attempts in all (first try included) after timeouts and 5xx. */
  maxAttempts?: number;
  /** Back-off unit between attempts (ms). */
  retryDelayMs?: number;
  warn?: (line: string) => void;
}

function statusOf(err: unknown): number {
  if (typeof err === "object" && err !== null && "status" in err) {
    const s = Number(err.status);
    return Number.isFinite(s) ? s : 0;
  }
  return 0;
}

/** Creates the review; see the module comment for the retry rule. */
export async function postReview(client: GithubClient, ref: PrRef, payload: ReviewPayload, opts: PostOptions): Promise<PostResult> {
  const maxAttempts = opts.maxAttempts ?? 3;
  const delay = opts.retryDelayMs ?? 1000;
  const warn = opts.warn ?? ((): void => undefined);
  let current = payload;
  let fellBackToBody = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await client.rest.pulls.createReview({
        owner: ref.owner,
        repo: ref.repo,
        pull_number: ref.number,
        commit_id: current.commit_id,
        event: current.event,
        body: current.body,
        comments: current.comments,
        // Our own check-then-retry loop below replaces the plugin's blind retry of this POST.
        request: { retries: 0 },
      });
      return { reviewId: res.data.id, fellBackToBody, foundAfterError: false };
    } catch (err) {
      const status = statusOf(err);
      if (status === 422 && !fellBackToBody && current.comments.length > 0) {
        // GitHub does not say which comment it refused; moving them all to the body always fits.
        warn(
          `github: ${ref.owner}/${ref.repo}#${ref.number}: GitHub refused an inline comment (${describeError(err)}); posting every point in the review body`,
        );
        current = opts.allInBody();
        fellBackToBody = true;
        continue;
      }
      // 5xx, or a timeout/network failure (octokit reports those as 500).
      const retryable = status >= 500 || status === 0;
      if (!retryable) throw githubError(ref, "creating the review", err);
      const heads = await ourReviewedHeads(client, ref, opts.isOurs);
      if (heads.has(current.commit_id)) {
        warn(`github: ${ref.owner}/${ref.repo}#${ref.number}: the review was stored despite ${describeError(err)}; not posting again`);
        return { reviewId: null, fellBackToBody, foundAfterError: true };
      }
      if (attempt >= maxAttempts) throw githubError(ref, `creating the review (${attempt} attempts)`, err);
      warn(`github: ${ref.owner}/${ref.repo}#${ref.number}: creating the review failed (${describeError(err)}); retrying`);
      await sleep(delay * attempt * attempt);
    }
  }
}

const MINIMIZE = `mutation ($id: ID!) {
  minimizeComment(input: { subjectId: $id, classifier: OUTDATED }) {
    minimizedComment { isMinimized minimizedReason }
  }
}`;

/**
 * Hides (GraphQL `minimizeComment`, classifier OUTDATED) our inline comments
 * whose finding is no longer found. One failure does not stop the others.
 * Returns how many were hidden.
 */
export async function minimizeOutdated(
  client: GithubClient,
  ref: PrRef,
  comments: readonly OurComment[],
  current: ReadonlySet<string>,
  warn: (line: string) => void = () => undefined,
): Promise<number> {
  let hidden = 0;
  for (const c of comments) {
    if (current.has(c.fingerprint)) continue;
    try {
      await client.graphql(MINIMIZE, { id: c.nodeId });
      hidden++;
    } catch (err) {
      warn(githubError(ref, `hiding outdated comment ${c.id}`, err).message);
    }
  }
  return hidden;
}
