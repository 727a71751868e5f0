import type { Patch, Series } from "../model.js";

/**
 * Group patches (cover letters included, as Patches with index 0) into the
 * series they were posted in, deterministically: output in order of first
 * appearance, patches sorted by index (then input order).
 *
 * Two items belong together when they have the same version and total and
 * one's In-Reply-To/References names the other, directly or through a
 * message that is not in the input (git send-email threads 1/N..N/N under
 * 0/N, or under 1/N without a cover, or chains them with --chain-reply-to;
 * the cover may be missing from what we were given). Version and total are
 * part of the key, so a v2 posted in reply to the v1 thread stays apart.
 * Patches with no threading at all (git format-patch files) are grouped by
 * sender, version and total.
 *
 * A lone patch (total 1) is its own series unless a `0/1` cover names it.
 */
export function groupSeries(items: readonly Patch[]): Series[] {
  // Most groups a stream flushes are one lone patch: its own series, no sets to build.
  if (items.length === 1 && items[0]) return [alone(items[0])];
  const byId = new Map<string, number>();
  items.forEach((p, i) => {
    if (!byId.has(p.mail.messageId)) byId.set(p.mail.messageId, i);
  });
  const sets = new DisjointSets();
  const node = (i: number): string => `#${i}`;

  items.forEach((p, i) => {
    sets.add(node(i));
    const { version, total } = p.subject;
    const sender = p.mail.from.address.toLowerCase();
    const ancestors = [...p.mail.references, ...(p.mail.inReplyTo ? [p.mail.inReplyTo] : [])];
    if (ancestors.length === 0 && total > 1) {
      sets.union(node(i), `unthreaded|${sender}|${version}|${total}`);
      return;
    }
    for (const id of ancestors) {
      const j = byId.get(id);
      if (j !== undefined) {
        const q = items[j];
        if (!q || j === i || q.subject.version !== version || q.subject.total !== total) continue;
        // A lone patch joins only a cover: two [PATCH]es in one thread are separate fixes.
        if (total === 1 && q.subject.index !== 0 && p.subject.index !== 0) continue;
        sets.union(node(i), node(j));
      } else if (total > 1) {
        // The thread root is not in the input; meet the other patches there.
        sets.union(node(i), `absent|${id}|${sender}|${version}|${total}`);
      }
    }
  });

  const groups = new Map<string, number[]>();
  items.forEach((_, i) => {
    const root = sets.find(node(i));
    const members = groups.get(root);
    if (members) members.push(i);
    else groups.set(root, [i]);
  });

  const out: Series[] = [];
  for (const members of groups.values()) {
    const first = items[members[0] ?? 0];
    if (!first) continue;
    const covers = members.filter((i) => items[i]?.subject.index === 0);
    const patches = members
      .filter((i) => items[i]?.subject.index !== 0)
      .sort((a, b) => (items[a]?.subject.index ?? 0) - (items[b]?.subject.index ?? 0) || a - b)
      .map((i) => items[i])
      .filter((p): p is Patch => p !== undefined);
    const cover = covers.length > 0 ? (items[covers[0] ?? 0]?.mail ?? null) : null;
    out.push({
      rootMessageId: cover?.messageId ?? patches[0]?.mail.messageId ?? first.mail.messageId,
      version: first.subject.version,
      total: first.subject.total,
      cover,
      patches,
    });
  }
  return out;
}

/** The series of one item on its own: a cover letter with no patches, or a patch. */
function alone(p: Patch): Series {
  const isCover = p.subject.index === 0;
  return {
    rootMessageId: p.mail.messageId,
    version: p.subject.version,
    total: p.subject.total,
    cover: isCover ? p.mail : null,
    patches: isCover ? [] : [p],
  };
}

/** Union-find over string keys, with path halving; small and local on purpose. */
class DisjointSets {
  private readonly parent = new Map<string, string>();

  add(x: string): void {
    if (!this.parent.has(x)) this.parent.set(x, x);
  }

  find(x: string): string {
    this.add(x);
    let cur = x;
    for (;;) {
      const p = this.parent.get(cur) ?? cur;
      if (p === cur) return cur;
      const gp = this.parent.get(p) ?? p;
      this.parent.set(cur, gp);
      cur = gp;
    }
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // Keep the smaller key as root so the result does not depend on union order.
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }
}
