import type { CFunction } from "../../src/parse/c/types.js";
import { blocked, encloses, gapBetween, guardingIfs, labelCode } from "./c-flow.js";
import type { FlatNode } from "./c-flow.js";
import type { PatchIndex } from "./patch-index.js";
import { releases } from "./release-match.js";
import type { Acquisition } from "./release-match.js";

/**
 * Error exits that unseen lines separate from the acquisition (two hunks of
 * one function), for the `unreleased` rule. The lines between may do
 * anything, so an exit there is judged only on what the function itself
 * shows after them: a `goto` to a shown label that releases the object
 * (the author's own cleanup path), and a new `return` that skips that label.
 */

/** A shown label whose code releases the object, and the release call it makes. */
export interface ReleaseLabel {
  label: string;
  release: string;
  /**
   * True when no label is involved: the release runs further down on the
   * path the exit's branch leaves (`if (bad) return -EIO; foo_end(x); return 0;`),
   * so the object is still held where the exit leaves.
   */
  later?: boolean;
}

/** The label `goto` leads to when its code (through later labels) is shown, lies below `after`, and releases the object. */
function releasingLabel(fn: CFunction, nodes: readonly FlatNode[], index: PatchIndex, acq: Acquisition, label: string, after: number): ReleaseLabel | null {
  const code = labelCode(fn, nodes, label);
  if (!code?.known || code.label.line <= after) return null;
  const call = code.calls.find((c) => releases(index, c, acq));
  return call ? { label, release: call.name } : null;
}

/**
 * For an exit with unseen lines between it and the acquisition: `"released"`
 * when it is a `goto` to a shown label that releases the object (or the
 * visible path to it does); the label the function's other error exits use,
 * when the exit is a `return` that skips it; a later release on the path the
 * exit's branch leaves (`later`); null when nothing can be said.
 * `ownCheck` is the acquisition's own failure branch, whose jumps never held
 * the object and prove nothing.
 */
export function acrossGap(
  fn: CFunction,
  nodes: readonly FlatNode[],
  index: PatchIndex,
  acq: Acquisition,
  exit: FlatNode,
  ownCheck: FlatNode | null,
): ReleaseLabel | "released" | null {
  for (let i = acq.node.index + 1; i < exit.index; i++) {
    const n = nodes[i] as FlatNode;
    if (!blocked(n, exit) && n.stmt.calls.some((c) => c !== acq.call && releases(index, c, acq))) return "released";
  }
  if (exit.stmt.kind === "goto") return releasingLabel(fn, nodes, index, acq, exit.stmt.label, exit.stmt.line) ? "released" : null;
  if (exit.stmt.kind !== "return") return null;
  for (const g of nodes) {
    if (g.index <= acq.node.index || g.stmt.kind !== "goto" || g === exit) continue;
    if (ownCheck && (g === ownCheck || encloses(ownCheck, g))) continue;
    const found = releasingLabel(fn, nodes, index, acq, g.stmt.label, Math.max(exit.stmt.line, g.stmt.line));
    if (found) return found;
  }
  return laterRelease(fn, nodes, index, acq, exit);
}

/**
 * The pair's own release (or a helper the patch shows that reaches it) on
 * the path the exit's branch falls out of, with every line from the exit to
 * it shown and no label in between (a label's code may serve other jumps):
 * the object is still held where the exit leaves, whatever the unseen lines
 * before did.
 */
function laterRelease(fn: CFunction, nodes: readonly FlatNode[], index: PatchIndex, acq: Acquisition, exit: FlatNode): ReleaseLabel | null {
  const guard = guardingIfs(exit)[0];
  const guardNode = guard ? nodes.find((n) => n.stmt === guard) : undefined;
  if (!guardNode) return null;
  for (let i = exit.index + 1; i < nodes.length; i++) {
    const m = nodes[i] as FlatNode;
    if (m.stmt.kind === "label" || gapBetween(fn, exit.stmt.line, m.stmt.line)) return null;
    if (encloses(guardNode, m) || blocked(guardNode, m)) continue;
    const call = m.stmt.calls.find((c) => (acq.info.release.includes(c.name) || index.functions.has(c.name)) && releases(index, c, acq));
    if (call) return { label: "", release: call.name, later: true };
  }
  return null;
}
