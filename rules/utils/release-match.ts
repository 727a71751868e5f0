import type { CCall, CFunction } from "../../src/parse/c/types.js";
import { acquiresWith, isKnownRelease } from "../data/pairs.js";
import type { PairInfo } from "../data/pairs.js";
import { blocked, enclosingLoops, encloses, flatten, gapBetween, handleOf, sameHandle } from "./c-flow.js";
import type { FlatNode } from "./c-flow.js";
import { initsByName, linkCall, linksByName, managedAction, onFailureOf, ownershipComment } from "./hand-over.js";
import type { LinkCall, Owned } from "./hand-over.js";
import { callReaches } from "./patch-index.js";
import type { PatchIndex } from "./patch-index.js";
import { JobCache } from "../../src/job-cache.js";

/**
 * Which calls undo which acquisition, for the `unreleased` rule: a release
 * that names the object (by handle, by the variable holding the result, or
 * by the same key arguments), cleanup helpers the patch does not show, and
 * the shapes that hand the object over to an owner.
 */

export interface Acquisition {
  node: FlatNode;
  call: CCall;
  info: PairInfo;
  handle: string;
  /** The `if` right after the acquisition that tests its result, when there is one. */
  ownCheck: FlatNode | null;
  /** Release names of the function's other acquisitions: calling one of them undoes that object, not this one. */
  foreign: ReadonlySet<string>;
}

/** Calls not shown by the patch that may well undo an acquisition: stay silent when one takes the object. */
const CLEANUP_WORD =
  /(cleanup|clean_up|free|release|destroy|teardown|tear_down|unwind|undo|put|remove|deinit|uninit|unregister|deregister|delete|_del|fini|rollback|revert|unprepare|disable|unmap|unlock|close|drop)/i;

/** Arguments that name no object: literals and NULL. */
const LITERAL = /^(NULL|0|\d+|true|false|-?\d+|"[^"]*")$/;

/** True when a release's argument names the acquired object: its handle, or the variable that took the call's result (`map = bpf_map_get(fd)` is put as `bpf_map_put(map)`). */
function namesObject(acq: Acquisition, arg: string | undefined): boolean {
  const h = handleOf(arg);
  if (sameHandle(acq.handle, h)) return true;
  const result = acq.call.assignedTo ? handleOf(acq.call.assignedTo) : "";
  return result !== "" && h !== "" && sameHandle(result, h);
}

/**
 * True when the release names the object by the key the acquisition took,
 * not by the pointer it returned: `klp_shadow_free(obj, id, ...)` undoes
 * `sv = klp_shadow_alloc(obj, id, ...)`. The first two arguments must agree.
 */
function sameKeys(acquire: CCall, release: CCall): boolean {
  if (acquire.args.length < 2 || release.args.length < 2) return false;
  for (let i = 0; i < 2; i++) {
    const a = handleOf(acquire.args[i]);
    if (a === "" || a !== handleOf(release.args[i])) return false;
  }
  return !LITERAL.test(handleOf(acquire.args[0]));
}

/** True when `call` undoes the acquisition (directly, through a helper the patch shows, or by a cleanup-named call that takes the object). */
export function releases(index: PatchIndex, call: CCall, acq: Acquisition): boolean {
  if (callReaches(index, call, acq.info.release)) {
    // A flag pair's own name releases only with the release value (`..., 1, 0)`), never with the acquire value.
    if (acq.info.flag && call.name === acq.call.name && acquiresWith(acq.info, call.args)) return false;
    if (!acq.info.release.includes(call.name) || acq.info.handle === "none" || !acq.handle) return true;
    return call.args.some((a) => namesObject(acq, a)) || sameKeys(acq.call, call);
  }
  if (index.functions.has(call.name)) return false;
  // A release the pair tables know for another kind of object (`kfree()` after
  // kobject_init_and_add(), the unregister of an earlier step) undoes that object, not this one.
  if (acq.foreign.has(call.name) || isKnownRelease(call.name)) return false;
  if (!CLEANUP_WORD.test(call.name)) return false;
  const root = acq.handle.split(/->|\.|\[/)[0] ?? "";
  return !root || call.args.some((a) => new RegExp(`\\b${root.replace(/\W/g, "")}\\b`).test(a));
}

/**
 * True when `call` undoes something the function did earlier rather than
 * acquiring: its release partner runs before the first call of its name
 * (`preempt_disable(); ... preempt_enable();` in an error branch, or
 * `foo_disable(); ... foo_enable();` that restores a state).
 */
export function undoesEarlier(nodes: readonly FlatNode[], call: CCall, info: PairInfo): boolean {
  for (const n of nodes) {
    for (const c of n.stmt.calls) {
      if (c.name === call.name) return false;
      if (info.release.includes(c.name)) return true;
    }
  }
  return false;
}

/** localAggregates per flattened function: handedOver asks for every (acquisition, exit) pair. */
const aggregateCache = new JobCache<readonly FlatNode[], Set<string>>();

/** A struct or union declared by value: `struct foo bar`, `struct foo bars[2] = { ... }`. */
const LOCAL_STRUCT = /^(?:const\s+)?(?:struct|union)\s+\w+\s+(\w+)\s*(?:\[[^\]]*\])*\s*(?:=.*)?$/;
/** An array declared by value: `u8 buf[16]`. */
const LOCAL_ARRAY = /^(?:const\s+)?\w+\s+(\w+)\s*\[[^\]]*\]/;

