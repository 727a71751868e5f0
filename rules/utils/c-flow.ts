import type { CCall, CFunction, CStmt, LabelStmt } from "../../src/parse/c/types.js";
import { JobCache } from "../../src/job-cache.js";

/**
 * Control-flow helpers over the structure the C pass builds: statements in
 * source order with their enclosing chain, which statements can follow each
 * other, what runs under a goto label. Structured C (plus forward gotos, the
 * kernel's error-handling idiom: Documentation/process/coding-style.rst,
 * "Centralized exiting of functions") is all the rules need.
 */

/** One step of a statement's position: the enclosing statement and which child holds it. */
export interface Step {
  parent: CStmt;
  child: number;
}

export interface FlatNode {
  stmt: CStmt;
  /** Enclosing statements, outermost first. */
  path: Step[];
  /** Position in source order. */
  index: number;
}

/**
 * Every statement of the function, depth first, in source order. The engine
 * runs every rule on one function before the next, and several rules flatten
 * it, so the last answer is kept (one function's worth, not memoised beyond:
 * keeping every function's nodes until its body goes cost more in
 * old-generation collections than flattening again saves). Callers only read
 * the nodes.
 */
export function flatten(fn: CFunction): FlatNode[] {
  const body = fn.body;
  if (body === lastBody && lastNodes) return lastNodes;
  const out: FlatNode[] = [];
  // Top-level statements hang off a virtual block holding the body, so siblings compare like any others.
  const root: CStmt = { kind: "block", id: -1, line: fn.startLine, endLine: fn.endLine, calls: NO_CALLS, body };
  for (let i = 0; i < body.length; i++) visit(out, body[i] as CStmt, [{ parent: root, child: i }]);
  lastBody = body;
  lastNodes = out;
  return out;
}

/** The root's calls: none, shared, read-only by type (not frozen: see NO_CALLS in structure.ts). */
const NO_CALLS: readonly CCall[] = [];

/** The body flatten last walked, and its nodes (the root's line span comes from the function that owns the body). */
let lastBody: readonly CStmt[] | null = null;
let lastNodes: FlatNode[] | null = null;

/** Appends `s` and everything under it; each child's path is its parent's plus one step. */
function visit(out: FlatNode[], s: CStmt, path: Step[]): void {
  out.push({ stmt: s, path, index: out.length });
  switch (s.kind) {
    case "block":
      for (let i = 0; i < s.body.length; i++) visit(out, s.body[i] as CStmt, extend(path, s, i));
      return;
    case "if":
      visit(out, s.then, extend(path, s, 0));
      if (s.else) visit(out, s.else, extend(path, s, 1));
      return;
    case "loop":
    case "switch":
    case "macro":
      visit(out, s.body, extend(path, s, 0));
      return;
    default:
      return;
  }
}

/** `path` plus one step, allocated at its final size (a copy then a push would grow it, leaving garbage). */
function extend(path: readonly Step[], parent: CStmt, child: number): Step[] {
  const n = path.length;
  const next = new Array<Step>(n + 1);
  for (let i = 0; i < n; i++) next[i] = path[i] as Step;
  next[n] = { parent, child };
  return next;
}

/** True when `a` and `b` lie in different branches of one `if` (or different arms of a switch). */
export function exclusive(a: FlatNode, b: FlatNode): boolean {
  const n = Math.min(a.path.length, b.path.length);
  for (let i = 0; i < n; i++) {
    const sa = a.path[i] as Step;
    const sb = b.path[i] as Step;
    if (sa.parent !== sb.parent) return false;
    if (sa.child !== sb.child) return sa.parent.kind === "if";
  }
  return false;
}

/** True when `inner` lies inside `outer` (outer encloses it). */
export function encloses(outer: FlatNode, inner: FlatNode): boolean {
  return inner.path.some((s) => s.parent === outer.stmt);
}

function isJumpOut(s: CStmt): boolean {
  return s.kind === "return" || s.kind === "goto";
}

/**
 * Per block, two tables in one array (allocated once, on the first
 * question about the block): at [k] the index of the first `break` at or
 * after child k (body.length when none), and at [n + 1 + k] the running
 * count of return/goto children before k, so "is there a jump between
 * these siblings" is one subtraction. Rules ask both for many pairs of
 * statements, and a sibling scan each time made long functions quadratic
 * (or worse) in their length.
 */
const blockTables = new JobCache<CStmt, Int32Array>();

