import { tokensText } from "./tokenizer.js";
import type { Token } from "./tokenizer.js";
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

/** For each bracket token, the index of its partner; -1 when it has none. */
function matchBrackets(tokens: readonly Token[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  const open = { "(": 0, "[": 0, "{": 0 } as Record<string, number>;
  const pairOf: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  tokens.forEach((t, i) => {
    if (t.kind !== "punct") return;
    if (t.text === "(" || t.text === "[" || t.text === "{") {
      stack.push(i);
      open[t.text] = (open[t.text] ?? 0) + 1;
      return;
    }
    const want = pairOf[t.text];
    if (!want || (open[want] ?? 0) === 0) return;
    // Pop unmatched openers of other kinds: each index leaves the stack once.
    while (stack.length > 0) {
      const top = stack.pop() as number;
      const tt = tokens[top]?.text ?? "";
      open[tt] = (open[tt] ?? 1) - 1;
      if (tt === want) {
        match[top] = i;
        match[i] = top;
        break;
      }
    }
  });
  return match;
}

/** Parses a token list into statements. */
export function parseStatements(tokens: readonly Token[]): CStmt[] {
  return new Parser(tokens).parseAll();
}

class Parser {
  private readonly match: Int32Array;
  private nextId = 0;

  constructor(private readonly t: readonly Token[]) {
    this.match = matchBrackets(t);
  }

  parseAll(): CStmt[] {
    return this.parseList(0, this.t.length, 0);
  }

  private text(i: number): string {
    return this.t[i]?.text ?? "";
  }

  private line(i: number): number {
    return this.t[Math.min(Math.max(i, 0), this.t.length - 1)]?.line ?? 0;
  }

  /** End (exclusive) of the bracket group opening at `i`, clamped to `to`. */
  private closeOf(i: number, to: number): number {
    const m = this.match[i] ?? -1;
    return m < 0 || m >= to ? to : m + 1;
  }

  private parseList(from: number, to: number, depth: number): CStmt[] {
    const out: CStmt[] = [];
    let pos = from;
    while (pos < to) {
      if (this.text(pos) === "}" || this.text(pos) === ";") {
        // A stray `}` (partial view) or an empty statement.
        pos++;
        continue;
      }
      const [stmt, next] = this.parseStmt(pos, to, depth);
      if (stmt) out.push(stmt);
      pos = next > pos ? next : pos + 1;
    }
    return out;
  }

  /** Parses `( ... )` at `i`; returns inner text range and the position after it. */
  private parens(i: number, to: number): { inner: [number, number]; next: number } {
    if (this.text(i) !== "(") return { inner: [i, i], next: i };
    const end = this.closeOf(i, to);
    const innerEnd = this.text(end - 1) === ")" ? end - 1 : end;
    return { inner: [i + 1, innerEnd], next: end };
  }

  private parseStmt(pos: number, to: number, depth: number): [CStmt | null, number] {
    const tok = this.t[pos];
    if (!tok) return [null, to];
    const word = tok.kind === "id" ? tok.text : "";

    if (tok.text === "{") {
      const end = this.closeOf(pos, to);
      const innerEnd = this.text(end - 1) === "}" && end - 1 > pos ? end - 1 : end;
      if (depth >= MAX_DEPTH) return [{ kind: "expr", id: this.nextId++, line: this.line(pos), endLine: this.line(end - 1), calls: [], text: "{...}" }, end];
      const id = this.nextId++;
      const body = this.parseList(pos + 1, innerEnd, depth + 1);
      return [{ kind: "block", id, line: tok.line, endLine: this.line(end - 1), calls: [], body }, end];
    }
    if (depth >= MAX_DEPTH) return this.parseExpr(pos, to);

    if (word === "if" || word === "while" || word === "switch" || word === "for") {
      const id = this.nextId++;
      const { inner, next } = this.parens(pos + 1, to);
      const cond = tokensText(this.t, inner[0], inner[1]);
      const calls = this.callsIn(inner[0], inner[1]);
      const [body, after] = this.parseBody(next, to, depth);
      if (word === "if") {
        let elseStmt: CStmt | null = null;
        let end = after;
        if (this.text(after) === "else") {
          const [e, afterElse] = this.parseBody(after + 1, to, depth);
          elseStmt = e;
          end = afterElse;
        }
        return [{ kind: "if", id, line: tok.line, endLine: this.line(end - 1), calls, cond, then: body, else: elseStmt }, end];
      }
      if (word === "switch") return [{ kind: "switch", id, line: tok.line, endLine: this.line(after - 1), calls, cond, body }, after];
      return [{ kind: "loop", id, line: tok.line, endLine: this.line(after - 1), calls, loop: word, header: cond, body }, after];
    }
    if (word === "do") {
      const id = this.nextId++;
      const [body, after] = this.parseBody(pos + 1, to, depth);
      let end = after;
      let header = "";
      let calls: CCall[] = [];
      if (this.text(after) === "while") {
        const { inner, next } = this.parens(after + 1, to);
        header = tokensText(this.t, inner[0], inner[1]);
        calls = this.callsIn(inner[0], inner[1]);
        end = this.text(next) === ";" ? next + 1 : next;
      }
      return [{ kind: "loop", id, line: tok.line, endLine: this.line(end - 1), calls, loop: "do", header, body }, end];
    }
    if (word === "goto") {
      const end = this.stmtEnd(pos, to);
      return [{ kind: "goto", id: this.nextId++, line: this.line(pos), endLine: this.line(end - 1), calls: [], label: this.text(pos + 1) }, end];
    }
    if (word === "return") {
      const end = this.stmtEnd(pos, to);
      const exprEnd = this.text(end - 1) === ";" ? end - 1 : end;
      return [
        {
          kind: "return",
          id: this.nextId++,
          line: this.line(pos),
          endLine: this.line(end - 1),
          calls: this.callsIn(pos + 1, exprEnd),
          expr: tokensText(this.t, pos + 1, exprEnd),
        },
        end,
      ];
    }
    if (word === "break" || word === "continue") {
      const end = this.text(pos + 1) === ";" ? pos + 2 : pos + 1;
      return [{ kind: word, id: this.nextId++, line: this.line(pos), endLine: this.line(end - 1), calls: [] }, end];
    }
    if (word === "case" || (word === "default" && this.text(pos + 1) === ":")) {
      let i = pos + 1;
      while (i < to && this.text(i) !== ":" && this.text(i) !== ";" && this.text(i) !== "{" && this.text(i) !== "}") i++;
      const end = this.text(i) === ":" ? i + 1 : i;
      return [{ kind: "label", id: this.nextId++, line: this.line(pos), endLine: this.line(end - 1), calls: [], name: "case" }, end];
    }
    if (word && this.text(pos + 1) === ":" && !STMT_KEYWORDS.has(word)) {
      return [{ kind: "label", id: this.nextId++, line: this.line(pos), endLine: this.line(pos + 2 - 1), calls: [], name: word }, pos + 2];
    }
    if (word && this.text(pos + 1) === "(" && !NOT_CALLS.has(word)) {
      // `name(...) {`: an iterator macro or a statement-like macro with a body.
      const { inner, next } = this.parens(pos + 1, to);
      const after = this.text(next);
      if (next < to && after !== ";" && after !== "}" && after !== ")" && (after === "{" || LOOP_MACRO.test(word))) {
        const id = this.nextId++;
        const header = tokensText(this.t, inner[0], inner[1]);
        const calls = this.callsIn(inner[0], inner[1]);
        const [body, end] = this.parseBody(next, to, depth);
        if (LOOP_MACRO.test(word)) return [{ kind: "loop", id, line: tok.line, endLine: this.line(end - 1), calls, loop: word, header, body }, end];
        return [{ kind: "macro", id, line: tok.line, endLine: this.line(end - 1), calls, name: word, header, body }, end];
      }
    }
    return this.parseExpr(pos, to);
  }

  /** The body of an if/loop: one statement (a block or a single statement). */
  private parseBody(pos: number, to: number, depth: number): [CStmt, number] {
    if (pos >= to) return [{ kind: "block", id: this.nextId++, line: this.line(pos - 1), endLine: this.line(pos - 1), calls: [], body: [] }, to];
    if (this.text(pos) === ";") return [{ kind: "block", id: this.nextId++, line: this.line(pos), endLine: this.line(pos), calls: [], body: [] }, pos + 1];
    const [stmt, next] = this.parseStmt(pos, to, depth + 1);
    return [stmt ?? { kind: "block", id: this.nextId++, line: this.line(pos), endLine: this.line(pos), calls: [], body: [] }, next > pos ? next : pos + 1];
  }

  /** End (exclusive) of a simple statement: after its `;`, or before a token that cannot continue it. */
  private stmtEnd(pos: number, to: number): number {
    let i = pos;
    while (i < to) {
      const tok = this.t[i] as Token;
      const s = tok.text;
      if (tok.kind === "punct") {
        if (s === ";") return i + 1;
        if (s === "}") return i;
        if (s === "(" || s === "[" || s === "{") {
          i = this.closeOf(i, to);
          continue;
        }
      } else if (i > pos && tok.kind === "id" && STMT_KEYWORDS.has(s) && (this.t[i - 1]?.line ?? 0) !== tok.line) {
        // A keyword starting a new line cannot be inside an expression: the
        // previous statement was a macro call without `;`.
        return i;
      }
      i++;
    }
    return to;
  }

  private parseExpr(pos: number, to: number): [CStmt, number] {
    const end = this.stmtEnd(pos, to);
    const stop = end > pos ? end : pos + 1;
    const textEnd = this.text(stop - 1) === ";" ? stop - 1 : stop;
    return [
      {
        kind: "expr",
        id: this.nextId++,
        line: this.line(pos),
        endLine: this.line(stop - 1),
        calls: this.callsIn(pos, textEnd),
        text: tokensText(this.t, pos, textEnd),
      },
      stop,
    ];
  }

  /** Calls in tokens [from, to), nested ones included, in source order. */
  private callsIn(from: number, to: number): CCall[] {
    const calls: CCall[] = [];
    for (let i = from; i < to; i++) {
      const tok = this.t[i] as Token;
      if (tok.kind !== "id" || this.text(i + 1) !== "(" || NOT_CALLS.has(tok.text)) continue;
      const close = this.closeOf(i + 1, to);
      const args: string[] = [];
      let start = i + 2;
      const innerEnd = this.text(close - 1) === ")" ? close - 1 : close;
      for (let j = start; j < innerEnd; j++) {
        const s = this.text(j);
        if (s === "(" || s === "[" || s === "{") {
          j = this.closeOf(j, innerEnd) - 1;
          continue;
        }
        if (s === ",") {
          args.push(tokensText(this.t, start, j));
          start = j + 1;
        }
      }
      if (innerEnd > start) args.push(tokensText(this.t, start, innerEnd));
      calls.push({ name: tok.text, args, line: tok.line, assignedTo: this.assignedTo(from, i, close, to) });
    }
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
      const kind = this.t[j]?.kind;
      if (kind === "id" || s === "->" || s === ".") {
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
