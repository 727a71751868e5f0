import type { DiffLine, FileDiff, Hunk } from "../../model.js";
import { atColumn0, contextSignature, definitionAt, isLabelLine, OPEN_BRACE_LINE, signatureOfFound, signatureTextOf } from "./definitions.js";
import { foldSpace } from "./signature.js";
import type { Signature } from "./signature.js";
import { parseStatements } from "./structure.js";
import { PUNCT, tokenize, Tokens } from "./tokenizer.js";
import type { CFunction, CLine } from "./types.js";
import { whenJobEnds } from "../../job-cache.js";

/**
 * Reconstructs the functions the new side of a file diff shows, from the
 * context and added lines of its hunks. Kernel style makes this reliable
 * without a full parser: a definition starts at column 0 and its body ends at
 * a `}` in column 0. A hunk that starts inside a body (git names the function
 * on the `@@` line) yields a partial function; two hunks of the same function
 * are joined, with `hasGaps` set because the lines between them are unseen.
 */

/**
 * The hunk's new-side lines: the diff's own line objects (every line but a
 * deletion), not copies. Counted first and allocated at their final size:
 * grown by `push`, the list left two or three discarded copies of itself
 * behind, and this runs for every line of every C file.
 */
export function newSideLines(hunk: Hunk): CLine[] {
  let n = 0;
  for (const l of hunk.lines) if (l.newLine !== null) n++;
  const out = new Array<CLine>(n);
  let w = 0;
  for (const l of hunk.lines) if (isNewSide(l)) out[w++] = l;
  return out;
}

const isNewSide = (l: DiffLine): l is DiffLine & CLine => l.newLine !== null;

/** `lines[from, to)`: the list itself when that is all of it (a hunk inside one body), not a copy. */
function range(lines: CLine[], from: number, to: number): CLine[] {
  return from === 0 && to === lines.length ? lines : lines.slice(from, to);
}

/** True for a line of white space only, as `t.trim() === ""` (which copies every indented line) says. */
function isBlank(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 128) return t.trim() === "";
    if (c !== 32 && (c < 9 || c > 13)) return false;
  }
  return true;
}
/*
 * The line patterns below are module constants: a regex literal inside a
 * function is a new RegExp object on every call, and these run for every
 * line of every C file a patch shows.
 */
