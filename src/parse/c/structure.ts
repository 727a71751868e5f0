import { ID, PUNCT, tokensText } from "./tokenizer.js";
import type { Tokens } from "./tokenizer.js";
import type { CCall, CStmt } from "./types.js";

/**
 * The structure pass: turns the code tokens of a function body into
 * statements (blocks, if/else, loops incl. the kernel's iterator macros,
 * switch, labels, goto, return, expression statements). It is tolerant by
 * design, because a hunk may show a body from its middle: a stray `}` closes
 * nothing and is skipped, an unclosed bracket runs to the end. Bracket pairs
 * are matched once up front, so the whole pass is linear; nesting deeper than
 * MAX_DEPTH is kept as one opaque statement instead of recursing.
 */

const MAX_DEPTH = 64;

const NOT_CALLS = new Set([
  "if",
  "for",
  "while",
  "switch",
  "return",
  "sizeof",
  "typeof",
  "__typeof__",
  "_Alignof",
  "alignof",
  "defined",
  "__builtin_expect",
  "do",
  "else",
  "case",
  "goto",
]);

const STMT_KEYWORDS = new Set(["if", "for", "while", "return", "goto", "switch", "break", "continue", "do", "else"]);

/** `list_for_each_entry(pos, head, member) { ... }` and friends are loops. */
export const LOOP_MACRO = /(^|_)for_each(_|$)|foreach|_for_each_/;

/**
 * Scratch arrays for matchBrackets, grown to the largest body once: a typed
 * array lives outside the JavaScript heap, and allocating two per parsed
 * body cost more than the matching itself. Parses never nest, so one pair
 * serves them all.
 */
let matchScratch = new Int32Array(1024);
let stackScratch = new Int32Array(1024);

/** For each bracket token, the index of its partner; -1 when it has none. A view of the scratch array: valid until the next call. */
function matchBrackets(tokens: Tokens): Int32Array {
  const n = tokens.length;
  if (matchScratch.length < n) {
    matchScratch = new Int32Array(Math.max(n, matchScratch.length * 2));
    stackScratch = new Int32Array(matchScratch.length);
  }
  const match = matchScratch.fill(-1, 0, n);
  const stack = stackScratch;
  let top = 0;
  // Open brackets of each kind on the stack, by character code: `(` 40, `[` 91, `{` 123.
  let parens = 0;
  let squares = 0;
  let braces = 0;
  for (let i = 0; i < n; i++) {
    const s = tokens.text[i] as string;
    if (tokens.kind[i] !== PUNCT || s.length !== 1) continue;
    const c = s.charCodeAt(0);
    if (c === 40 || c === 91 || c === 123) {
      stack[top++] = i;
      if (c === 40) parens++;
      else if (c === 91) squares++;
      else braces++;
      continue;
    }
    const want = c === 41 ? 40 : c === 93 ? 91 : c === 125 ? 123 : 0;
    if (want === 0 || (want === 40 ? parens : want === 91 ? squares : braces) === 0) continue;
    // Pop unmatched openers of other kinds: each index leaves the stack once.
    while (top > 0) {
      const open = stack[--top] as number;
      const oc = (tokens.text[open] as string).charCodeAt(0);
      if (oc === 40) parens--;
      else if (oc === 91) squares--;
      else braces--;
      if (oc === want) {
        match[open] = i;
        match[i] = open;
        break;
      }
    }
  }
  return match.subarray(0, n);
}

/** Parses a token list into statements. */
export function parseStatements(tokens: Tokens): CStmt[] {
  return new Parser(tokens).parseAll();
}

/**
 * Shared by every statement without calls; `calls` is read-only by type, so
 * no reader can add to it. Not frozen: V8 walks a frozen array in a
 * `for...of` through its generic iterator (an object per step), which cost
 * 14 MB of allocation per 10 MB of mbox in the rules' loops over calls.
 */
const NO_CALLS: readonly CCall[] = [];

/** The statements of the lists being parsed, innermost list on top (see parseList); parses never nest. */
const stmtStack: CStmt[] = [];
let stackTop = 0;
/** What a free slot of stmtStack holds. */
const NO_STMT: CStmt = Object.freeze({ kind: "break", id: -1, line: 0, endLine: 0, calls: NO_CALLS });

/** The calls, and the arguments of the call, being read by callsIn, taken off at their final size. */
const callScratch: CCall[] = [];
const argScratch: string[] = [];
/** What a free slot of callScratch holds. */
const NO_CALL: CCall = Object.freeze({ name: "", args: [], line: 0, assignedTo: null });

