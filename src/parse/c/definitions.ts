import type { Signature } from "./signature.js";
import { parseSignature } from "./signature.js";
import type { CLine } from "./types.js";

/**
 * Where the functions a diff shows start: the signature git names on a
 * hunk's `@@` line, and definitions beginning in column 0 of the new side.
 */

/** How many lines a signature may span before we give up on it. */
const MAX_SIGNATURE_LINES = 12;

/** Not indented: where kernel style starts a definition (or a label, or a top-level brace). */
export const atColumn0 = (t: string): boolean => t.length > 0 && !t.startsWith(" ") && !t.startsWith("\t");
/*
 * Module constants: a regex literal inside a function is a new RegExp object
 * on every call, and these run for every line of every C file a patch shows.
 */
const LABEL_LINE = /^[A-Za-z_]\w*:(\s|$)/;
/** A line holding only a `{`. */
export const OPEN_BRACE_LINE = /^\{\s*$/;
const OPENS_AGGREGATE = /^(struct|union|enum)\s+\w+\s*\{/;
const OPENS_AGGREGATE_INDENTED = /^\s*(struct|union|enum)\s+\w*\s*\{/;
const ENDS_INITIALISER = /=\s*\{?\s*$/;
const ENDS_DECLARATION = /[;=]\s*$/;
const ENDS_SIGNATURE = /\)\s*\{\s*$/;
const TRAILING_BRACE = /\{\s*$/;
const COMMENTS = /\/\*.*?\*\/|\/\/.*$/g;

/** A goto label (`err:`) in column 0, `default:` aside. */
export const isLabelLine = (t: string): boolean => LABEL_LINE.test(t) && !t.startsWith("default:");

/**
 * The function git's `@@` context names (not a struct or an initializer), or
 * null. Consecutive hunks of one function repeat the context: the last answer
 * is kept for them.
 */
export function contextSignature(ctx: string): Signature | null {
  if (ctx !== lastContext) {
    lastContext = ctx;
    lastContextSignature = readContext(ctx);
  }
  return lastContextSignature;
}
let lastContext = "";
let lastContextSignature: Signature | null = null;

function readContext(ctx: string): Signature | null {
  if (!ctx || ctx.startsWith("#") || !ctx.includes("(")) return null;
  if (OPENS_AGGREGATE.test(ctx)) return null;
  // `static const u32 regs[ARRAY_SIZE(x)] = {`: an initialiser, whatever parentheses it holds.
  if (ENDS_INITIALISER.test(ctx)) return null;
  return parseSignature(ctx);
}

/**
 * The signature the last `definitionAt` read, when it is also the answer for
 * the text `signatureTextOf` builds from the same lines: null when that text
 * differs by more than spacing (a comment cut out, code after the brace).
 */
let definitionSignature: Signature | null = null;

/** If a definition starts at `i`, the index of the line that holds its opening brace. */
export function definitionAt(lines: readonly CLine[], i: number): number {
  definitionSignature = null;
  const first = lines[i]?.text ?? "";
  if (!atColumn0(first) || first.startsWith("#") || first.startsWith("/") || first.startsWith("*") || first.startsWith("}") || first.startsWith("{")) return -1;
  if (isLabelLine(first)) return -1;
  // Whether `text` equals the one signatureTextOf builds, but for spacing.
  let same = isPlainAscii(first.charCodeAt(0));
  let text = "";
  for (let k = i; k < lines.length && k < i + MAX_SIGNATURE_LINES; k++) {
    const t = lines[k]?.text ?? "";
    if (k > i && t.startsWith("{")) return definitionFound(text.includes("(") ? parseSignature(text) : null, same && OPEN_BRACE_LINE.test(t), k);
    // Only a `/` can open a comment: the other lines need no regex and no copy.
    const code = t.includes("/") ? t.replace(COMMENTS, "") : t;
    if (code !== t) same = false;
    text += " " + code;
    if (ENDS_DECLARATION.test(t) || OPENS_AGGREGATE_INDENTED.test(t)) return -1;
    if (ENDS_SIGNATURE.test(t)) return definitionFound(parseSignature(text), same, k);
  }
  return -1;
}

/**
 * No white space or wide character first: `signatureTextOf` puts a space at
 * the end where `definitionAt` has one at the start, and only then are both
 * folded texts equally long (over the length limit there is no signature).
 */
const isPlainAscii = (c: number): boolean => c > 32 && c < 128;

/**
 * The signature of the definition `definitionAt` last found, `sigText` being
 * its text from `signatureTextOf`: read again only when the text `definitionAt`
 * read differs from it by more than spacing.
 */
export function signatureOfFound(sigText: string): Signature | null {
  return definitionSignature ?? parseSignature(sigText);
}

function definitionFound(sig: Signature | null, same: boolean, brace: number): number {
  if (!sig) return -1;
  if (same) definitionSignature = sig;
  return brace;
}

/**
 * The signature on lines `from` to `brace`, joined by spaces, without the
 * body's `{` (only ever on the last line). Concatenated: a slice, map and join
 * left two arrays behind for every definition.
 */
export function signatureTextOf(lines: readonly CLine[], from: number, brace: number): string {
  let text = "";
  for (let k = from; k < brace; k++) text += (lines[k]?.text ?? "") + " ";
  return text + (lines[brace]?.text ?? "").replace(TRAILING_BRACE, "");
}
