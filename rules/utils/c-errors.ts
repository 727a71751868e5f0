import type { CCall, CFunction, CStmt } from "../../src/parse/c/types.js";
import { guardingIfs } from "./c-flow.js";
import type { FlatNode } from "./c-flow.js";
import { isSpace } from "./words-tokens.js";

/**
 * What kernel error handling looks like in text: failed checks, errno
 * returns, error-level log calls, words that say "this is optional".
 */

/** Variables that conventionally hold an error code. */
export const ERR_VAR = /^(ret|err|rc|error|retval|status|res|rv|r|result|ret_val|rval)$/;

/** Error-level log calls (pr_err, dev_err, netdev_warn, WARN...). */
export const ERROR_LOG =
  /^(pr_err|pr_crit|pr_alert|pr_emerg|pr_warn|pr_warning|pr_err_ratelimited|pr_warn_ratelimited|pr_err_once|pr_warn_once|printk|\w+_err|\w+_err_ratelimited|\w+_err_once|\w+_warn|\w+_warn_ratelimited|\w+_warn_once|\w+_crit|\w+_alert|\w+_emerg)$/;

/**
 * True when a line may hold an error-level log call: every name ERROR_LOG
 * accepts (and printk) holds one of these parts. A look at the text before a
 * body is parsed.
 */
export function mayHoldErrorLog(text: string): boolean {
  return ERROR_LOG_PART.test(text);
}

const ERROR_LOG_PART = /_err|_warn|_crit|_alert|_emerg|printk/;

/** Warnings proper: calls that already make a bug visible. */
export const WARN_CALL =
  /^(WARN|WARN_ON|WARN_ON_ONCE|WARN_ONCE|BUG|BUG_ON|WARN_TAINT|WARN_TAINT_ONCE|VM_WARN_ON|VM_WARN_ON_ONCE|VM_BUG_ON|lockdep_assert\w*|dump_stack|KUNIT_\w+)$/;

/** Words in a message or comment that say the path is deliberately not an error. */
export const OPTIONAL_WORDS =
  /\b(optional|not supported|unsupported|ignor\w*|continu\w*|skip\w*|deprecated|non-?fatal|fall(ing)? ?back|disabled|using default|defaulting|not available|unavailable|best[- ]effort|harmless|nothing to do|not an error|no longer|obsolete|legacy|not needed|anyway|proceed\w*)\b/i;

/** `printk(KERN_ERR ...)` counts as an error log only with an error level. */
export function isErrorLog(call: CCall): boolean {
  if (call.name === "printk") return /KERN_(ERR|WARNING|CRIT|ALERT|EMERG)/.test(call.args[0] ?? "");
  if (/_(dbg|info|notice|debug)$/.test(call.name)) return false;
  return ERROR_LOG.test(call.name);
}

/** True for `-EINVAL`, `-ENOMEM`, `ERR_PTR(...)`, `PTR_ERR(...)`, `-1`. */
export function isErrnoExpr(expr: string): boolean {
  const e = expr.replace(/\s+/g, "");
  return (
    /^\(?-E[A-Z0-9]+\)?$/.test(e) ||
    e.startsWith("ERR_PTR(") ||
    e.startsWith("PTR_ERR(") ||
    e.startsWith("ERR_CAST(") ||
    e === "-1" ||
    e.startsWith("dev_err_probe(")
  );
}

/** Whitespace other than a lone space: the conditions that need folding (most arrive folded already). */
const UNFOLDED = /[^\S ]| {2}/;

/** The last condition asked and its answer. */
let lastCond = "";
let lastBare = "";

