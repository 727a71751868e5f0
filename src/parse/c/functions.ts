import type { FileDiff, Hunk } from "../../model.js";
import { foldSpace, parseSignature } from "./signature.js";
import type { Signature } from "./signature.js";
import { parseStatements } from "./structure.js";
import { tokenize } from "./tokenizer.js";
import type { Token } from "./tokenizer.js";
import type { CFunction, CLine } from "./types.js";

/**
 * Reconstructs the functions the new side of a file diff shows, from the
 * context and added lines of its hunks. Kernel style makes this reliable
 * without a full parser: a definition starts at column 0 and its body ends at
 * a `}` in column 0. A hunk that starts inside a body (git names the function
 * on the `@@` line) yields a partial function; two hunks of the same function
 * are joined, with `hasGaps` set because the lines between them are unseen.
 */

/** How many lines a signature may span before we give up on it. */
const MAX_SIGNATURE_LINES = 12;

function newSideLines(hunk: Hunk): CLine[] {
  const out: CLine[] = [];
  for (const l of hunk.lines) {
    if (l.newLine !== null) out.push({ newLine: l.newLine, text: l.text, added: l.kind === "add" });
  }
  return out;
}

const isBlank = (t: string): boolean => t.trim() === "";
const atColumn0 = (t: string): boolean => t.length > 0 && !t.startsWith(" ") && !t.startsWith("\t");
const isCloseBrace = (t: string): boolean => /^}\s*(\/[/*].*)?$/.test(t);
/**
 * A `}` in column 0 closes a top-level scope, whatever follows it: a function
 * body (`}`), a struct, union or enum definition (`};`, `} __packed;`), an
 * initialiser (`};`, `},` in a table of tables) or a variable (`} foo;`).
 */
const closesTopLevel = (t: string): boolean => t.startsWith("}");
/** A line inside a top-level block comment (` * text`, or its closing line): kernel style indents those by one space. */
const isTopLevelCommentLine = (t: string): boolean => /^ \*(\/|\s|$)/.test(t);
const isLabelLine = (t: string): boolean => /^[A-Za-z_]\w*:(\s|$)/.test(t) && !t.startsWith("default:");

/** True when git's `@@` function context names a function (not a struct or an initializer). */
function contextIsFunction(ctx: string): boolean {
  if (!ctx || ctx.startsWith("#") || !ctx.includes("(")) return false;
  if (/^(struct|union|enum)\s+\w+\s*\{/.test(ctx)) return false;
  // `static const u32 regs[ARRAY_SIZE(x)] = {`: an initialiser, whatever parentheses it holds.
  if (/=\s*\{?\s*$/.test(ctx)) return false;
  return parseSignature(ctx) !== null;
}

/** How a hunk begins: inside a block, inside a top-level comment, or at top level. */
type Opening = "block" | "comment" | "top";

/** Where the hunk's first code lines lie: indented code, labels or a closing brace are inside a block. */
function openingOf(lines: readonly CLine[]): Opening {
  for (const l of lines) {
    if (isBlank(l.text)) continue;
    const t = l.text;
    if (t.startsWith("#")) continue;
    if (isTopLevelCommentLine(t)) return "comment";
    if (!atColumn0(t) || isLabelLine(t) || isCloseBrace(t) || /^\{\s*$/.test(t)) return "block";
    return "top";
  }
  return "top";
}

/**
 * Index of the line that ends a hunk's leading partial region: the first `}`
 * in column 0, which closes the enclosing scope the hunk opened inside (a
 * function body, or a struct, enum or initialiser ending in `};` or `},`).
 * Nothing after it belongs to that scope. -1 when the hunk never leaves it.
 */
function leadingRegionEnd(lines: readonly CLine[]): number {
  return lines.findIndex((l) => closesTopLevel(l.text));
}

/** Index of the line that ends a top-level comment the hunk opens inside, or -1. */
function leadingCommentEnd(lines: readonly CLine[]): number {
  return lines.findIndex((l) => l.text.includes("*/"));
}

/** If a definition starts at `i`, the index of the line that holds its opening brace. */
function definitionAt(lines: readonly CLine[], i: number): number {
  const first = lines[i]?.text ?? "";
  if (!atColumn0(first) || first.startsWith("#") || first.startsWith("/") || first.startsWith("*") || first.startsWith("}") || first.startsWith("{")) return -1;
  if (isLabelLine(first)) return -1;
  let text = "";
  for (let k = i; k < lines.length && k < i + MAX_SIGNATURE_LINES; k++) {
    const t = lines[k]?.text ?? "";
    if (k > i && t.startsWith("{")) return text.includes("(") && parseSignature(text) ? k : -1;
    text += " " + t.replace(/\/\*.*?\*\/|\/\/.*$/g, "");
    if (/[;=]\s*$/.test(t) || /^\s*(struct|union|enum)\s+\w*\s*\{/.test(t)) return -1;
    if (/\)\s*\{\s*$/.test(t)) return parseSignature(text) ? k : -1;
  }
  return -1;
}

/** The `/** ... *\/` comment ending right above line index `i`, if any. */
function kernelDocAbove(lines: readonly CLine[], i: number): CLine[] | null {
  const end = i - 1;
  if (!(lines[end]?.text ?? "").trim().endsWith("*/")) return null;
  for (let k = end; k >= 0 && k > end - 200; k--) {
    const t = (lines[k]?.text ?? "").trim();
    if (t.startsWith("/**")) return lines.slice(k, end + 1);
    if (t.startsWith("/*")) return null;
  }
  return null;
}

interface Piece {
  sig: Signature;
  signatureText: string;
  lines: CLine[];
  /** Index in `lines` of the line with the opening brace (-1 for a partial start). */
  braceLine: number;
  hasStart: boolean;
  hasEnd: boolean;
  hasGaps: boolean;
  kernelDoc: CLine[] | null;
}

interface Parsed {
  body: CFunction["body"];
  comments: CFunction["comments"];
}

/**
 * A function's body, tokenized and parsed on first use: the engine walks
 * only functions the patch adds to, and a rule looks into another function's
 * body only to follow a call into it, so most shown functions never are.
 * Held through a WeakRef: a patch waiting in the series window for its later
 * parts keeps its functions (names, lines), but the parsed bodies, many times
 * the size of the text, may go and are parsed again if a later part looks
 * into them. Within one synchronous rule run the engine keeps a deref'ed
 * target alive, so every rule sees the same statements.
 */
class LazyBody {
  private ref: WeakRef<Parsed> | null = null;

  constructor(private readonly piece: Piece) {}

  get(): Parsed {
    let v = this.ref?.deref();
    if (!v) {
      const { code, comments } = bodyTokens(this.piece);
      v = { body: parseStatements(code), comments };
      this.ref = new WeakRef(v);
    }
    return v;
  }
}

const LAZY = Symbol("lazy body");

interface WithLazyBody {
  [LAZY]: LazyBody;
}

/**
 * `body` and `comments` as accessors shared by every function object. A
 * getter written in an object literal is a new closure per object, which
 * drops each object into V8's slow dictionary mode, and rules read these
 * objects' fields all the time.
 */
const LAZY_FIELDS: PropertyDescriptorMap = {
  body: {
    get(this: WithLazyBody): Parsed["body"] {
      return this[LAZY].get().body;
    },
    enumerable: true,
    configurable: true,
  },
  comments: {
    get(this: WithLazyBody): Parsed["comments"] {
      return this[LAZY].get().comments;
    },
    enumerable: true,
    configurable: true,
  },
};

function build(file: string, p: Piece): CFunction {
  const first = p.lines[0];
  const last = p.lines[p.lines.length - 1];
  // `body`, `comments` and the flags after them are added below, in this order, so the fields keep their declared order.
  const fn = {
    file,
    name: p.sig.name,
    signature: foldSpace(p.signatureText).trim(),
    returnType: p.sig.returnType,
    isVoid: p.sig.isVoid,
    params: p.sig.params,
    lines: p.lines,
    complete: p.hasStart && p.hasEnd && !p.hasGaps,
    startLine: first?.newLine ?? 0,
    endLine: last?.newLine ?? 0,
    kernelDoc: p.kernelDoc,
  } as CFunction;
  Object.defineProperty(fn, LAZY, { value: new LazyBody(p) });
  Object.defineProperties(fn, LAZY_FIELDS);
  fn.hasStart = p.hasStart;
  fn.hasEnd = p.hasEnd;
  fn.hasGaps = p.hasGaps;
  return fn;
}

/**
 * The code tokens and the comments between the body's braces (as far as the
 * diff shows them), sorted out in one pass: preprocessor lines are neither.
 */
function bodyTokens(p: Piece): { code: Token[]; comments: Parsed["comments"] } {
  const toks = tokenize(p.lines);
  let from = 0;
  if (p.hasStart) {
    const braceLineNo = p.lines[p.braceLine]?.newLine ?? 0;
    from = toks.findIndex((t) => t.text === "{" && t.line >= braceLineNo && t.kind === "punct");
    from = from < 0 ? toks.length : from + 1;
  }
  let to = toks.length;
  if (p.hasEnd) {
    for (let k = toks.length - 1; k >= from; k--) {
      if (toks[k]?.text === "}") {
        to = k;
        break;
      }
    }
  }
  const code: Token[] = [];
  const comments: Parsed["comments"] = [];
  for (let k = from; k < to; k++) {
    const t = toks[k] as Token;
    if (t.kind === "comment") comments.push({ line: t.line, text: t.text });
    else if (t.kind !== "pp") code.push(t);
  }
  return { code, comments };
}

/**
 * The functions the new side of a file diff shows, complete or partial, in
 * the order they appear.
 */
export function extractFunctions(file: FileDiff): CFunction[] {
  const pieces: Piece[] = [];
  let open: Piece | null = null;
  for (const hunk of file.hunks) {
    const lines = newSideLines(hunk);
    let i = 0;
    let stillOpen: Piece | null = null;
    const opening = openingOf(lines);
    if (opening === "comment") {
      // The rest of a comment above some definition: nothing in it is code.
      const end = leadingCommentEnd(lines);
      i = end < 0 ? lines.length : end + 1;
    } else if (opening === "block") {
      let end = leadingRegionEnd(lines);
      const hasEnd = end >= 0;
      if (!hasEnd) end = lines.length - 1;
      // A scope closed by `};` or `},` is a definition or an initialiser, never a function body.
      const closesFunction = !hasEnd || isCloseBrace(lines[end]?.text ?? "");
      const ctxSig = closesFunction && contextIsFunction(hunk.functionContext) ? parseSignature(hunk.functionContext) : null;
      const body = lines.slice(0, end + 1);
      if (ctxSig && open?.sig.name === ctxSig.name) {
        open.lines.push(...body);
        open.hasGaps = true;
        open.hasEnd = hasEnd;
        if (!hasEnd) stillOpen = open;
      } else if (ctxSig) {
        // A hunk that opens with the body's `{` in column 0: git's context line is the signature right above it.
        const opensBody = /^\{\s*$/.test(body.find((l) => !isBlank(l.text))?.text ?? "");
        const braceLine = opensBody ? body.findIndex((l) => !isBlank(l.text)) : -1;
        const piece: Piece = {
          sig: ctxSig,
          signatureText: hunk.functionContext,
          lines: body,
          braceLine,
          hasStart: opensBody,
          hasEnd,
          hasGaps: false,
          kernelDoc: null,
        };
        pieces.push(piece);
        if (!hasEnd) stillOpen = piece;
      }
      i = end + 1;
    }
    open = stillOpen;
    while (i < lines.length) {
      const brace = definitionAt(lines, i);
      if (brace < 0) {
        i++;
        continue;
      }
      const sigText = lines
        .slice(i, brace + 1)
        .map((l) => l.text)
        .join(" ")
        .replace(/\{\s*$/, "");
      const sig = parseSignature(sigText);
      let end = -1;
      for (let k = brace + 1; k < lines.length; k++) {
        if (isCloseBrace(lines[k]?.text ?? "")) {
          end = k;
          break;
        }
      }
      const hasEnd = end >= 0;
      const last = hasEnd ? end : lines.length - 1;
      if (sig) {
        const piece: Piece = {
          sig,
          signatureText: sigText,
          lines: lines.slice(i, last + 1),
          braceLine: brace - i,
          hasStart: true,
          hasEnd,
          hasGaps: false,
          kernelDoc: kernelDocAbove(lines, i),
        };
        pieces.push(piece);
        if (!hasEnd) open = piece;
      }
      i = last + 1;
    }
  }
  return pieces.map((p) => build(file.path, p));
}