/**
 * A recursive-descent pass over matched brackets. The parse methods return
 * the statement and leave the position after it in `next` (and `parens`
 * leaves the inside of the group in `innerFrom`/`innerTo`) instead of
 * returning tuples: this runs for every statement of every function a rule
 * looks into, and the short-lived arrays showed up as garbage collection.
 * Each caller reads these fields right after the call that set them.
 */
class Parser {
  private readonly match: Int32Array;
  private nextId = 0;
  /** Position after the statement the last parse method returned. */
  private next = 0;
  /** Inside of the bracket group the last `parens` call read. */
  private innerFrom = 0;
  private innerTo = 0;

  private readonly texts: readonly string[];
  private readonly kinds: Uint8Array;
  private readonly lines: Float64Array;

  constructor(private readonly t: Tokens) {
    this.match = matchBrackets(t);
    this.texts = t.text;
    this.kinds = t.kind;
    this.lines = t.line;
  }

  parseAll(): CStmt[] {
    return this.parseList(0, this.t.length, 0);
  }

  private text(i: number): string {
    return this.texts[i] ?? "";
  }

  private line(i: number): number {
    return this.lines[Math.min(Math.max(i, 0), this.t.length - 1)] ?? 0;
  }

  /** End (exclusive) of the bracket group opening at `i`, clamped to `to`. */
  private closeOf(i: number, to: number): number {
    const m = this.match[i] ?? -1;
    return m < 0 || m >= to ? to : m + 1;
  }

  /**
   * The statements of a block are gathered on one stack shared by every
   * nesting level, each list taken off it at its final size: a list built
   * by `push` from `[]` reserves room for 17 entries at its first push, and
   * most blocks hold a few statements.
   */
  private parseList(from: number, to: number, depth: number): CStmt[] {
    const stack = stmtStack;
    const base = stackTop;
    let pos = from;
    while (pos < to) {
      const s = this.text(pos);
      if (s === "}" || s === ";") {
        // A stray `}` (partial view) or an empty statement.
        pos++;
        continue;
      }
      const stmt = this.parseStmt(pos, to, depth);
      if (stmt) stack[stackTop++] = stmt;
      pos = this.next > pos ? this.next : pos + 1;
    }
    const out = stack.slice(base, stackTop);
    // Let go of the statements, so the shared stack does not keep them alive.
    for (let k = base; k < stackTop; k++) stack[k] = NO_STMT;
    stackTop = base;
    return out;
  }

  /** Reads `( ... )` at `i` into innerFrom/innerTo; returns the position after it (`i` when there is none). */
  private parens(i: number, to: number): number {
    if (this.text(i) !== "(") {
      this.innerFrom = i;
      this.innerTo = i;
      return i;
    }
    const end = this.closeOf(i, to);
    this.innerFrom = i + 1;
    this.innerTo = this.text(end - 1) === ")" ? end - 1 : end;
    return end;
  }