/** Strips `unlikely(...)`/`likely(...)` and outer parentheses from a condition. */
export function bareCond(cond: string): string {
  // Rules ask this of one condition several times in a row (errcode asks three helpers about each `if`).
  if (cond === lastCond) return lastBare;
  let c = (UNFOLDED.test(cond) ? cond.replace(/\s+/g, " ") : cond).trim();
  for (let i = 0; i < 4 && c.includes("likely"); i++) {
    const m = /^!?\s*(unlikely|likely)\s*\((.*)\)$/.exec(c);
    if (!m) break;
    c = (c.startsWith("!") ? "!" : "") + (m[2] ?? "").trim();
  }
  while (c.startsWith("(") && c.endsWith(")") && balanced(c, 1, c.length - 1)) c = c.slice(1, -1).trim();
  lastCond = cond;
  lastBare = c;
  return c;
}

/** True when the parentheses of `s` between `from` and `to` (exclusive) balance. */
function balanced(s: string, from: number, to: number): boolean {
  let d = 0;
  for (let i = from; i < to; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 40) d++;
    else if (ch === 41 && --d < 0) return false;
  }
  return d === 0;
}

const LVALUE = String.raw`[A-Za-z_][\w]*(?:(?:->|\.)[A-Za-z_]\w*|\[[^\]]*\])*`;

const SUBJECT_ALONE = new RegExp(`^(${LVALUE})$`);
const SUBJECT_NONZERO = new RegExp(`^(${LVALUE})\\s*(<\\s*0|!=\\s*0)$`);
const SUBJECT_NOT = new RegExp(`^!\\s*(${LVALUE})$`);
const SUBJECT_NULL = new RegExp(`^(${LVALUE})\\s*==\\s*NULL$`);
const SUBJECT_IS_ERR = new RegExp(`^(?:IS_ERR|IS_ERR_OR_NULL)\\s*\\(\\s*(${LVALUE})\\s*\\)$`);

/** The variable a failure check tests (`ret` in `ret < 0`, `p` in `!p`, `x` in `IS_ERR(x)`), or null. */
export function failureSubject(cond: string): string | null {
  const c = bareCond(cond);
  let m: RegExpExecArray | null;
  if ((m = SUBJECT_ALONE.exec(c)) && ERR_VAR.test(m[1] ?? "")) return m[1] ?? null;
  if ((m = SUBJECT_NONZERO.exec(c))) return m[1] ?? null;
  if ((m = SUBJECT_NOT.exec(c))) return m[1] ?? null;
  if ((m = SUBJECT_NULL.exec(c))) return m[1] ?? null;
  if ((m = SUBJECT_IS_ERR.exec(c))) return m[1] ?? null;
  return null;
}

