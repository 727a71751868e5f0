import { describeError } from "../errors.js";
import { DEFAULT_LIMITS } from "../limits.js";
import type { Limits } from "../limits.js";
import { COMMIT_MSG } from "../model.js";
import type { Finding, Patch } from "../model.js";
import type { GithubClient } from "./client.js";
import { composeReview } from "./compose.js";
import type { LocatedFinding, ReviewEvent, ReviewPayload } from "./compose.js";
import { ourAuthorFilter, readExisting } from "./existing.js";
import { commentableLines } from "./placement.js";
import { minimizeOutdated, postReview } from "./post.js";
import { fetchPullRequest, prLabel } from "./pr-source.js";
import type { PrRef } from "./pr-source.js";
import { toPatches } from "./to-patch.js";

/**
 * One GitHub review run: read the PR, find, compare with what earlier runs
 * posted (markers on GitHub), post one review with only the new points.
 */

/** Where findings come from: rules, and later rules plus the model (injected, so this module knows neither). */
export type FindingSource = (patch: Patch) => Promise<Finding[]>;

export interface ReviewPrOptions {
  findings: FindingSource;
  event?: ReviewEvent;
  /** Hide our inline comments whose finding is gone. */
  resolveOutdated?: boolean;
  /** Compute and return the review without posting or hiding anything. */
  dryRun?: boolean;
  limits?: Limits;
  /** The bot's login, when known; otherwise asked from `GET /user` (see existing.ts). */
  botLogin?: string;
  /** Back-off unit between attempts of createReview (ms). */
  retryDelayMs?: number;
  warn?: (line: string) => void;
}

export type SkipReason = "already-reviewed" | "nothing-new";

export interface ReviewPrResult {
  headSha: string;
  /** Every finding of this run, posted before or not. */
  findings: LocatedFinding[];
  /** The review posted (or, in a dry run, that would be posted); null when nothing is. */
  review: ReviewPayload | null;
  skipped: SkipReason | null;
  reviewId: number | null;
  fellBackToBody: boolean;
  /** Outdated comments hidden. */
  hidden: number;
}

async function collectFindings(pr: ReturnType<typeof toPatches>, source: FindingSource, label: string, warn: (l: string) => void): Promise<LocatedFinding[]> {
  const out: LocatedFinding[] = [];
  const seen = new Set<string>();
  for (const c of pr.commits) {
    let found: Finding[];
    try {
      found = await source(c.patch);
    } catch (err) {
      // One commit that cannot be reviewed does not stop the others.
      warn(`${label}: commit ${c.sha.slice(0, 12)}: ${describeError(err)}`);
      continue;
    }
    for (const f of found) {
      if (f.file !== COMMIT_MSG || seen.has(f.fingerprint)) continue;
      seen.add(f.fingerprint);
      out.push({ finding: f, commit: { sha: c.sha, lines: c.patch.commitMessage } });
    }
  }
  for (const f of await source(pr.diff)) {
    if (f.file === COMMIT_MSG || seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    out.push({ finding: f });
  }
  return out;
}

/** Reviews one pull request; see the module comment. */
export async function reviewPullRequest(client: GithubClient, ref: PrRef, opts: ReviewPrOptions): Promise<ReviewPrResult> {
  const warn = opts.warn ?? ((): void => undefined);
  const event = opts.event ?? "COMMENT";
  const label = prLabel(ref);
  const snapshot = await fetchPullRequest(client, ref);
  const patches = toPatches(snapshot, opts.limits ?? DEFAULT_LIMITS);
  const findings = await collectFindings(patches, opts.findings, label, warn);
  const result: ReviewPrResult = {
    headSha: snapshot.headSha,
    findings,
    review: null,
    skipped: null,
    reviewId: null,
    fellBackToBody: false,
    hidden: 0,
  };

  const isOurs = await ourAuthorFilter(client, opts.botLogin);
  const existing = await readExisting(client, ref, isOurs);
  if (existing.reviewedHeads.has(snapshot.headSha)) {
    result.skipped = "already-reviewed";
    return result;
  }
  const current = new Set(findings.map((f) => f.finding.fingerprint));
  if (opts.resolveOutdated && !opts.dryRun) {
    result.hidden = await minimizeOutdated(client, ref, existing.comments, current, warn);
  }
  const fresh = findings.filter((f) => !existing.fingerprints.has(f.finding.fingerprint));
  if (fresh.length === 0) {
    result.skipped = "nothing-new";
    return result;
  }
  const index = commentableLines(patches.diff.files);
  const compose = (allInBody: boolean): ReviewPayload => composeReview({ headSha: snapshot.headSha, event, findings: fresh, index, allInBody });
  result.review = compose(false);
  if (opts.dryRun) return result;
  const posted = await postReview(client, ref, result.review, {
    allInBody: () => {
      result.review = compose(true);
      return result.review;
    },
    isOurs,
    ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}),
    warn,
  });
  result.reviewId = posted.reviewId;
  result.fellBackToBody = posted.fellBackToBody;
  return result;
}
