import type { Mail, Patch, Series } from "../model.js";

/** One part of a series as it arrived: a patch, or the cover letter (patch null). */
export interface Part {
  /** Where it came from (`imap:INBOX/42`), for logs and for settling it afterwards. */
  source: string;
  /** IMAP UID, used to hold the checkpoint back while the part waits. */
  uid: number;
  /** When the server received it (IMAP INTERNALDATE): the wait is measured from the first part. */
  arrival: Date;
  mail: Mail;
  /** Null for a cover letter. */
  patch: Patch | null;
  /** 0 for a cover letter. */
  index: number;
  total: number;
  version: number;
}

/** A series ready for review: every part in, or the wait for missing ones is over. */
export interface CollectedSeries {
  series: Series;
  parts: Part[];
  complete: boolean;
}

/**
 * Collects the parts of each posted series so they are reviewed together: a
 * helper registered in 2/4 and released in 3/4 is only understood with both.
 * Parts belong together when they share author, version and part count and
 * are linked by In-Reply-To/References (git send-email threads every part
 * under the cover letter or the first patch; parts may arrive in any order).
 * A series is ready when all of 1..N are in, or `waitMs` after its first
 * part arrived; a wait of 0 reviews whatever is there at once.
 */
export class SeriesCollector {
  private parts: Part[] = [];

  constructor(private readonly waitMs: number) {}

  add(part: Part): void {
    if (this.parts.some((p) => p.mail.messageId === part.mail.messageId)) return;
    this.parts.push(part);
  }

  /** UIDs of parts still waiting (the IMAP checkpoint must not pass them). */
  pendingUids(): number[] {
    return this.parts.map((p) => p.uid);
  }

  get size(): number {
    return this.parts.length;
  }

  /** Earliest time a waiting series becomes ready, or null when nothing waits. */
  nextDeadline(): Date | null {
    let min: number | null = null;
    for (const group of this.groups()) {
      const t = firstArrival(group) + this.waitMs;
      if (min === null || t < min) min = t;
    }
    return min === null ? null : new Date(min);
  }

  /** Removes and returns the series that are complete or whose wait is over. */
  takeReady(now: Date): CollectedSeries[] {
    const ready: CollectedSeries[] = [];
    const taken = new Set<Part>();
    for (const group of this.groups()) {
      const complete = isComplete(group);
      if (!complete && now.getTime() - firstArrival(group) < this.waitMs) continue;
      group.forEach((p) => taken.add(p));
      ready.push({ series: toSeries(group), parts: group, complete });
    }
    this.parts = this.parts.filter((p) => !taken.has(p));
    return ready;
  }

  /** Partition by (author, version, total), then join parts linked by thread headers. */
  private groups(): Part[][] {
    const byKey = new Map<string, Part[]>();
    for (const p of this.parts) {
      const key = `${p.mail.from.address.toLowerCase()}\0${p.version}\0${p.total}`;
      const list = byKey.get(key) ?? [];
      list.push(p);
      byKey.set(key, list);
    }
    const out: Part[][] = [];
    for (const list of byKey.values()) out.push(...linkByThread(list));
    return out;
  }
}

function firstArrival(parts: Part[]): number {
  return Math.min(...parts.map((p) => p.arrival.getTime()));
}

function isComplete(parts: Part[]): boolean {
  const total = parts[0]?.total ?? 1;
  const have = new Set(parts.filter((p) => p.patch).map((p) => p.index));
  for (let i = 1; i <= total; i++) if (!have.has(i)) return false;
  return true;
}

/** Union-find over Message-IDs: a part joins every id it names in In-Reply-To/References. */
function linkByThread(parts: Part[]): Part[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const p of parts) {
    const id = p.mail.messageId;
    parent.set(id, find(id));
    for (const ref of [...p.mail.references, ...(p.mail.inReplyTo ? [p.mail.inReplyTo] : [])]) union(id, ref);
  }
  const groups = new Map<string, Part[]>();
  for (const p of parts) {
    const r = find(p.mail.messageId);
    const g = groups.get(r) ?? [];
    g.push(p);
    groups.set(r, g);
  }
  return [...groups.values()];
}

function toSeries(parts: Part[]): Series {
  const sorted = [...parts].sort((a, b) => a.index - b.index || a.arrival.getTime() - b.arrival.getTime());
  const cover = sorted.find((p) => p.patch === null)?.mail ?? null;
  const patches = sorted.flatMap((p) => (p.patch ? [p.patch] : []));
  const first = sorted[0];
  return {
    rootMessageId: cover?.messageId ?? patches[0]?.mail.messageId ?? first?.mail.messageId ?? "",
    version: first?.version ?? 1,
    total: first?.total ?? 1,
    cover,
    patches,
  };
}