/** True when the condition reads as "the previous step failed". */
export function isFailureCond(cond: string): boolean {
  const c = bareCond(cond);
  if (failureSubject(c) !== null) return true;
  if (/^(WARN_ON|WARN_ON_ONCE|WARN|WARN_ONCE)\s*\(/.test(c)) return true;
  // A call tested directly: `if (foo_register(x))`, `if (foo() < 0)`, `if (!kzalloc(...))`.
  if (/^!?\s*\w+\s*\(.*\)\s*(<\s*0)?$/.test(c) && !/^!?\s*(is_|has_|can_|should_|test_|check_|list_empty|\w+_is_|\w+_has_|\w+_enabled|\w+_supported)/.test(c))
    return true;
  return false;
}

/** The statement list an `if` branch holds. */
export function branchStatements(s: CStmt): CStmt[] {
  return s.kind === "block" ? s.body : [s];
}

/** All calls in a statement and its children. */
export function callsDeep(s: CStmt): CCall[] {
  const out: CCall[] = [];
  pushAll(out, s.calls);
  collectCalls(out, s);
  return out;
}

/** Appends the calls of everything under `x` (not its own), parents before children. */
function collectCalls(out: CCall[], x: CStmt): void {
  switch (x.kind) {
    case "block":
      for (const c of x.body) {
        pushAll(out, c.calls);
        collectCalls(out, c);
      }
      break;
    case "if":
      pushAll(out, x.then.calls);
      collectCalls(out, x.then);
      if (x.else) {
        pushAll(out, x.else.calls);
        collectCalls(out, x.else);
      }
      break;
    case "loop":
    case "switch":
    case "macro":
      pushAll(out, x.body.calls);
      collectCalls(out, x.body);
      break;
    default:
      break;
  }
}

function pushAll(out: CCall[], calls: readonly CCall[]): void {
  for (const c of calls) out.push(c);
}

/** True when the statement (an if's then-branch, say) logs at error level. */
export function logsError(s: CStmt): CCall | null {
  return callsDeep(s).find(isErrorLog) ?? null;
}

/** True for functions whose int result is an errno (not a count, a bool, a pointer, an index). */
export function returnsErrno(fn: CFunction): boolean {
  // A patch shows a few dozen return types over and over (`static int`, `void`): each is read once.
  let known = errnoTypes.get(fn.returnType);
  if (known === undefined) {
    known = errnoType(fn.returnType);
    if (errnoTypes.size >= MAX_KNOWN_TYPES) errnoTypes.clear();
    errnoTypes.set(fn.returnType, known);
  }
  return known;
}

/** Return types already read by returnsErrno; cleared when full, so odd input cannot grow it without bound. */
const errnoTypes = new Map<string, boolean>();
const MAX_KNOWN_TYPES = 1024;

function errnoType(returnType: string): boolean {
  const t = returnType
    .replace(
      /\b(static|inline|__always_inline|noinline|extern|__init|__exit|__cold|__must_check|notrace|asmlinkage|__weak|__maybe_unused|__ref|__sched)\b/g,
      " ",
    )
    .trim();
  return /^(int|long|ssize_t|s32|s64|int32_t|errno_t)$/.test(t.replace(/\s+/g, " "));
}

/** True when the function returns a pointer. */
export function returnsPointer(fn: CFunction): boolean {
  return fn.returnType.includes("*");
}

/** True when code lives outside the kernel proper (userspace tools, selftests, scripts). */
export function isUserspacePath(path: string): boolean {
  // Asked once per function, and a file's functions come one after another.
  if (path !== lastPath) {
    lastPath = path;
    lastUserspace = userspacePath(path);
  }
  return lastUserspace;
}

let lastPath = "";
let lastUserspace = false;

function userspacePath(path: string): boolean {
  // Kernel modules built for selftests (`test_modules/`, `bpf_testmod/`) are kernel code.
  if (/^tools\/testing\/selftests\/.*\/(test_modules|\w*_testmod)\/[^/]+\.[ch]$/.test(path)) return false;
  return (
    /^(tools|scripts|usr|Documentation)\//.test(path) ||
    /(^|\/)selftests\//.test(path) ||
    /^samples\/.*\/(user|.*_user\.c)/.test(path) ||
    path.endsWith("_user.c")
  );
}

/** True when every statement of a branch is a log call at error level (`if (ret) pr_err(...);`). */
export function onlyLogs(list: readonly CStmt[]): boolean {
  return list.every((x) => x.kind === "expr" && x.calls[0] !== undefined && isErrorLog(x.calls[0]));
}

/**
 * True when `text` with its whitespace (`\s`) removed equals `want`, which
 * holds none: `return - 1` is `-1`. Compares in place, where
 * `text.replace(/\s/g, "") === want` would build a string per statement.
 */
export function compactEquals(text: string, want: string): boolean {
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (isSpace(ch)) continue;
    if (k >= want.length || ch !== want.charCodeAt(k)) return false;
    k++;
  }
  return k === want.length;
}

/** Comments inside the lines [from, to] of a function, joined. */
export function commentsBetween(fn: CFunction, from: number, to: number): string {
  return fn.comments
    .filter((c) => c.line >= from && c.line <= to)
    .map((c) => c.text)
    .join(" ");
}

/** The condition guarding `node` directly (innermost then-branch), or null. */
export function guardOf(node: FlatNode): CStmt | null {
  return guardingIfs(node)[0] ?? null;
}
