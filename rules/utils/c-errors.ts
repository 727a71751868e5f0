import type { CCall, CFunction, CStmt } from "../../src/parse/c/types.js";
import { guardingIfs } from "./c-flow.js";
import type { FlatNode } from "./c-flow.js";

/**
 * What kernel error handling looks like in text: failed checks, errno
 * returns, error-level log calls, words that say "this is optional".
 */

/** Variables that conventionally hold an error code. */
export const ERR_VAR = /^(ret|err|rc|error|retval|status|res|rv|r|result|ret_val|rval)$/;

/** Error-level log calls (pr_err, dev_err, netdev_warn, WARN...). */
export const ERROR_LOG =
  /^(pr_err|pr_crit|pr_alert|pr_emerg|pr_warn|pr_warning|pr_err_ratelimited|pr_warn_ratelimited|pr_err_once|pr_warn_once|printk|\w+_err|\w+_err_ratelimited|\w+_err_once|\w+_warn|\w+_warn_ratelimited|\w+_warn_once|\w+_crit|\w+_alert|\w+_emerg)$/;

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

/** Strips `unlikely(...)`/`likely(...)` and outer parentheses from a condition. */
export function bareCond(cond: string): string {
  let c = cond.replace(/\s+/g, " ").trim();
  for (let i = 0; i < 4; i++) {
    const m = /^!?\s*(unlikely|likely)\s*\((.*)\)$/.exec(c);
    if (!m) break;
    c = (c.startsWith("!") ? "!" : "") + (m[2] ?? "").trim();
  }
  while (c.startsWith("(") && c.endsWith(")") && balanced(c.slice(1, -1))) c = c.slice(1, -1).trim();
  return c;
}

function balanced(s: string): boolean {
  let d = 0;
  for (const ch of s) {
    if (ch === "(") d++;
    else if (ch === ")" && --d < 0) return false;
  }
  return d === 0;
}

const LVALUE = String.raw`[A-Za-z_][\w]*(?:(?:->|\.)[A-Za-z_]\w*|\[[^\]]*\])*`;

/** The variable a failure check tests (`ret` in `ret < 0`, `p` in `!p`, `x` in `IS_ERR(x)`), or null. */
export function failureSubject(cond: string): string | null {
  const c = bareCond(cond);
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^(${LVALUE})$`).exec(c)) && ERR_VAR.test(m[1] ?? "")) return m[1] ?? null;
  if ((m = new RegExp(`^(${LVALUE})\\s*(<\\s*0|!=\\s*0)$`).exec(c))) return m[1] ?? null;
  if ((m = new RegExp(`^!\\s*(${LVALUE})$`).exec(c))) return m[1] ?? null;
  if ((m = new RegExp(`^(${LVALUE})\\s*==\\s*NULL$`).exec(c))) return m[1] ?? null;
  if ((m = new RegExp(`^(?:IS_ERR|IS_ERR_OR_NULL)\\s*\\(\\s*(${LVALUE})\\s*\\)$`).exec(c))) return m[1] ?? null;
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
  const out: CCall[] = [...s.calls];
  const visit = (x: CStmt): void => {
    switch (x.kind) {
      case "block":
        x.body.forEach((c) => {
          out.push(...c.calls);
          visit(c);
        });
        break;
      case "if":
        out.push(...x.then.calls);
        visit(x.then);
        if (x.else) {
          out.push(...x.else.calls);
          visit(x.else);
        }
        break;
      case "loop":
      case "switch":
      case "macro":
        out.push(...x.body.calls);
        visit(x.body);
        break;
      default:
        break;
    }
  };
  visit(s);
  return out;
}

/** True when the statement (an if's then-branch, say) logs at error level. */
export function logsError(s: CStmt): CCall | null {
  return callsDeep(s).find(isErrorLog) ?? null;
}

/** True for functions whose int result is an errno (not a count, a bool, a pointer, an index). */
export function returnsErrno(fn: CFunction): boolean {
  const t = fn.returnType
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
  // Kernel modules built for selftests (`test_modules/`, `bpf_testmod/`) are kernel code.
  if (/^tools\/testing\/selftests\/.*\/(test_modules|\w*_testmod)\/[^/]+\.[ch]$/.test(path)) return false;
  return (
    /^(tools|scripts|usr|Documentation)\//.test(path) ||
    /(^|\/)selftests\//.test(path) ||
    /^samples\/.*\/(user|.*_user\.c)/.test(path) ||
    path.endsWith("_user.c")
  );
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
