import type { Patch, Series } from "../model.js";
import { groupSeries } from "./series.js";

/**
 * Series grouping for a stream: a bounded window of open series instead of
 * the whole input. Parts join an open series by the same relations
 * `groupSeries` uses (same version and part count, and In-Reply-To/References
 * naming a part, or naming the same absent thread root from the same sender;
 * unthreaded parts by sender). A series leaves the window
 * - as soon as it is complete (every part 1..N is in), or
 * - when `cap` messages have gone by since its last part arrived, or
 * - at the end of the input (`flushAll`).
 * The flushed parts are then grouped with `groupSeries` itself, so a series
 * that arrived whole is exactly what the batch grouping makes of it.
 *
 * Known limit: a part that arrives after its series left the window starts
 * a new one (a cover letter sent after all its patches, a part more than
 * `cap` messages late).
 */

export interface WindowEntry<T> {
  /** Position in the input; also the clock the cap is counted in. */
  seq: number;
  patch: Patch;
  data: T;
}

export interface FlushedGroup<T> {
  /** In input order. */
  entries: WindowEntry<T>[];
  /** The series each entry's patch belongs to. */
  seriesOf: Map<WindowEntry<T>, Series | null>;
  /** Every part 1..N arrived. */
  complete: boolean;
}

interface Group<T> {
  entries: WindowEntry<T>[];
  keys: string[];
  refKeys: string[];
  indices: Set<number>;
  total: number;
  lastSeq: number;
}

/** Default number of messages a series may wait for its next part. */
export const DEFAULT_SERIES_WINDOW = 500;

export class SeriesWindow<T> {
  private readonly byKey = new Map<string, Group<T>>();
  /** `root|version|total` -> open groups that named that (then absent) root. */
  private readonly refs = new Map<string, Set<Group<T>>>();
  /** Open groups, least recently touched first (a Map keeps insertion order; touching re-inserts). */
  private readonly open = new Map<Group<T>, true>();
  private held = 0;

  constructor(private readonly cap = DEFAULT_SERIES_WINDOW) {}

  /** Patches waiting in the window. */
  get size(): number {
    return this.held;
  }

  /** Adds one patch or cover letter; returns the groups that leave the window because of it. */
  add(entry: WindowEntry<T>): FlushedGroup<T>[] {
    const { patch } = entry;
    const { version, total, index } = patch.subject;
    const sender = patch.mail.from.address.toLowerCase();
    let group: Group<T> = { entries: [entry], keys: [], refKeys: [], indices: new Set(index > 0 ? [index] : []), total, lastSeq: entry.seq };
    this.held++;
    const join = (key: string): void => {
      const other = this.byKey.get(key);
      if (other && other !== group) group = this.merge(group, other);
      else if (!other) {
        this.byKey.set(key, group);
        group.keys.push(key);
      }
    };
    const canLink = (other: Patch): boolean =>
      other.subject.version === version &&
      other.subject.total === total &&
      // A lone patch joins only a cover: two [PATCH]es in one thread are separate fixes.
      (total > 1 || other.subject.index === 0 || index === 0);

    const id = patch.mail.messageId;
    const ancestors = [...patch.mail.references, ...(patch.mail.inReplyTo ? [patch.mail.inReplyTo] : [])];
    if (ancestors.length === 0 && total > 1) join(`unthreaded|${sender}|${version}|${total}`);
    for (const a of ancestors) {
      if (a === id) continue;
      const target = this.byKey.get(`id|${a}`);
      const member = target?.entries.find((e) => e.patch.mail.messageId === a);
      if (target && member) {
        if (canLink(member.patch)) join(`id|${a}`);
      } else if (total > 1) {
        join(`absent|${a}|${sender}|${version}|${total}`);
        // Remember the reference so the root, should it arrive later, pulls us in.
        this.addRef(`${a}|${version}|${total}`, group);
      }
    }
    // Parts that arrived before us and named us as their (then absent) root.
    for (const waiting of [...(this.refs.get(`${id}|${version}|${total}`) ?? [])]) {
      if (waiting !== group) group = this.merge(group, waiting);
    }
    join(`id|${id}`);

    this.open.delete(group);
    group.lastSeq = entry.seq;
    this.open.set(group, true);
    const out: FlushedGroup<T>[] = [];
    if (isComplete(group)) out.push(this.take(group, true));
    out.push(...this.advance(entry.seq));
    return out;
  }

  /** The input moved on to message `seq` (any message, patch or not): series that waited too long leave. */
  advance(seq: number): FlushedGroup<T>[] {
    const out: FlushedGroup<T>[] = [];
    for (const group of this.open.keys()) {
      if (seq - group.lastSeq < this.cap) break;
      out.push(this.take(group, false));
    }
    return out;
  }

  /** End of input: everything still open leaves, oldest first. */
  flushAll(): FlushedGroup<T>[] {
    return [...this.open.keys()].map((g) => this.take(g, isComplete(g)));
  }

  private merge(a: Group<T>, b: Group<T>): Group<T> {
    const [big, small] = a.entries.length >= b.entries.length ? [a, b] : [b, a];
    big.entries.push(...small.entries);
    for (const k of small.keys) {
      this.byKey.set(k, big);
      big.keys.push(k);
    }
    for (const r of small.refKeys) {
      const set = this.refs.get(r);
      set?.delete(small);
      this.addRef(r, big);
    }
    for (const i of small.indices) big.indices.add(i);
    big.lastSeq = Math.max(big.lastSeq, small.lastSeq);
    this.open.delete(small);
    small.entries.length = 0;
    return big;
  }

  private addRef(key: string, group: Group<T>): void {
    let set = this.refs.get(key);
    if (!set) this.refs.set(key, (set = new Set()));
    if (!set.has(group)) {
      set.add(group);
      group.refKeys.push(key);
    }
  }

  private take(group: Group<T>, complete: boolean): FlushedGroup<T> {
    this.open.delete(group);
    for (const k of group.keys) if (this.byKey.get(k) === group) this.byKey.delete(k);
    for (const r of group.refKeys) {
      const set = this.refs.get(r);
      set?.delete(group);
      if (set?.size === 0) this.refs.delete(r);
    }
    this.held -= group.entries.length;
    const entries = [...group.entries].sort((x, y) => x.seq - y.seq);
    // The group is done with, but a table of byKey, refs or open that was
    // outgrown may still point at it from the old generation, which V8's
    // young-generation collector takes as live: without its entries it
    // keeps no patch alive (see emit in pipeline.ts).
    group.entries.length = 0;
    const seriesOf = new Map<WindowEntry<T>, Series | null>();
    const byPatch = new Map<Patch, Series>();
    for (const s of groupSeries(entries.map((e) => e.patch))) {
      for (const p of s.patches) byPatch.set(p, s);
    }
    for (const e of entries) seriesOf.set(e, byPatch.get(e.patch) ?? null);
    return { entries, seriesOf, complete };
  }
}

function isComplete(group: Group<unknown>): boolean {
  if (group.indices.size < group.total) return false;
  for (let i = 1; i <= group.total; i++) if (!group.indices.has(i)) return false;
  return true;
}