function tablesOf(block: CStmt & { kind: "block" }): Int32Array {
  let t = blockTables.get(block);
  if (!t) {
    const body = block.body;
    const n = body.length;
    t = new Int32Array(2 * (n + 1));
    t[n] = n;
    for (let k = n - 1; k >= 0; k--) t[k] = body[k]?.kind === "break" ? k : (t[k + 1] as number);
    for (let k = 0; k < n; k++) t[n + 2 + k] = (t[n + 1 + k] as number) + (isJumpOut(body[k] as CStmt) ? 1 : 0);
    blockTables.set(block, t);
  }
  return t;
}

function nextBreak(block: CStmt & { kind: "block" }, from: number): number {
  return tablesOf(block)[Math.max(0, Math.min(from, block.body.length))] ?? block.body.length;
}

/**
 * True when a child of `block` at index lo..hi-1 is a return or goto that
 * runs: a `break` before it leaves the block first (a switch case's
 * `break;` means a later case's `return` is not on this path).
 */
function jumpsIn(block: CStmt & { kind: "block" }, lo: number, hi: number): boolean {
  hi = Math.min(hi, nextBreak(block, lo));
  if (hi <= lo) return false;
  const t = tablesOf(block);
  const counts = block.body.length + 1;
  return (t[counts + Math.min(hi, block.body.length)] ?? 0) - (t[counts + Math.max(0, lo)] ?? 0) > 0;
}

/**
 * True when control cannot flow from `a` to the later `b`: they are in
 * exclusive branches, a block that holds `a` (but not `b`) ends in an
 * unconditional return/goto after `a` (before any `break`), or a `break`
 * lies between them in the block holding both (switch cases).
 */
export function blocked(a: FlatNode, b: FlatNode): boolean {
  if (exclusive(a, b)) return true;
  for (let i = a.path.length - 1; i >= 0; i--) {
    const step = a.path[i] as Step;
    if (b.path[i]?.parent === step.parent && b.path[i]?.child !== undefined) {
      // Common ancestor reached: only siblings between a and b matter.
      if (step.parent.kind === "block") {
        const lo = step.child;
        const hi = b.path[i]?.child ?? lo;
        // A `break` between them leaves first (a switch case never runs into the next case's code).
        if (jumpsIn(step.parent, lo + 1, hi) || nextBreak(step.parent, lo + 1) < hi) return true;
      }
      return false;
    }
    if (step.parent.kind === "block" && jumpsIn(step.parent, step.child + 1, step.parent.body.length)) return true;
  }
  return false;
}

/**
 * True when a `break` that runs after `a` leaves a loop or switch that also
 * holds `b`: `if (bad) { ret = -ERANGE; break; }` never reaches a later
 * `goto out` in the same loop, whatever it set (a sibling branch's code does
 * not travel to this exit). Only breaks on `a`'s own path count: a block
 * holding `a` that has a `break` after it.
 */
export function breaksAway(a: FlatNode, b: FlatNode): boolean {
  for (let i = a.path.length - 1; i >= 0; i--) {
    const step = a.path[i] as Step;
    const shared = b.path[i]?.parent === step.parent;
    if (step.parent.kind === "block") {
      const end = shared ? (b.path[i]?.child ?? step.child) : step.parent.body.length;
      if (step.parent.body.slice(step.child + 1, end).some((s) => s.kind === "break")) {
        // The break's target is the innermost loop or switch above this block.
        for (let k = i - 1; k >= 0; k--) {
          const t = (a.path[k] as Step).parent;
          if (t.kind !== "loop" && t.kind !== "switch") continue;
          if (b.path.some((s) => s.parent === t)) return true;
          break;
        }
      }
    }
    if (shared) return false;
  }
  return false;
}

/** The `if` statements whose then-branch holds `node`, innermost first. */
export function guardingIfs(node: FlatNode): CStmt[] {
  const out: CStmt[] = [];
  for (let i = node.path.length - 1; i >= 0; i--) {
    const s = node.path[i] as Step;
    if (s.parent.kind === "if" && s.child === 0) out.push(s.parent);
    if (s.parent.kind === "loop") break;
  }
  return out;
}

/** The loops enclosing `node`, innermost first. */
export function enclosingLoops(node: FlatNode): CStmt[] {
  return node.path
    .filter((s) => s.parent.kind === "loop")
    .map((s) => s.parent)
    .reverse();
}