/** Locals declared as plain structs or arrays (`struct i2c_msg msgs[2]`): storing into them hands nothing over. */
function localAggregates(nodes: readonly FlatNode[]): Set<string> {
  const hit = aggregateCache.get(nodes);
  if (hit) return hit;
  const out = new Set<string>();
  aggregateCache.set(nodes, out);
  for (const { stmt: s } of nodes) {
    if (s.kind !== "expr") continue;
    const m = LOCAL_STRUCT.exec(s.text) ?? LOCAL_ARRAY.exec(s.text);
    if (m?.[1]) out.add(m[1]);
  }
  return out;
}

/** What handedOver may read beyond the function: helpers the patch shows and the function's comments. */
export interface HandOverView {
  index: PatchIndex;
  fn: CFunction;
  /**
   * Flattened callees, for the function under review only: every (acquisition,
   * exit) pair may ask about the same helper, but keeping them past the review
   * would keep their parsed bodies alive as long as the patch.
   */
  callees: Map<CFunction, FlatNode[]> | null;
}

function ownedOf(acq: Acquisition): Owned {
  return { handle: acq.handle, result: acq.call.assignedTo ?? "", release: acq.info.release, foreign: acq.foreign };
}

/** True when `expr` is the handle or its address (`/^&?handle$/`). */
function isHandle(expr: string, handle: string): boolean {
  if (expr.length === handle.length) return expr === handle;
  return expr.length === handle.length + 1 && expr.charCodeAt(0) === 38 && expr.endsWith(handle); // "&"
}

/** The patterns a handle is looked for with, per handle: handles repeat across acquisitions and functions. */
interface HandlePatterns {
  /** The right-hand side of a store that is the object (`&obj`, `(void *)obj`). */
  rhs: RegExp;
  /** The object as a whole word of an argument. */
  word: RegExp;
}

const patternCache = new Map<string, HandlePatterns>();
/** Cleared when full, so a hostile stream of handles stays bounded. */
const PATTERN_CACHE_SIZE = 4096;

function patternsOf(handle: string): HandlePatterns {
  let p = patternCache.get(handle);
  if (!p) {
    const h = handle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    p = { rhs: new RegExp(`^\\s*(\\([\\w\\s*]*\\)\\s*)?&?\\s*${h}\\s*$`), word: new RegExp(`\\b${h}\\b`) };
    if (patternCache.size >= PATTERN_CACHE_SIZE) patternCache.clear();
    patternCache.set(handle, p);
  }
  return p;
}

/** Calls that link, publish, or give the object to a refcounted core object whose release frees it (kobject_put() then, not kfree()). */
const LINKS_OBJECT =
  /^(list_add\w*|hlist_add\w*|list_move\w*|\w+_set_drvdata|rcu_assign_pointer|xa_store|idr_replace|radix_tree_insert|kref_init|\w+_add_tail|kobject_init|kobject_init_and_add|device_initialize)$/;

/**
 * Where the first plain assignment of `text` is (`=` neither part of `==`,
 * `!=`, `<=`, `>=` nor followed by `=`), as `/[^=!<>]=[^=]/` would find it:
 * the index of the character before the `=`, or -1.
 */
function assignmentAt(text: string): number {
  for (let i = 0; i + 2 < text.length; i++) {
    if (text.charCodeAt(i + 1) !== 61 || text.charCodeAt(i + 2) === 61) continue;
    const c = text.charCodeAt(i);
    if (c !== 61 && c !== 33 && c !== 60 && c !== 62) return i;
  }
  return -1;
}

const NO_LOCALS: ReadonlySet<string> = new Set();

/** A call after the acquisition that hands the object over unless the exit lies on its failure branch. */
interface ExitDependent {
  at: number;
  call: CCall;
  /** Null for a plain managed action; for a link, the link. */
  link: LinkCall | null;
  /** For a link: whether the callee keeps the object or the name says it links, once asked. */
  keeps?: boolean;
}

