import { defineRule } from "../src/analyse/rule-api.js";
import type { CCall, CFunction, CStmt } from "../src/parse/c/types.js";
import { acquiresWith, ITERATOR_REFS, isKnownRelease, WORDING } from "./data/pairs.js";
import type { PairInfo } from "./data/pairs.js";
import { pairOf, textMayAcquire } from "./utils/acquire-gate.js";
import { addedLines } from "./utils/added-lines.js";
import { blocked, encloses, flatten, gapBetween, guardingIfs, handleOf, labelCode } from "./utils/c-flow.js";
import { acrossGap } from "./utils/gap-exits.js";
import { releaseSites } from "./utils/release-sites.js";
import type { FlatNode, Step } from "./utils/c-flow.js";
import { bareCond, ERR_VAR, failureSubject, isErrnoExpr, isErrorLog, isFailureCond, logsError } from "./utils/c-errors.js";
import { patchIndex } from "./utils/patch-index.js";
import type { PatchIndex } from "./utils/patch-index.js";
import { onlyWhenNull } from "./utils/not-held.js";
import { UNDOES, whatOf } from "./utils/unreleased-wording.js";
import { HandOver, maybeLinked, releases, releasesOnlyCurrent, undoesEarlier } from "./utils/release-match.js";
import type { Acquisition, HandOverView } from "./utils/release-match.js";

/**
 * `unreleased`: an acquisition followed by an error exit on which the
 * matching release does not run. Exits are followed through goto ladders
 * (labels fall into later labels) and through helpers the patch shows.
 * Whenever the view is partial or ownership may have moved, it stays silent.
 */

/** Sparse's lock annotations: such a function takes or drops a lock for its caller on purpose. */
const LOCK_ANNOTATED = /__acquires|__releases/;

/** A member or pointed-to field (`x->dev`, `s.dev`). */
const MEMBER = /->|\./;

/** Labels that jump to an error path by their name alone. */
const ERROR_LABEL =
  /err|fail|bad|abort|unwind|undo|free|put|release|clean|unreg|destroy|rollback|remove|unmap|disable|unlock|drop|del|exit_|nomem|inval|fault/i;

/**
 * The object an "arg" pair acquires: its first argument, unless that names
 * no object (a flag, a constant, nothing) and the call's result is kept in a
 * variable (`dec = foo_dec_init(FOO_DYNALLOC, max)`): then the result is it.
 * An open call that returns its handle (`h = foo_open(store, name)`) opens
 * that handle, not the container it was given.
 */
function argOrResult(call: CCall, info: PairInfo): string {
  const first = handleOf(call.args[0]);
  const result = call.assignedTo ?? "";
  const noObject = first === "" || /^(NULL|true|false|-?\d+\w*|[A-Z][A-Z0-9_]*|"[^"]*")$/.test(first);
  const kept = /^[a-z_]\w*$/.test(result) && !ERR_VAR.test(result);
  return kept && (noObject || info.kind === "open") ? result : first;
}

function findOwnCheck(nodes: readonly FlatNode[], at: FlatNode, call: CCall): FlatNode | null {
  if (at.stmt.kind === "if" && at.stmt.calls.includes(call)) return at;
  if (!call.assignedTo) return null;
  const v = call.assignedTo;
  for (let i = at.index + 1; i < nodes.length && i < at.index + 40; i++) {
    const n = nodes[i] as FlatNode;
    if (n.path.length !== at.path.length) continue;
    if (n.stmt.kind === "if") {
      const subj = failureSubject(n.stmt.cond);
      if (subj === v || n.stmt.cond.includes(v)) return n;
      return null;
    }
    if (n.stmt.kind !== "expr") return null;
  }
  return null;
}

