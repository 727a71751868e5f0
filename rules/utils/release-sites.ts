import type { FlatNode } from "./c-flow.js";
import type { PatchIndex } from "./patch-index.js";
import { releases } from "./release-match.js";
import type { Acquisition } from "./release-match.js";
import { JobCache } from "../../src/job-cache.js";

/**
 * The statements (by index, ascending) with a call other than the
 * acquisition's own that releases the object, as far as scanned. Every exit
 * after an acquisition asks whether the release runs on its way, so each
 * statement is judged once per acquisition, not once per exit.
 */
interface ReleaseSites {
  /** First and last index scanned (lo > hi: none yet). */
  lo: number;
  hi: number;
  at: number[];
}

const sitesCache = new JobCache<Acquisition, ReleaseSites>();

function releasesIn(nodes: readonly FlatNode[], index: PatchIndex, acq: Acquisition, i: number): boolean {
  for (const c of (nodes[i] as FlatNode).stmt.calls) if (c !== acq.call && releases(index, c, acq)) return true;
  return false;
}

/**
 * The indexes, ascending, of the statements with a call (not the
 * acquisition's own) that releases `acq`, every index from `lo` to `hi`
 * judged (more may be listed, from earlier questions).
 */
export function releaseSites(nodes: readonly FlatNode[], index: PatchIndex, acq: Acquisition, lo: number, hi: number): readonly number[] {
  let sites = sitesCache.get(acq);
  if (!sites) {
    sites = { lo, hi: lo - 1, at: [] };
    sitesCache.set(acq, sites);
  }
  if (lo < sites.lo) {
    const before: number[] = [];
    for (let i = lo; i < sites.lo; i++) if (releasesIn(nodes, index, acq, i)) before.push(i);
    sites.at = before.concat(sites.at);
    sites.lo = lo;
  }
  for (let i = sites.hi + 1; i <= hi; i++) if (releasesIn(nodes, index, acq, i)) sites.at.push(i);
  if (hi > sites.hi) sites.hi = hi;
  return sites.at;
}
