import type { GithubClient } from "./client.js";
import { trailingMarkers } from "./markers.js";
import { githubError } from "./pr-source.js";
import type { PrRef } from "./pr-source.js";

/**
 * What earlier runs already posted on a PR, read back from the markers in
 * its reviews and review comments. Only bodies written by us count: anyone
 * can type a marker into a comment, and a forged "already reviewed" marker
 * must not silence the bot.
 */

/** Decides whether a comment's author is this bot. */
export type AuthorFilter = (user: { login: string; type: string } | null | undefined) => boolean;

/**
 * Our identity: the token's own login when `GET /user` answers; otherwise
 * (an Actions `GITHUB_TOKEN` is an installation token, and `/user` refuses
 * it) any Bot account, which a PR author cannot post as.
 */
export async function ourAuthorFilter(client: GithubClient, login?: string): Promise<AuthorFilter> {
  let me = login ?? null;
  if (!me) {
    try {
      me = (await client.rest.users.getAuthenticated()).data.login;
    } catch {
      me = null;
    }
  }
  if (me) {
    const mine = me.toLowerCase();
    return (u) => !!u && u.login.toLowerCase() === mine;
  }
  return (u) => !!u && u.type === "Bot";
}

export interface OurComment {
  id: number;
  nodeId: string;
  fingerprint: string;
}

export interface ExistingState {
  /** Head commits our reviews were made on. */
  reviewedHeads: Set<string>;
  /** Fingerprints already posted (inline or in a review body). */
  fingerprints: Set<string>;
  /** Our inline comments, for hiding outdated ones. */
  comments: OurComment[];
}

/** Head shas of our reviews on the PR (the check made before retrying a review). */
export async function ourReviewedHeads(client: GithubClient, ref: PrRef, isOurs: AuthorFilter): Promise<Set<string>> {
  const heads = new Set<string>();
  let reviews;
  try {
    reviews = await client.paginate(client.rest.pulls.listReviews, {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.number,
      per_page: 100,
    });
  } catch (err) {
    throw githubError(ref, "listing reviews", err);
  }
  for (const r of reviews) {
    if (!isOurs(r.user)) continue;
    for (const h of trailingMarkers(r.body).heads) heads.add(h);
  }
  return heads;
}

/** Reads every review and review comment of the PR (paginated) and collects our markers. */
export async function readExisting(client: GithubClient, ref: PrRef, isOurs: AuthorFilter): Promise<ExistingState> {
  const params = { owner: ref.owner, repo: ref.repo, pull_number: ref.number, per_page: 100 };
  const state: ExistingState = { reviewedHeads: new Set(), fingerprints: new Set(), comments: [] };
  let reviews;
  let comments;
  try {
    reviews = await client.paginate(client.rest.pulls.listReviews, params);
  } catch (err) {
    throw githubError(ref, "listing reviews", err);
  }
  try {
    comments = await client.paginate(client.rest.pulls.listReviewComments, params);
  } catch (err) {
    throw githubError(ref, "listing review comments", err);
  }
  for (const r of reviews) {
    if (!isOurs(r.user)) continue;
    const m = trailingMarkers(r.body);
    for (const h of m.heads) state.reviewedHeads.add(h);
    for (const fp of m.fingerprints) state.fingerprints.add(fp);
  }
  for (const c of comments) {
    if (!isOurs(c.user)) continue;
    const fp = trailingMarkers(c.body).fingerprints[0];
    if (!fp) continue;
    state.fingerprints.add(fp);
    state.comments.push({ id: c.id, nodeId: c.node_id, fingerprint: fp });
  }
  return state;
}