/** True when `e` leaves on an error; for a lock (`lock`) every return and goto does, whatever it returns. */
function isErrorExit(e: FlatNode, lock: boolean): boolean {
  const s = e.stmt;
  if (s.kind !== "return" && s.kind !== "goto") return false;
  if (lock) return true;
  const guards = guardingIfs(e);
  const guard = guards[0];
  // Asked last: most exits say what they are by their code or label alone.
  const failed = (): boolean => guards.some((g) => g.kind === "if" && (isFailureCond(g.cond) || logsError(g.then) !== null));
  if (s.kind === "goto") return ERROR_LABEL.test(s.label) || failed();
  if (isErrnoExpr(s.expr)) return true;
  if (ERR_VAR.test(s.expr) && guard?.kind === "if" && (guard.cond.includes(s.expr) || failed())) return true;
  // `if (g->irq < 0) return g->irq;`: the value just found negative is passed up.
  if (guard?.kind === "if" && s.expr !== "" && negativeTest(guard.cond) === s.expr.replace(/\s+/g, "")) return true;
  // `return 0` after a logged failure is an error path too (errcode says so separately).
  return (s.expr === "NULL" || s.expr === "false" || s.expr === "" || s.expr === "0") && failed();
}

/** The value `cond` tests for being negative (`x < 0`, `unlikely(p->irq < 0)`), spaces removed, or null. */
function negativeTest(cond: string): string | null {
  const m = /^(.+?)\s*<\s*0$/.exec(bareCond(cond));
  return m?.[1] ? m[1].replace(/\s+/g, "") : null;
}

/**
 * True when the error branch that ends in `exit` releases something, just not
 * this object: the author cleaned up on this path and missed one piece
 * (`kfree(priv->buf); return ret;` with the clk still enabled). Only plain
 * returns count: every goto to one label shares the label's fix.
 */
function partialCleanup(nodes: readonly FlatNode[], exit: FlatNode, acq: Acquisition): boolean {
  if (exit.stmt.kind !== "return") return false;
  const guard = guardingIfs(exit)[0];
  const guardNode = guard ? nodes.find((n) => n.stmt === guard) : undefined;
  if (!guardNode) return false;
  for (let i = guardNode.index + 1; i < exit.index; i++) {
    const n = nodes[i] as FlatNode;
    if (!encloses(guardNode, n) || blocked(n, exit)) continue;
    if (n.stmt.calls.some((c) => !acq.info.release.includes(c.name) && (acq.foreign.has(c.name) || isKnownRelease(c.name)))) return true;
  }
  return false;
}

/** True when the release runs on the way from the acquisition to (and through) the exit. */
function releasedOn(fn: CFunction, nodes: readonly FlatNode[], index: PatchIndex, acq: Acquisition, from: FlatNode, exit: FlatNode): boolean | null {
  if (gapBetween(fn, from.stmt.line, exit.stmt.line)) return null;
  if (from.index < exit.index) {
    for (const i of releaseSites(nodes, index, acq, from.index + 1, exit.index)) {
      if (i <= from.index) continue;
      if (i > exit.index) break;
      if (i === exit.index || !blocked(nodes[i] as FlatNode, exit)) return true;
    }
  }
  if (exit.stmt.kind === "goto") {
    const code = labelCode(fn, nodes, exit.stmt.label);
    if (!code?.known) return null;
    if (code.label.line < exit.stmt.line) return null;
    // A loop, not some() with a closure: asked for every goto exit of every acquisition.
    for (const c of code.calls) if (releases(index, c, acq)) return true;
    return false;
  }
  return false;
}

/**
 * Variables under scope-based cleanup (`__free(kfree)`, `__cleanup(...)`),
 * which release by themselves; null when there are none (most functions).
 */