/**
 * Whether the object is stored or handed over between the acquisition (at
 * `from`) and an exit: the caller owns it then. With a `view`, also a
 * managed action that releases it (`devm_add_action_or_reset()`; the plain
 * variant not on its own failure branch) and a call that links it into a
 * parent: a shown callee that links or stores it, or an unseen one whose
 * name says it links, or whatever its name when a comment between the call
 * and the exit says the parent owns it.
 *
 * An acquisition is asked about every exit after it, so the statements are
 * scanned once, forward, as far as the furthest exit asked about: a
 * hand-over that holds whatever the exit is remembered by where it happens,
 * one that depends on the exit (its failure branch, a comment up to it) is
 * kept and asked again of each exit.
 */
export class HandOver {
  /** Index of the last statement scanned. */
  private scanned: number;
  /** Index of the first hand-over that holds for every later exit (Infinity: none scanned yet). */
  private firstSure = Infinity;
  private readonly dependent: ExitDependent[] = [];
  private readonly never: boolean;
  /** Built when first needed: most statements neither store nor link anything. */
  private patterns: HandlePatterns | null = null;
  private readonly locals: ReadonlySet<string> = NO_LOCALS;
  private readonly owned: Owned;

  constructor(
    private readonly nodes: readonly FlatNode[],
    from: number,
    private readonly acq: Acquisition,
    private readonly view?: HandOverView,
    private readonly depth = 0,
  ) {
    this.scanned = from;
    this.never = acq.info.kind === "lock" || !acq.handle;
    this.owned = ownedOf(acq);
    if (this.never) return;
    this.locals = localAggregates(nodes);
  }

  /** True when the object is handed over between the acquisition and the statement at `to` (the exit). */
  by(to: number): boolean {
    if (this.never) return false;
    const last = Math.min(to, this.nodes.length - 1);
    while (this.scanned < last && this.firstSure === Infinity) this.scan(++this.scanned);
    if (this.firstSure <= to) return true;
    const exit = this.nodes[to];
    for (const d of this.dependent) {
      if (d.at > to) break;
      if (exit !== undefined && onFailureOf(this.nodes, d.at, d.call, exit)) continue;
      if (!d.link) return true;
      if (this.keeps(d, d.link)) return true;
      // Only an unseen callee's name or a comment up to the exit says so.
      const view = this.view as HandOverView;
      if (!view.index.functions.has(d.call.name) && ownershipComment(view.fn, d.call.line, exit?.stmt.line ?? d.call.line)) return true;
    }
    return false;
  }

  /** Whether the link's callee keeps the object (a shown one that stores it, an unseen one named for linking). */
  private keeps(d: ExitDependent, link: LinkCall): boolean {
    if (d.keeps === undefined) {
      const view = this.view as HandOverView;
      const callee = view.index.functions.get(d.call.name);
      d.keeps = callee ? this.depth < 2 && calleeKeeps(callee, link.objectArg, this.acq, view, this.depth) : linksByName(link);
    }
    return d.keeps;
  }

  private patternsOf(): HandlePatterns {
    return (this.patterns ??= patternsOf(this.acq.handle));
  }

  /** True when one of `args` names the object as a whole word. */
  private namedIn(args: readonly string[]): boolean {
    const word = this.patternsOf().word;
    for (const a of args) if (word.test(a)) return true;
    return false;
  }

  /** Notes what the statement at `i` hands over. */
  private scan(i: number): void {
    const s = (this.nodes[i] as FlatNode).stmt;
    if (s.kind === "expr") {
      const eq = assignmentAt(s.text);
      if (eq >= 0) {
        const lhs = s.text.slice(0, eq + 1).trim();
        const intoObject = lhs.startsWith("*") || lhs.includes("->") || lhs.includes(".") || lhs.includes("]");
        if (intoObject && this.patternsOf().rhs.test(s.text.slice(eq + 2)) && !this.locals.has(/^\*?\s*(\w+)/.exec(lhs)?.[1] ?? "")) {
          this.firstSure = i;
          return;
        }
      }
    }
    if (s.kind === "return" && isHandle(s.expr, this.acq.handle)) {
      this.firstSure = i;
      return;
    }
    for (const c of s.calls) {
      if (c === this.acq.call) continue;
      if (LINKS_OBJECT.test(c.name) && this.namedIn(c.args)) {
        this.firstSure = i;
        return;
      }
      if (!this.view) continue;
      const managed = managedAction(c, this.owned, this.view.index);
      if (managed === "reset") {
        this.firstSure = i;
        return;
      }
      if (managed === "plain") this.dependent.push({ at: i, call: c, link: null });
      else {
        const link = linkCall(c, this.owned, this.locals);
        if (link) this.dependent.push({ at: i, call: c, link });
      }
    }
  }
}