  /** Parses the statement at `pos`; sets `next`. */
  private parseStmt(pos: number, to: number, depth: number): CStmt | null {
    if (pos < 0 || pos >= this.t.length) {
      this.next = to;
      return null;
    }
    const tokText = this.texts[pos] as string;
    const tokLine = this.lines[pos] as number;
    const word = this.kinds[pos] === ID ? tokText : "";

    if (tokText === "{") {
      const end = this.closeOf(pos, to);
      const innerEnd = this.text(end - 1) === "}" && end - 1 > pos ? end - 1 : end;
      if (depth >= MAX_DEPTH)
        return this.done({ kind: "expr", id: this.nextId++, line: this.line(pos), endLine: this.line(end - 1), calls: NO_CALLS, text: "{...}" }, end);
      const id = this.nextId++;
      const body = this.parseList(pos + 1, innerEnd, depth + 1);
      return this.done({ kind: "block", id, line: tokLine, endLine: this.line(end - 1), calls: NO_CALLS, body }, end);
    }
    if (depth >= MAX_DEPTH) return this.parseExpr(pos, to);

    if (word === "if" || word === "while" || word === "switch" || word === "for") {
      const id = this.nextId++;
      const next = this.parens(pos + 1, to);
      const cond = tokensText(this.t, this.innerFrom, this.innerTo);
      const calls = this.callsIn(this.innerFrom, this.innerTo);
      const body = this.parseBody(next, to, depth);
      const after = this.next;
      if (word === "if") {
        let elseStmt: CStmt | null = null;
        let end = after;
        if (this.text(after) === "else") {
          elseStmt = this.parseBody(after + 1, to, depth);
          end = this.next;
        }
        return this.done({ kind: "if", id, line: tokLine, endLine: this.line(end - 1), calls, cond, then: body, else: elseStmt }, end);
      }
      if (word === "switch") return this.done({ kind: "switch", id, line: tokLine, endLine: this.line(after - 1), calls, cond, body }, after);
      return this.done({ kind: "loop", id, line: tokLine, endLine: this.line(after - 1), calls, loop: word, header: cond, body }, after);
    }
    if (word === "do") {
      const id = this.nextId++;
      const body = this.parseBody(pos + 1, to, depth);
      const after = this.next;
      let end = after;
      let header = "";
      let calls = NO_CALLS;
      if (this.text(after) === "while") {
        const next = this.parens(after + 1, to);
        header = tokensText(this.t, this.innerFrom, this.innerTo);
        calls = this.callsIn(this.innerFrom, this.innerTo);
        end = this.text(next) === ";" ? next + 1 : next;
      }
      return this.done({ kind: "loop", id, line: tokLine, endLine: this.line(end - 1), calls, loop: "do", header, body }, end);
    }
    if (word === "goto") {
      const end = this.stmtEnd(pos, to);
      return this.done({ kind: "goto", id: this.nextId++, line: this.line(pos), endLine: this.line(end - 1), calls: NO_CALLS, label: this.text(pos + 1) }, end);
    }
    if (word === "return") {
      const end = this.stmtEnd(pos, to);
      const exprEnd = this.text(end - 1) === ";" ? end - 1 : end;
      return this.done(
        {
          kind: "return",
          id: this.nextId++,
          line: this.line(pos),
          endLine: this.line(end - 1),
          calls: this.callsIn(pos + 1, exprEnd),
          expr: tokensText(this.t, pos + 1, exprEnd),
        },
        end,
      );
    }
    if (word === "break" || word === "continue") {
      const end = this.text(pos + 1) === ";" ? pos + 2 : pos + 1;
      return this.done({ kind: word, id: this.nextId++, line: this.line(pos), endLine: this.line(end - 1), calls: NO_CALLS }, end);
    }
    if (word === "case" || (word === "default" && this.text(pos + 1) === ":")) {
      let i = pos + 1;
      while (i < to && this.text(i) !== ":" && this.text(i) !== ";" && this.text(i) !== "{" && this.text(i) !== "}") i++;
      const end = this.text(i) === ":" ? i + 1 : i;
      return this.done({ kind: "label", id: this.nextId++, line: this.line(pos), endLine: this.line(end - 1), calls: NO_CALLS, name: "case" }, end);
    }
    if (word && this.text(pos + 1) === ":" && !STMT_KEYWORDS.has(word)) {
      return this.done({ kind: "label", id: this.nextId++, line: this.line(pos), endLine: this.line(pos + 2 - 1), calls: NO_CALLS, name: word }, pos + 2);
    }
    if (word && this.text(pos + 1) === "(" && !NOT_CALLS.has(word)) {
      // `name(...) {`: an iterator macro or a statement-like macro with a body.
      const next = this.parens(pos + 1, to);
      const after = this.text(next);
      if (next < to && after !== ";" && after !== "}" && after !== ")" && (after === "{" || LOOP_MACRO.test(word))) {
        const id = this.nextId++;
        const header = tokensText(this.t, this.innerFrom, this.innerTo);
        const calls = this.callsIn(this.innerFrom, this.innerTo);
        const body = this.parseBody(next, to, depth);
        const end = this.next;
        if (LOOP_MACRO.test(word)) return this.done({ kind: "loop", id, line: tokLine, endLine: this.line(end - 1), calls, loop: word, header, body }, end);
        return this.done({ kind: "macro", id, line: tokLine, endLine: this.line(end - 1), calls, name: word, header, body }, end);
      }
    }
    return this.parseExpr(pos, to);
  }

  /** Records where the statement ends and returns it. */
  private done(stmt: CStmt, next: number): CStmt {
    this.next = next;
    return stmt;
  }

  /** The body of an if/loop: one statement (a block or a single statement); sets `next`. */
  private parseBody(pos: number, to: number, depth: number): CStmt {
    if (pos >= to) return this.done({ kind: "block", id: this.nextId++, line: this.line(pos - 1), endLine: this.line(pos - 1), calls: NO_CALLS, body: [] }, to);
    if (this.text(pos) === ";")
      return this.done({ kind: "block", id: this.nextId++, line: this.line(pos), endLine: this.line(pos), calls: NO_CALLS, body: [] }, pos + 1);
    const stmt = this.parseStmt(pos, to, depth + 1);
    const next = this.next > pos ? this.next : pos + 1;
    return this.done(stmt ?? { kind: "block", id: this.nextId++, line: this.line(pos), endLine: this.line(pos), calls: NO_CALLS, body: [] }, next);
  }