function autoFreedOf(nodes: readonly FlatNode[]): Set<string> | null {
  let out: Set<string> | null = null;
  for (const { stmt: s } of nodes) {
    // Both markers hold `__`; the regex (and its iterator) only runs on the few statements that have one.
    if (s.kind !== "expr" || (!s.text.includes("__free") && !s.text.includes("__cleanup"))) continue;
    for (const m of s.text.matchAll(/(\w+)\s+(?:__free|__cleanup)\s*\(/g)) if (m[1]) (out ??= new Set()).add(m[1]);
  }
  return out;
}

/** The innermost loop enclosing `node` (enclosingLoops()[0] without building the list). */
function innermostLoop(node: FlatNode): CStmt | undefined {
  for (let i = node.path.length - 1; i >= 0; i--) {
    const parent = (node.path[i] as Step).parent;
    if (parent.kind === "loop") return parent;
  }
  return undefined;
}

/** Index of the last statement inside `loop`. */
function lastInside(nodes: readonly FlatNode[], loop: FlatNode): number {
  let last = loop.index;
  for (let i = loop.index + 1; i < nodes.length && encloses(loop, nodes[i] as FlatNode); i++) last = i;
  return last;
}

/** Top-level arguments of a macro header: `np, child` -> ["np", "child"]. */
function headerArgs(header: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of header) {
    if (ch === "(" || ch === "[") depth++;
    else if (ch === ")" || ch === "]") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/**
 * Iterator loops that hold a reference on the current node (ITERATOR_REFS):
 * an error exit out of the body keeps it unless the body drops it or hands
 * the node on first. Yields the acquisition-like record and the exits to judge.
 */
function iteratorRefs(nodes: readonly FlatNode[]): { acq: Acquisition; loop: FlatNode }[] {
  const out: { acq: Acquisition; loop: FlatNode }[] = [];
  for (const n of nodes) {
    if (n.stmt.kind !== "loop") continue;
    const it = ITERATOR_REFS.get(n.stmt.loop);
    const v = it ? headerArgs(n.stmt.header)[it.arg] : undefined;
    if (!it || !v || !/^[A-Za-z_]\w*$/.test(v)) continue;
    const call: CCall = { name: n.stmt.loop, args: headerArgs(n.stmt.header), line: n.stmt.line, assignedTo: v };
    out.push({
      acq: { node: n, call, info: { kind: "ref", release: [it.release], handle: "result" }, handle: v, ownCheck: null, foreign: NO_FOREIGN },
      loop: n,
    });
  }
  return out;
}

/** The foreign releases of an acquisition that is alone in its function: none. */
const NO_FOREIGN: ReadonlySet<string> = new Set();

/** Release names of the other acquisitions that do not undo `acq` (see Acquisition.foreign), in a set only when there are some. */
function foreignOf(acq: Acquisition, acqs: readonly Acquisition[]): ReadonlySet<string> {
  let out: Set<string> | null = null;
  for (const other of acqs) for (const r of other.info.release) if (!acq.info.release.includes(r)) (out ??= new Set()).add(r);
  return out ?? NO_FOREIGN;
}

/** The call whose failure leads to the exit, for the wording ("If foo() fails, ..."). */
function failedCall(nodes: readonly FlatNode[], exit: FlatNode): string | null {
  const guard = guardingIfs(exit)[0];
  if (guard?.kind !== "if") return null;
  const inCond = guard.calls.find((c) => !isErrorLog(c) && !/^(unlikely|likely|IS_ERR|IS_ERR_OR_NULL|WARN_ON\w*)$/.test(c.name));
  if (inCond && isFailureCond(guard.cond) && failureSubject(guard.cond) === null) return inCond.name;
  const subj = failureSubject(guard.cond);
  if (!subj) return null;
  const guardNode = nodes.find((n) => n.stmt === guard);
  for (let i = (guardNode?.index ?? 0) - 1; i >= 0; i--) {
    const c = (nodes[i] as FlatNode).stmt.calls.find((x) => x.assignedTo === subj);
    if (c) return c.name;
  }
  return null;
}

export default defineRule({
  meta: {
    id: "unreleased",
    class: "unreleased",
    severity: "warning",
    description: "An error path after an acquisition (register, alloc, get, lock, ...) that does not release it.",
    messages: {
      afterCall: "If {failed}() fails, {what} above is never {undone}. Should this error path call {release}()?",
      onExit: "On this error path, {what} above is never {undone}. Should it call {release}()?",
      loop: "If {failed}() fails for a later item, what {acquire}() {done} for the earlier items is never {undone}, so this loop does not clean up after itself. Should the error path call {release}() on them?",
      ownFailure: "{acquire}() leaves a reference behind even when it fails, so this error path leaks it. Shouldn't it call {release}()?",
      afterCallFlag: "If {failed}() fails, {what} above is never {undone}. Should this error path call {release}() again with {flag}?",
      onExitFlag: "On this error path, {what} above is never {undone}. Should it call {release}() again with {flag}?",
      loopCurrent:
        "If {failed}() fails for a later item, this error path {undoes} only the current item: what {acquire}() {done} for the earlier items is never {undone}. Should it walk back over them?",
      acrossGap:
        "The other error exits go to {label}, which calls {release}(), but this return skips it, so {what} above is probably never {undone} (unless the lines the diff leaves out do it). Should it jump to {label} too?",
      acrossGapLater:
        "{release}() runs further down, so {what} above is still held when this return leaves, and it is probably never {undone} (unless the lines the diff leaves out do it). Should this error path call {release}() too?",
      linkDoubt: "If {linker}() does not hand it over to {parent}, {what} above is never {undone} on this error path. Should it call {release}()?",
      iterator:
        "{acquire}() holds a reference on {var} while the body runs, and leaving the loop here keeps it. Should this error path call {release}({var}) first?",
    },
  },
  create(ctx) {
    return {
      cFunction(fn, file) {
        if (LOCK_ANNOTATED.test(fn.signature)) return;
        const index = patchIndex(ctx);
        // Every point starts from a call with a known release or an iterator loop: most functions have neither.
        if (!textMayAcquire(fn, index)) return;
        const nodes = flatten(fn);
        const autoFreed = autoFreedOf(nodes);
        const acqs: Acquisition[] = [];
        // Indexed loops: every statement of every function past the gate comes through here, and
        // these for...of loops allocated an iterator and its results per statement (5 MB per 10 MB of mbox).
        // eslint-disable-next-line @typescript-eslint/prefer-for-of -- see above
        for (let n = 0; n < nodes.length; n++) {
          const node = nodes[n] as FlatNode;
          const calls = node.stmt.calls;
          // eslint-disable-next-line @typescript-eslint/prefer-for-of -- see above
          for (let c = 0; c < calls.length; c++) {
            const call = calls[c] as CCall;
            const info = pairOf(call.name, index);
            if (!info) continue;
            if (info.kind === "lock" && fn.name.includes("lock")) continue;
            if (info.release.includes(fn.name) || fn.name === call.name) continue;
            // `preempt_enable()` after `preempt_disable()`: the undo of an earlier step, never an acquisition.
            if (!acquiresWith(info, call.args) || undoesEarlier(nodes, call, info)) continue;
            const handle = info.handle === "result" ? (call.assignedTo ?? "") : info.handle === "arg" ? argOrResult(call, info) : "";
            if (info.handle === "result" && !call.assignedTo) continue;
            if (call.assignedTo && autoFreed?.has(call.assignedTo)) continue;
            // Stored straight into an object (`x->dev = get_device(dev)`): its owner releases it.
            if (call.assignedTo && MEMBER.test(call.assignedTo) && info.kind !== "lock" && info.kind !== "register" && info.kind !== "enable") continue;
            acqs.push({ node, call, info, handle, ownCheck: findOwnCheck(nodes, node, call), foreign: NO_FOREIGN });
          }
        }
        const iterators = iteratorRefs(nodes);
        // The text named a pair or an iterator, but no call of the body acquires.
        if (acqs.length === 0 && iterators.length === 0) return;
        const view: HandOverView = { index, fn, callees: null };
        const added = addedLines(fn);
        // Most functions acquire one thing: only with two or more can another's release be foreign.
        if (acqs.length > 1) for (const acq of acqs) acq.foreign = foreignOf(acq, acqs);
        /** isErrorExit per exit by index (0: not asked, 1: no, 2: yes): every acquisition asks about every exit after it. */
        let errorExits: Uint8Array | null = null;
        const errorExit = (e: FlatNode, lock: boolean): boolean => {
          if (lock) return isErrorExit(e, true);
          errorExits ??= new Uint8Array(nodes.length);
          let v = errorExits[e.index] as number;
          if (v === 0) {
            v = isErrorExit(e, false) ? 2 : 1;
            errorExits[e.index] = v;
          }
          return v === 2;
        };
        /** Lines reported on, made at the first report (most functions have none). */
        let reported: Set<number> | null = null;
        /** `from`: where the quoted stretch starts when not at the acquisition (a second point on the same object). */
        const report = (
          acq: Acquisition,
          exit: FlatNode,
          messageId: string,
          failed: string | null,
          from?: number,
          extra: Record<string, string> = {},
        ): void => {
          const a = from ?? acq.call.line;
          const e = exit.stmt.line;
          if (!added.has(a) && !added.has(e)) return;
          if (reported?.has(e)) return;
          (reported ??= new Set()).add(e);
          const w = WORDING[acq.info.kind];
          const release = acq.info.release[0] ?? "";
          let id = failed ? messageId : messageId === "afterCall" ? "onExit" : messageId;
          // A flag pair is undone by the same call with the other flag value: say which.
          if (acq.info.flag && (id === "afterCall" || id === "onExit")) id = `${id}Flag`;
          ctx.report({
            messageId: id,
            data: {
              failed: failed ?? acq.call.name,
              what: whatOf(acq.info, acq.handle, acq.call.name),
              done: w.done,
              undone: w.undone,
              acquire: acq.call.name,
              release,
              flag: acq.info.flag?.say ?? "",
              undoes: UNDOES[acq.info.kind],
              ...extra,
            },
            file: file.path,
            line: added.has(a) && a <= e ? a : e,
            endLine: e,
          });
        };

        for (const { acq, loop } of iterators) {
          const handOver = new HandOver(nodes, loop.index, acq, view);
          for (const exit of nodes) {
            if (!encloses(loop, exit) || (exit.stmt.kind !== "return" && exit.stmt.kind !== "goto")) continue;
            if (!errorExit(exit, acq.info.kind === "lock")) continue;
            // A goto to a label inside the loop body stays in the loop.
            if (exit.stmt.kind === "goto") {
              const label = exit.stmt.label;
              if (nodes.some((x) => x.stmt.kind === "label" && x.stmt.name === label && encloses(loop, x))) continue;
            }
            if (handOver.by(exit.index)) continue;
            if (releasedOn(fn, nodes, index, acq, loop, exit) !== false) continue;
            if (!added.has(exit.stmt.line) || reported?.has(exit.stmt.line)) continue;
            (reported ??= new Set()).add(exit.stmt.line);
            ctx.report({
              messageId: "iterator",
              data: { acquire: acq.call.name, var: acq.handle, release: acq.info.release[0] ?? "" },
              file: file.path,
              line: exit.stmt.line,
            });
            // One point per loop: every other early exit of the body has the same fix.
            break;
          }
        }

        // Later acquisitions first, so an exit is blamed on the nearest one.
        for (let a = acqs.length - 1; a >= 0; a--) {
          const acq = acqs[a] as Acquisition;
          const loop = innermostLoop(acq.node);
          const loopNode = loop ? nodes.find((n) => n.stmt === loop) : undefined;
          const ownThen = acq.ownCheck?.stmt.kind === "if" ? acq.ownCheck : null;
          const perItemRelease =
            loopNode && nodes.some((n) => n.index > acq.node.index && encloses(loopNode, n) && n.stmt.calls.some((c) => acq.info.release.includes(c.name)));
          const accumulates = loopNode && !perItemRelease && !(acq.info.kind === "alloc" && /[[.>]/.test(acq.handle)) && acq.info.kind !== "lock";

          /** Made when an exit first asks: many acquisitions have no error exit after them. */
          let handOver: HandOver | null = null;
          /** Set once this acquisition has had its point: later exits usually share that fix. */
          let pointMade = false;
          for (let x = acq.node.index + 1; x < nodes.length; x++) {
            const exit = nodes[x] as FlatNode;
            if (exit.stmt.kind !== "return" && exit.stmt.kind !== "goto") continue;
            if (!errorExit(exit, acq.info.kind === "lock") || blocked(acq.node, exit)) continue;
            const inOwn = ownThen !== null && (exit === ownThen || encloses(ownThen, exit));
            const inLoop = loopNode !== undefined && encloses(loopNode, exit);
            // `if (!m) return -ENODEV;` after `if (m && !try_module_get(m)) m = NULL;`: nothing is held here.
            if (acq.info.kind !== "lock" && onlyWhenNull(exit, acq.handle)) continue;
            if ((handOver ??= new HandOver(nodes, acq.node.index, acq, view)).by(exit.index)) break;
            if (inOwn && !(accumulates && inLoop)) {
              if (!acq.info.releaseOnOwnFailure) continue;
              if (releasedOn(fn, nodes, index, acq, acq.node, exit) === false) report(acq, exit, "ownFailure", acq.call.name);
              break;
            }
            if (accumulates && inLoop) {
              // Each item is stored or linked somewhere before the next one starts: its owner cleans up.
              if (handOver.by(lastInside(nodes, loopNode))) break;
              const done = releasedOn(fn, nodes, index, acq, loopNode, exit);
              if (done === false) report(acq, exit, "loop", failedCall(nodes, exit) ?? acq.call.name);
              // The cleanup undoes `[i]` once, outside any loop: the earlier items stay.
              else if (done && releasesOnlyCurrent(fn, nodes, index, acq, loopNode, exit))
                report(acq, exit, "loopCurrent", failedCall(nodes, exit) ?? acq.call.name);
              break;
            }
            if (inLoop && !accumulates && !perItemRelease) continue;
            const done = releasedOn(fn, nodes, index, acq, acq.node, exit);
            if (done === null && gapBetween(fn, acq.node.stmt.line, exit.stmt.line)) {
              // Unseen lines lie between: judge only on the cleanup label the function shows after them.
              const gap = acrossGap(fn, nodes, index, acq, exit, acq.ownCheck);
              if (gap === null) break;
              if (gap !== "released" && !pointMade && added.has(exit.stmt.line) && errorExit(exit, false)) {
                report(acq, exit, gap.later ? "acrossGapLater" : "acrossGap", null, exit.stmt.line, { label: gap.label, release: gap.release });
                pointMade = true;
              }
              continue;
            }
            if (done === null) break;
            if (!done && (!pointMade || partialCleanup(nodes, exit, acq))) {
              const failed = failedCall(nodes, exit);
              // A second point quotes its own error branch, not the stretch from the acquisition again.
              const branch = pointMade ? guardingIfs(exit)[0]?.line : undefined;
              // An unseen call that may have linked the object into a parent: say so.
              const link = maybeLinked(nodes, acq.node.index, exit.index, acq, index);
              if (link) report(acq, exit, "linkDoubt", null, branch, { linker: link.call.name, parent: link.parent });
              else report(acq, exit, "afterCall", failed === acq.call.name ? null : failed, branch);
              // Keep going only for paths that clean up something else and miss this.
              pointMade = true;
            }
          }
        }
      },
    };
  },
});