/** HandOver asked once: the object handed over between the statements at `from` and `to`. */
export function handedOver(nodes: readonly FlatNode[], from: number, to: number, acq: Acquisition, view?: HandOverView, depth = 0): boolean {
  return new HandOver(nodes, from, acq, view, depth).by(to);
}

/** True when a function the patch shows stores or links its parameter at `arg`: the object stays with that owner. */
function calleeKeeps(callee: CFunction, arg: number, acq: Acquisition, view: HandOverView, depth: number): boolean {
  const param = callee.params[arg];
  if (!param) return false;
  // Made on first use: few functions hand an object to a helper the patch shows.
  const callees = (view.callees ??= new Map<CFunction, FlatNode[]>());
  let nodes = callees.get(callee);
  if (!nodes) callees.set(callee, (nodes = flatten(callee)));
  const inner: Acquisition = { ...acq, handle: param, call: { name: "", args: [], line: callee.startLine, assignedTo: null } };
  return handedOver(nodes, -1, nodes.length - 1, inner, { index: view.index, fn: callee, callees }, depth + 1);
}

/**
 * The unseen call between the two nodes whose name says it initialises the
 * object, given a parent after it (`foo_init(obj, parent)`): it may link the
 * object there, so a leak on a later exit is worded with that doubt.
 */
export function maybeLinked(nodes: readonly FlatNode[], from: number, to: number, acq: Acquisition, index: PatchIndex): LinkCall | null {
  if (acq.info.kind === "lock" || !acq.handle) return null;
  const locals = localAggregates(nodes);
  for (let i = from + 1; i <= to && i < nodes.length; i++) {
    for (const c of (nodes[i] as FlatNode).stmt.calls) {
      if (c === acq.call || index.functions.has(c.name)) continue;
      const link = linkCall(c, ownedOf(acq), locals);
      if (link && initsByName(link)) return link;
    }
  }
  return null;
}

/** The statements under `label` up to its return, or null when they run out of view or jump on. */
function labelNodes(fn: CFunction, nodes: readonly FlatNode[], label: string): FlatNode[] | null {
  const at = nodes.find((n) => n.stmt.kind === "label" && n.stmt.name === label);
  if (!at) return null;
  const out: FlatNode[] = [];
  const depth = at.path.length;
  for (let i = at.index + 1; i < nodes.length; i++) {
    const n = nodes[i] as FlatNode;
    if (n.path.length < depth) return null;
    out.push(n);
    if (n.path.length === depth && n.stmt.kind === "return") return gapBetween(fn, at.stmt.line, n.stmt.line) ? null : out;
    if (n.path.length === depth && n.stmt.kind === "goto") return null;
  }
  return null;
}

/**
 * For an acquisition per loop item (`register(&hooks[i].nb)`), true when the
 * error exit's cleanup releases only the current item (`unregister(&hooks[i].nb)`
 * once, outside any loop) and never walks back over the earlier ones.
 */
export function releasesOnlyCurrent(fn: CFunction, nodes: readonly FlatNode[], index: PatchIndex, acq: Acquisition, loop: FlatNode, exit: FlatNode): boolean {
  const sub = /\[\s*([A-Za-z_]\w*)\s*\]/.exec(acq.handle)?.[1];
  if (!sub || loop.stmt.kind !== "loop" || !new RegExp(`\\b${sub}\\b`).test(loop.stmt.header)) return false;
  const path: FlatNode[] = [];
  for (let i = loop.index + 1; i < exit.index; i++) {
    const n = nodes[i] as FlatNode;
    if (!blocked(n, exit)) path.push(n);
  }
  if (exit.stmt.kind === "goto") {
    const under = labelNodes(fn, nodes, exit.stmt.label);
    if (!under) return false;
    path.push(...under);
  }
  let found = false;
  for (const n of path) {
    for (const c of n.stmt.calls) {
      if (c === acq.call || !releases(index, c, acq)) continue;
      // Inside a loop of its own (`while (--i >= 0)`), or naming no single item: it walks back.
      const ownLoops = enclosingLoops(n).filter((l) => !encloses({ stmt: l, path: [], index: -1 }, acq.node));
      if (ownLoops.length > 0) return false;
      if (!c.args.some((a) => handleOf(a).includes(`[${sub}]`))) return false;
      found = true;
    }
  }
  return found;
}