  /** End (exclusive) of a simple statement: after its `;`, or before a token that cannot continue it. */
  private stmtEnd(pos: number, to: number): number {
    let i = pos;
    while (i < to) {
      const s = this.texts[i] as string;
      const kind = this.kinds[i];
      if (kind === PUNCT) {
        if (s === ";") return i + 1;
        if (s === "}") return i;
        if (s === "(" || s === "[" || s === "{") {
          i = this.closeOf(i, to);
          continue;
        }
      } else if (i > pos && kind === ID && STMT_KEYWORDS.has(s) && (this.lines[i - 1] ?? 0) !== this.lines[i]) {
        // A keyword starting a new line cannot be inside an expression: the
        // previous statement was a macro call without `;`.
        return i;
      }
      i++;
    }
    return to;
  }

  /** An expression statement or declaration; sets `next`. */
  private parseExpr(pos: number, to: number): CStmt {
    const end = this.stmtEnd(pos, to);
    const stop = end > pos ? end : pos + 1;
    const textEnd = this.text(stop - 1) === ";" ? stop - 1 : stop;
    return this.done(
      {
        kind: "expr",
        id: this.nextId++,
        line: this.line(pos),
        endLine: this.line(stop - 1),
        calls: this.callsIn(pos, textEnd),
        text: tokensText(this.t, pos, textEnd),
      },
      stop,
    );
  }

  /** Calls in tokens [from, to), nested ones included, in source order. */
  private callsIn(from: number, to: number): readonly CCall[] {
    let found = 0;
    for (let i = from; i < to; i++) {
      const name = this.texts[i] as string;
      if (this.kinds[i] !== ID || this.text(i + 1) !== "(" || NOT_CALLS.has(name)) continue;
      const close = this.closeOf(i + 1, to);
      let argc = 0;
      let start = i + 2;
      const innerEnd = this.text(close - 1) === ")" ? close - 1 : close;
      for (let j = start; j < innerEnd; j++) {
        const s = this.text(j);
        if (s === "(" || s === "[" || s === "{") {
          j = this.closeOf(j, innerEnd) - 1;
          continue;
        }
        if (s === ",") {
          argScratch[argc++] = tokensText(this.t, start, j);
          start = j + 1;
        }
      }
      if (innerEnd > start) argScratch[argc++] = tokensText(this.t, start, innerEnd);
      const args = argScratch.slice(0, argc);
      for (let k = 0; k < argc; k++) argScratch[k] = "";
      callScratch[found++] = { name, args, line: this.lines[i] as number, assignedTo: this.assignedTo(from, i, close, to) };
    }
    if (found === 0) return NO_CALLS;
    const calls = callScratch.slice(0, found);
    for (let k = 0; k < found; k++) callScratch[k] = NO_CALL;
    return calls;
  }

  /** `lhs` when the call at `callAt` is the whole right-hand side of `lhs = call(...)`. */
  private assignedTo(from: number, callAt: number, close: number, to: number): string | null {
    let k = callAt - 1;
    // Skip a cast: `(struct foo *)kmalloc(...)`.
    if (this.text(k) === ")" && (this.match[k] ?? -1) >= from) k = (this.match[k] as number) - 1;
    if (this.text(k) !== "=") return null;
    if (close < to && this.text(close) !== ";" && this.text(close) !== ")") return null;
    let j = k - 1;
    const parts: string[] = [];
    while (j >= from) {
      const s = this.text(j);
      if (this.kinds[j] === ID || s === "->" || s === ".") {
        parts.unshift(s);
        j--;
        continue;
      }
      if (s === "]" && (this.match[j] ?? -1) >= from) {
        const open = this.match[j] as number;
        parts.unshift(tokensText(this.t, open, j + 1));
        j = open - 1;
        continue;
      }
      break;
    }
    // `struct foo *p` or `int ret`: keep only the declared name, not the type words.
    while (parts.length > 1 && parts[1] !== "->" && parts[1] !== "." && !(parts[1] ?? "").startsWith("[")) parts.shift();
    return parts.length > 0 ? parts.join("") : null;
  }
}

/** Visits every statement, depth first, in source order; `visit` gets the chain of enclosing statements. */
export function walkStatements(stmts: readonly CStmt[], visit: (s: CStmt, parents: readonly CStmt[]) => void, parents: CStmt[] = []): void {
  for (const s of stmts) {
    visit(s, parents);
    parents.push(s);
    for (const child of childrenOf(s)) walkStatements([child], visit, parents);
    parents.pop();
  }
}

/** Direct children of a compound statement. */
export function childrenOf(s: CStmt): CStmt[] {
  switch (s.kind) {
    case "block":
      return s.body;
    case "if":
      return s.else ? [s.then, s.else] : [s.then];
    case "loop":
    case "switch":
    case "macro":
      return [s.body];
    default:
      return [];
  }
}
