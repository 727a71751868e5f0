import { LkreviewError } from "../errors.js";
import type { GithubClient } from "./client.js";

/**
 * Reads one pull request through the REST API: the PR itself, all its files
 * (paginated: GitHub answers 30 per page by default, up to 3000 files) and
 * all its commits (up to 250, GitHub's own cap for this endpoint).
 */

export interface PrRef {
  owner: string;
  repo: string;
  number: number;
}

export interface PrFile {
  filename: string;
  /** added, removed, modified, renamed, copied, changed, unchanged. */
  status: string;
  previousFilename: string | null;
  /** The hunks GitHub shows; null when GitHub omits them (binary or too large a diff). */
  patch: string | null;
}

export interface PrCommit {
  sha: string;
  message: string;
}

export interface PrSnapshot extends PrRef {
  headSha: string;
  title: string;
  body: string;
  author: string;
  createdAt: string;
  files: PrFile[];
  commits: PrCommit[];
}

/** `owner/repo#N`, the item named in error lines. */
export function prLabel(ref: PrRef): string {
  return `${ref.owner}/${ref.repo}#${ref.number}`;
}

/** Turns any octokit failure into a one-line GITHUB error naming the PR and the call. */
export function githubError(ref: PrRef, what: string, err: unknown): LkreviewError {
  if (err instanceof LkreviewError) return err;
  const status = typeof err === "object" && err !== null && "status" in err ? Number(err.status) : 0;
  const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
  return new LkreviewError("GITHUB", prLabel(ref), `${what} failed${status ? ` (HTTP ${status})` : ""}: ${message}`, { cause: err });
}

/** Fetches the PR, its files and its commits. */
export async function fetchPullRequest(client: GithubClient, ref: PrRef): Promise<PrSnapshot> {
  const params = { owner: ref.owner, repo: ref.repo, pull_number: ref.number };
  let pr;
  try {
    pr = (await client.rest.pulls.get(params)).data;
  } catch (err) {
    throw githubError(ref, "reading the pull request", err);
  }
  let files;
  let commits;
  try {
    files = await client.paginate(client.rest.pulls.listFiles, { ...params, per_page: 100 });
  } catch (err) {
    throw githubError(ref, "listing the pull request's files", err);
  }
  try {
    commits = await client.paginate(client.rest.pulls.listCommits, { ...params, per_page: 100 });
  } catch (err) {
    throw githubError(ref, "listing the pull request's commits", err);
  }
  return {
    ...ref,
    headSha: pr.head.sha,
    title: pr.title,
    body: pr.body ?? "",
    // The response is not checked against the generated type at runtime (other GitHub servers, other
    // API versions): a missing or null `user` must not throw.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- API data, wider than its type
    author: pr.user?.login ?? "",
    createdAt: pr.created_at,
    files: files.map((f) => ({
      filename: f.filename,
      status: f.status,
      previousFilename: f.previous_filename ?? null,
      patch: f.patch ?? null,
    })),
    commits: commits.map((c) => ({ sha: c.sha, message: c.commit.message })),
  };
}