const CLOSE_BRACE = /^}\s*(\/[/*].*)?$/;
const TOP_COMMENT_LINE = /^ \*(\/|\s|$)/;

/** A `}` in column 0 with at most a comment after it; the first-character test spares the regex on every other line. */
const isCloseBrace = (t: string): boolean => t.charCodeAt(0) === 125 && CLOSE_BRACE.test(t);
/**
 * A `}` in column 0 closes a top-level scope, whatever follows it: a function
 * body (`}`), a struct, union or enum definition (`};`, `} __packed;`), an
 * initialiser (`};`, `},` in a table of tables) or a variable (`} foo;`).
 */
const closesTopLevel = (t: string): boolean => t.startsWith("}");
/** A line inside a top-level block comment (` * text`, or its closing line): kernel style indents those by one space. */
const isTopLevelCommentLine = (t: string): boolean => TOP_COMMENT_LINE.test(t);

/** How a hunk begins: inside a block, inside a top-level comment, or at top level. */
type Opening = "block" | "comment" | "top";

/** Where the hunk's first code lines lie: indented code, labels or a closing brace are inside a block. */
function openingOf(lines: readonly CLine[]): Opening {
  for (const l of lines) {
    if (isBlank(l.text)) continue;
    const t = l.text;
    if (t.startsWith("#")) continue;
    if (isTopLevelCommentLine(t)) return "comment";
    if (!atColumn0(t) || isLabelLine(t) || isCloseBrace(t) || OPEN_BRACE_LINE.test(t)) return "block";
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

/** The tokens of the body being parsed: one set of arrays reused for every body (parsing never nests). */
const bodyScratch = new Tokens();

/**
 * A function the diff shows. Its body is tokenized and parsed on first use:
 * the engine walks only functions the patch adds to, and a rule looks into
 * another function's body only to follow a call into it, so most shown
 * functions never are.
 *
 * The parse is kept until the current job (the synchronous run that asked
 * for it, up to the next microtask) ends, then forgotten, and parsed again
 * if a later job looks into the body: within one synchronous rule run every
 * rule sees the same statements, and a patch waiting in the series window
 * keeps its functions (names, lines) but not the parsed bodies, many times
 * the size of the text. Forgetting them at once, rather than holding them
 * through a WeakRef, lets them die young: V8's young-generation collector
 * keeps a WeakRef's target alive, so every parsed body was copied into the
 * old generation and collected only by a full mark-compact.
 *
 * A class, so `body` and `comments` are getters on the prototype and every
 * function object has one shape (rules read these fields all the time);
 * fields are assigned in their declared order.
 */
class ShownFunction implements CFunction {
  readonly file: string;
  readonly name: string;
  readonly signature: string;
  readonly returnType: string;
  readonly isVoid: boolean;
  readonly params: string[];
  readonly lines: CLine[];
  readonly complete: boolean;
  readonly startLine: number;
  readonly endLine: number;
  readonly kernelDoc: CLine[] | null;
  readonly hasStart: boolean;
  readonly hasEnd: boolean;
  readonly hasGaps: boolean;
  /** Index in `lines` of the line with the opening brace (-1 for a partial start). */
  readonly #braceLine: number;
  #parsed: Parsed | null = null;

  constructor(file: string, p: Piece) {
    this.file = file;
    this.name = p.sig.name;
    this.signature = foldSpace(p.signatureText).trim();
    this.returnType = p.sig.returnType;
    this.isVoid = p.sig.isVoid;
    this.params = p.sig.params;
    this.lines = p.lines;
    this.complete = p.hasStart && p.hasEnd && !p.hasGaps;
    this.startLine = p.lines[0]?.newLine ?? 0;
    this.endLine = p.lines[p.lines.length - 1]?.newLine ?? 0;
    this.kernelDoc = p.kernelDoc;
    this.hasStart = p.hasStart;
    this.hasEnd = p.hasEnd;
    this.hasGaps = p.hasGaps;
    this.#braceLine = p.braceLine;
  }

  get body(): CFunction["body"] {
    return this.#parse().body;
  }

  get comments(): CFunction["comments"] {
    return this.#parse().comments;
  }

  /** Every field, the parsed ones included, in their declared order (what JSON and test output show). */
  toJSON(): CFunction {
    const { file, name, signature, returnType, isVoid, params, lines, complete, startLine, endLine, kernelDoc, body, comments, hasStart, hasEnd, hasGaps } =
      this;
    return { file, name, signature, returnType, isVoid, params, lines, complete, startLine, endLine, kernelDoc, body, comments, hasStart, hasEnd, hasGaps };
  }

  #parse(): Parsed {
    let v = this.#parsed;
    if (!v) {
      try {
        const { code, comments } = bodyTokens(this, this.#braceLine);
        v = { body: parseStatements(code), comments };
      } finally {
        bodyScratch.release();
      }
      this.#parsed = v;
      if (parsedThisJob.length === 0) whenJobEnds(() => ShownFunction.#forgetParses());
      parsedThisJob.push(this);
    }
    return v;
  }

  static #forgetParses(): void {
    for (const fn of parsedThisJob) fn.#parsed = null;
    parsedThisJob.length = 0;
  }
}

/** The functions whose bodies were parsed in the current job: forgotten when it ends. */
const parsedThisJob: ShownFunction[] = [];

/**
 * The code tokens and the comments between the body's braces (as far as the
 * diff shows them), sorted out in one pass: preprocessor lines are neither.
 */
function bodyTokens(p: Pick<CFunction, "lines" | "hasStart" | "hasEnd">, braceLine: number): { code: Tokens; comments: Parsed["comments"] } {
  const toks = tokenize(p.lines, undefined, bodyScratch);
  const texts = toks.text;
  let from = 0;
  if (p.hasStart) {
    const braceLineNo = p.lines[braceLine]?.newLine ?? 0;
    from = toks.length;
    for (let k = 0; k < toks.length; k++) {
      if (texts[k] === "{" && (toks.line[k] as number) >= braceLineNo && toks.kind[k] === PUNCT) {
        from = k + 1;
        break;
      }
    }
  }
  let to = toks.length;
  if (p.hasEnd) {
    for (let k = toks.length - 1; k >= from; k--) {
      if (texts[k] === "}") {
        to = k;
        break;
      }
    }
  }
  const comments: Parsed["comments"] = [];
  const code = toks.keepCode(from, to, comments);
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
      const ctxSig = closesFunction ? contextSignature(hunk.functionContext) : null;
      const body = range(lines, 0, end + 1);
      if (ctxSig && open?.sig.name === ctxSig.name) {
        open.lines.push(...body);
        open.hasGaps = true;
        open.hasEnd = hasEnd;
        if (!hasEnd) stillOpen = open;
      } else if (ctxSig) {
        // A hunk that opens with the body's `{` in column 0: git's context line is the signature right above it.
        const opensBody = OPEN_BRACE_LINE.test(body.find((l) => !isBlank(l.text))?.text ?? "");
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
      const sigText = signatureTextOf(lines, i, brace);
      const sig = signatureOfFound(sigText);
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
          lines: range(lines, i, last + 1),
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
  return pieces.map((p) => new ShownFunction(file.path, p));
}