const gapCache = new JobCache<CFunction, readonly number[]>();

/** New-side line numbers right after an unseen gap (joined hunks); computed once per function. */
export function gapLines(fn: CFunction): readonly number[] {
  const hit = gapCache.get(fn);
  if (hit) return hit;
  const out: number[] = [];
  for (let i = 1; i < fn.lines.length; i++) {
    const prev = fn.lines[i - 1]?.newLine ?? 0;
    const cur = fn.lines[i]?.newLine ?? 0;
    if (cur !== prev + 1) out.push(cur);
  }
  gapCache.set(fn, out);
  return out;
}

/** True when an unseen gap lies between the two lines. */
export function gapBetween(fn: CFunction, from: number, to: number): boolean {
  return gapLines(fn).some((g) => g > from && g <= to);
}

export interface LabelCode {
  /** Calls that run from the label on, through later labels, up to the first return. */
  calls: CCall[];
  /** False when the code runs out of the visible lines before returning. */
  known: boolean;
  /** The return statement reached, if any. */
  ret: CStmt | null;
  label: LabelStmt;
}

/** Answers of labelCode per flattened function and label: rules ask once per (acquisition, exit) pair. */
const labelCache = new JobCache<readonly FlatNode[], Map<string, LabelCode | null>>();

/** What runs after `goto name`: the code under the label and the labels it falls into. */
export function labelCode(fn: CFunction, nodes: readonly FlatNode[], name: string, seen?: Set<string>): LabelCode | null {
  if (seen) return labelCodeFrom(fn, nodes, name, seen);
  let byName = labelCache.get(nodes);
  if (!byName) labelCache.set(nodes, (byName = new Map<string, LabelCode | null>()));
  if (byName.has(name)) return byName.get(name) ?? null;
  const code = labelCodeFrom(fn, nodes, name, new Set());
  byName.set(name, code);
  return code;
}

function labelCodeFrom(fn: CFunction, nodes: readonly FlatNode[], name: string, seen: Set<string>): LabelCode | null {
  seen.add(name);
  const at = nodes.find((n) => n.stmt.kind === "label" && n.stmt.name === name);
  if (at?.stmt.kind !== "label") return null;
  const calls: CCall[] = [];
  const depth = at.path.length;
  for (let i = at.index + 1; i < nodes.length; i++) {
    const n = nodes[i] as FlatNode;
    if (n.path.length < depth) break;
    calls.push(...n.stmt.calls);
    if (n.path.length === depth && n.stmt.kind === "return") {
      return { calls, known: !gapBetween(fn, at.stmt.line, n.stmt.line), ret: n.stmt, label: at.stmt };
    }
    if (n.path.length === depth && n.stmt.kind === "goto") {
      const next = seen.has(n.stmt.label) ? null : labelCodeFrom(fn, nodes, n.stmt.label, seen);
      if (!next) return { calls, known: false, ret: null, label: at.stmt };
      return { calls: [...calls, ...next.calls], known: next.known, ret: next.ret, label: at.stmt };
    }
  }
  const lastLine = fn.lines[fn.lines.length - 1]?.newLine ?? at.stmt.line;
  return { calls, known: depth === 1 && fn.hasEnd && !gapBetween(fn, at.stmt.line, lastLine), ret: null, label: at.stmt };
}

/** Normalises an argument for comparing handles: `&obj->hook` and `obj->hook` are one object. */
export function handleOf(arg: string | undefined): string {
  if (!arg) return "";
  let h = handles.get(arg);
  if (h === undefined) {
    h = arg
      .replace(/\s+/g, "")
      .replace(/^\(\w[\w\s*]*\*\)/, "")
      .replace(/^[&*]+/, "")
      .replace(/^\((.*)\)$/, "$1");
    // Rules normalise the same few arguments for every (acquisition, exit) pair; a
    // bounded memo keeps that cheap without growing over a long run.
    if (handles.size >= 4096) handles.clear();
    handles.set(arg, h);
  }
  return h;
}

const handles = new Map<string, string>();

/** True when two handles name the same object as far as text can tell. */
export function sameHandle(a: string, b: string): boolean {
  if (!a || !b) return true;
  if (a === b) return true;
  const last = (s: string): string => s.split(/->|\./).pop() ?? s;
  return a.includes("->") || b.includes("->") || a.includes(".") || b.includes(".") ? last(a) === last(b) : false;
}
