import { DEFAULT_LIMITS } from "../../limits.js";
import { codeTokens, ID, tokenize, Tokens, tokensText } from "./tokenizer.js";

/**
 * Reads a C function declaration (`static int foo(struct bar *b, int n)`,
 * possibly cut short) into its name, return type and parameter names.
 */

export interface Signature {
  name: string;
  returnType: string;
  isVoid: boolean;
  params: string[];
}

/**
 * `text` with each run of white space folded to one space, as
 * `text.replace(/\s+/g, " ")` does; most signatures have nothing to fold and
 * come back as they are, without a new string.
 */
export function foldSpace(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Past ASCII, leave the white space question to the regex.
    const foldsHere = c === 32 ? isSpaceOrWide(text.charCodeAt(i + 1)) : (c >= 9 && c <= 13) || c >= 128;
    if (foldsHere) return text.replace(/\s+/g, " ");
  }
  return text;
}

function isSpaceOrWide(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c >= 128;
}

/**
 * Parses a declaration `static int foo(struct bar *b, int n)` (possibly cut
 * short). Not remembered: each definition's signature is read once (the
 * callers pass on what they read), and the few texts that came back were not
 * worth building and hashing a key for every text.
 */
export function parseSignature(text: string): Signature | null {
  const folded = foldSpace(text);
  // Too long to tokenize: no tokens, so no signature (whatever the spacing at its ends).
  if (folded.length > DEFAULT_LIMITS.maxLineLength) return null;
  return readSignature(folded);
}

/** Words that can stand before `(` without naming a function. */
const NOT_NAMES = new Set(["if", "for", "while", "switch", "return", "sizeof"]);

/** Annotations (`__user`, `__maybe_unused`) are not names unless nothing else is. */
const ANNOTATION = /^__\w+$/;

/**
 * Reads a signature from its text, white space already folded. Plain loops
 * over the tokens rather than chains of find/filter/slice: every function a
 * diff shows passes through here, and the intermediate lists were garbage.
 */
function readSignature(text: string): Signature | null {
  try {
    return readTokens(codeTokens(tokenize([{ kind: "ctx", newLine: 0, text }], undefined, scratch)));
  } finally {
    scratch.release();
  }
}

/** The tokens of the signature being read, reused for every signature. */
const scratch = new Tokens();

function readTokens(toks: Tokens): Signature | null {
  const texts = toks.text;
  let open = -1;
  for (let i = 1; i < toks.length && open < 0; i++) if (texts[i] === "(" && toks.kind[i - 1] === ID) open = i;
  if (open < 1) return null;
  const name = texts[open - 1] ?? "";
  if (NOT_NAMES.has(name)) return null;
  let hasVoid = false;
  let hasStar = false;
  for (let i = 0; i < open - 1; i++) {
    const s = texts[i] as string;
    if (s === "=" || s === ";" || s === "{" || s === "(") return null;
    if (s === "void") hasVoid = true;
    else if (s === "*") hasStar = true;
  }
  const returnType = tokensText(toks, 0, open - 1);
  // Names found so far (in paramNames), and the current parameter's tokens (indices into `toks`, in paramScratch).
  let found = 0;
  let count = 0;
  let depth = 0;
  // True once the parameter holds a `[`: array bounds (`int a[N]`) are not names, so their contents are skipped.
  let inBounds = false;
  for (let i = open + 1; i < toks.length; i++) {
    const t = texts[i] as string;
    if (t === "(" || t === "[") depth++;
    else if (t === ")" || t === "]") {
      if (depth === 0) break;
      depth--;
    } else if (t === "," && depth === 0) {
      const param = count > 0 ? paramName(toks, paramScratch, count) : null;
      if (param !== null) paramNames[found++] = param;
      count = 0;
      inBounds = false;
      continue;
    }
    if (depth > 0 && inBounds) continue;
    if (count === paramScratch.length) paramScratch = growInts(paramScratch);
    paramScratch[count++] = i;
    if (t === "[") inBounds = true;
  }
  const last = count > 0 ? paramName(toks, paramScratch, count) : null;
  if (last !== null) paramNames[found++] = last;
  const names = paramNames.slice(0, found);
  paramNames.fill("", 0, found);
  return { name, returnType, isVoid: hasVoid && !hasStar, params: names };
}

/** The names read so far and the tokens of the parameter being read, reused for every signature (reading never nests). */
const paramNames: string[] = [];
let paramScratch: Int32Array = new Int32Array(64);

function growInts(a: Int32Array): Int32Array {
  const grown = new Int32Array(a.length * 2);
  grown.set(a);
  return grown;
}

/** The name one parameter's tokens (indices into `toks`) declare, `...` for varargs, or null (`void`, a bare type). */
function paramName(toks: Tokens, current: Int32Array, length: number): string | null {
  const texts = toks.text;
  let fnPtr = -1;
  let variadic = false;
  let ids = 0;
  let named = 0;
  let lastId = "";
  let lastNamed = "";
  for (let i = 0; i < length; i++) {
    const k = current[i] as number;
    const t = texts[k] as string;
    if (fnPtr < 0 && t === "*" && i > 0 && texts[current[i - 1] as number] === "(") fnPtr = i;
    if (t === "...") variadic = true;
    if (toks.kind[k] !== ID) continue;
    ids++;
    lastId = t;
    if (!ANNOTATION.test(t)) {
      named++;
      lastNamed = t;
    }
  }
  if (variadic) return "...";
  const count = named > 1 ? named : ids;
  const nameTok = fnPtr >= 0 ? (fnPtr + 1 < length ? texts[current[fnPtr + 1] as number] : undefined) : named > 1 ? lastNamed : lastId;
  const only = length === 1 && texts[current[0] as number] === "void";
  return !only && nameTok && count > 1 ? nameTok : null;
}
