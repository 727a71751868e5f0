import type { DiffLine } from "../../src/model.js";
import { mentions } from "./mentions.js";
import { hasAsciiLetter, isSpace } from "./words-tokens.js";

/**
 * Prose in C-like sources (C, headers, assembly, device trees, Rust): the
 * text of comments and string literals on added lines, and the identifiers
 * of the code around them. A small scanner, not a parser: it only needs to
 * know whether a character is code, comment or string.
 */

/** One piece of prose on one new-side line. */
export interface ProseSpan {
  line: number;
  text: string;
  /** Spans of one comment block or paragraph share an id (words may run across lines). */
  block: number;
  kind: "comment" | "string" | "doc" | "message";
}

/** What a scanner hands back for one hunk. */
export interface ProseResult {
  spans: ProseSpan[];
  /** The code (not comments or strings) of the hunk's new-side lines, whose identifier tokens are not prose. */
  code: string[];
}

/**
 * "Is this word a whole identifier of the patch's code?" (lower case), for
 * the few words the spelling check flags: the code is joined and searched
 * on first use instead of every identifier going into a set, and the words
 * of a patch are searched for together.
 */
export class LazyIdentifiers {
  /** Each hunk's code (or a patch's), one line per fragment, as the scanners returned it. */
  private readonly hunks: (readonly string[])[] = [];
  private text: string | null = null;
  private lower: string | null = null;
  /** A misspelling tends to recur in a patch: each word is searched for once (made on the first question: most patches ask none). */
  private answers: Map<string, boolean> | null = null;

  add(fragments: readonly string[]): void {
    if (fragments.length > 0) this.hunks.push(fragments);
    this.text = null;
    this.lower = null;
    this.answers = null;
  }

  has(word: string): boolean {
    this.answers ??= new Map();
    let found = this.answers.get(word);
    if (found === undefined) {
      found = word !== "" && this.search(word);
      this.answers.set(word, found);
    }
    return found;
  }

  /**
   * The words of `words` that are whole identifiers, as `has` says of each:
   * words of ASCII letters are looked for all in one search of the code.
   */
  found(words: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const ascii: string[] = [];
    for (const w of words) {
      if (ASCII_WORD.test(w)) ascii.push(w);
      else if (this.has(w)) out.add(w);
    }
    if (ascii.length === 0) return out;
    if (!this.asWritten()) {
      for (const w of ascii) if (this.has(w)) out.add(w);
      return out;
    }
    for (const w of tokensIgnoringCase(this.joined(), ascii)) out.add(w);
    return out;
  }

  /** All the code, one fragment per line. */
  private joined(): string {
    this.text ??= this.hunks.length === 1 ? (this.hunks[0] as readonly string[]).join("\n") : this.hunks.map((h) => h.join("\n")).join("\n");
    return this.text;
  }

  /**
   * Whether a search of the code as written, ignoring case, finds the
   * tokens a search of its lower-cased copy would: unless it holds one of
   * the two characters that lower-case into ASCII. That spares the copy.
   */
  private asWritten(): boolean {
    return !FOLDS_INTO_ASCII.test(this.joined());
  }

  /** `mentions` in the lower-cased code. */
  private search(word: string): boolean {
    if (ASCII_WORD.test(word) && this.asWritten()) return tokensIgnoringCase(this.joined(), [word]).size > 0;
    this.lower ??= this.joined().toLowerCase();
    return mentions(this.lower, word);
  }
}

const ASCII_WORD = /^[a-z]+$/;
/** The Kelvin sign lower-cases to "k", and "İ" to "i" and a combining dot; no other character lower-cases into ASCII. */
const FOLDS_INTO_ASCII = /[\u0130\u212a]/;

const isWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** Whether `text[start, end)` is a whole identifier token as `mentions` reads one: only digits may come right before it. */
function isTokenAt(text: string, start: number, end: number): boolean {
  // Past the end, charCodeAt gives NaN: no word character.
  if (isWordChar(text.charCodeAt(end))) return false;
  let j = start - 1;
  while (j >= 0 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j--;
  return !isWordChar(text.charCodeAt(j));
}

/**
 * The words of `words` (each of `a`-`z`) that `mentions(text.toLowerCase(),
 * word)` finds, for a text without the characters of FOLDS_INTO_ASCII. A
 * non-unicode `i` pattern matches an ASCII letter in either case and nothing
 * else (no character past ASCII matches one), one character for one, and
 * the word characters around a match are the same ones in either text.
 * Where several words match at one place, only the longest can be a whole
 * token (the others end before one of its letters): the pattern tries the
 * longest first.
 */
function tokensIgnoringCase(text: string, words: readonly string[]): Set<string> {
  const out = new Set<string>();
  const re = new RegExp([...words].sort((a, b) => b.length - a.length).join("|"), "gi");
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (isTokenAt(text, m.index, m.index + m[0].length)) out.add(m[0].toLowerCase());
    re.lastIndex = m.index + 1;
  }
  return out;
}

/** Block ids are unique per process run; only equality matters. */
let nextBlock = 1;
export function newBlock(): number {
  return nextBlock++;
}

/**
 * Where C code may turn into a comment, a string or a char literal on one
 * line: the next `/`, `"` or `'`. Each character's next position is found by
 * `indexOf` and kept until the scan passes it, so a line is read about once
 * per character, however many of them it holds.
 */
class Specials {
  private text = "";
  private slash = -1;
  private dquote = -1;
  private squote = -1;

  /** Starts on a new line. */
  reset(text: string): void {
    this.text = text;
    this.slash = -1;
    this.dquote = -1;
    this.squote = -1;
  }

  /** The first special character at or after `from`, or the line's length. */
  next(from: number): number {
    if (this.slash < from) this.slash = this.find("/", from);
    if (this.dquote < from) this.dquote = this.find('"', from);
    if (this.squote < from) this.squote = this.find("'", from);
    return Math.min(this.slash, this.dquote, this.squote);
  }

  private find(c: string, from: number): number {
    const at = this.text.indexOf(c, from);
    return at < 0 ? this.text.length : at;
  }
}

/** `#include` lines; the pattern runs only on a line whose first non-space character is `#` (most lines have none: indexOf looks first). */
function isInclude(text: string): boolean {
  const hash = text.indexOf("#");
  return hash >= 0 && isBlank(text, 0, hash) && /^\s*#\s*include\b/.test(text);
}

/** printk conversions (`%-8s`, `%llu`, `%pS`, `%*pbl`) and escapes are not words. */
export function cleanStringLiteral(s: string): string {
  // Each pattern needs its lead character: most literals have neither, and keep their text.
  let out = s.includes("\\") ? s.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, " ") : s;
  if (out.includes("%")) out = out.replace(/%%|%[-+ #0]*(\d+|\*)?(\.(\d+|\*))?(hh|ll|h|l|L|z|j|t|q)?(p[A-Za-z]+|[a-zA-Z])/g, " ");
  return out;
}

/** Char codes of the characters the scanner stops at. */
const SLASH = 47;
const STAR = 42;
const DQUOTE = 34;
const SQUOTE = 39;

/** A line that continues a block comment whose start the hunk does not show. */
function looksLikeCommentMiddle(text: string): boolean {
  // A star first, then white space, a slash or nothing (the line trimmed starts with `* `, `*/` or is `*`).
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === STAR && (i + 1 === text.length || isSpace(text.charCodeAt(i + 1)) || text.charCodeAt(i + 1) === SLASH)) return true;
  const close = text.indexOf("*/");
  const open = text.indexOf("/*");
  return close >= 0 && (open < 0 || close < open);
}

/**
 * Blanks the decoration a block comment line starts with, keeping offsets:
 * at the start of a line, white space and a run of stars, less the last star
 * when a slash follows it (that star closes the comment); right after the
 * comment opens, a run of stars and exclamation marks (kernel-doc and
 * Doxygen openers).
 */
export function commentText(s: string, atLineStart: boolean): string {
  let end = 0;
  if (atLineStart) {
    let i = 0;
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    let stars = i;
    while (stars < s.length && s.charCodeAt(stars) === 42) stars++;
    // A `*` right before `/` stays: it closes the comment.
    if (stars < s.length && s.charCodeAt(stars) === 47) stars--;
    if (stars > i) end = stars;
  } else {
    while (end < s.length && (s.charCodeAt(end) === 42 || s.charCodeAt(end) === 33)) end++;
  }
  return end === 0 ? s : " ".repeat(end) + s.slice(end);
}

/** Whether `text[from, to)` is white space only, as `text.slice(from, to).trim() === ""` says. */
function isBlank(text: string, from = 0, to = text.length): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

/** The first line the new side shows with something on it. */
function firstShown(lines: readonly DiffLine[]): DiffLine | undefined {
  for (const l of lines) if (l.kind !== "del" && !isBlank(l.text)) return l;
  return undefined;
}

/** A span for a piece of an added line that holds a letter. */
function emit(out: ProseResult, line: number, text: string, kind: ProseSpan["kind"], block: number): void {
  if (hasAsciiLetter(text)) out.spans.push({ line, text, block, kind });
}

/** One per process: a scan runs to its end before the next begins. */
const specials = new Specials();

/**
 * Scans the lines of one hunk. Deleted lines are skipped (they are not in the
 * new file); context lines carry the comment state and identifiers; added
 * lines also yield prose spans. Appends to `out` (one per file, say), which
 * it returns.
 */
export function scanCLike(lines: readonly DiffLine[], out: ProseResult = { spans: [], code: [] }): ProseResult {
  const first = firstShown(lines);
  let inComment = first !== undefined && looksLikeCommentMiddle(first.text);
  let block = newBlock();
  let lineCommentBlock = false;

  for (const l of lines) {
    if (l.kind === "del") continue;
    const text = l.text;
    // The new-side number of an added line (its prose is checked), else null.
    const emitLine = l.kind === "add" ? l.newLine : null;
    // `#include "x.h"` and `#include <x.h>` name files, not prose.
    if (isInclude(text)) {
      lineCommentBlock = false;
      continue;
    }
    specials.reset(text);
    // The line's code is `code` and then `text[from, i)`: it is copied out
    // only where a comment, string or char literal is cut from it, so a line
    // of plain code is kept as it is.
    let code = "";
    let from = 0;
    let i = 0;
    let sawLineComment = false;
    let atLineStart = true;
    while (i < text.length) {
      if (inComment) {
        const end = text.indexOf("*/", i);
        // Only an added line's prose is cut out: a context line's is not checked.
        if (emitLine !== null) emit(out, emitLine, commentText(end < 0 ? text.slice(i) : text.slice(i, end), atLineStart), "comment", block);
        if (end < 0) {
          i = text.length;
        } else {
          inComment = false;
          i = end + 2;
        }
        from = i;
        atLineStart = false;
        continue;
      }
      // Plain code runs up to the next character that may open a comment, a string or a char literal.
      const at = specials.next(i);
      if (at > i) {
        i = at;
        continue;
      }
      const c = text.charCodeAt(i);
      const next = text.charCodeAt(i + 1);
      if (c === SLASH && next === SLASH) {
        code += text.slice(from, i);
        // Consecutive `//` lines form one block, so a doubled word can span them.
        if (!(lineCommentBlock && isBlank(code))) block = newBlock();
        if (emitLine !== null) emit(out, emitLine, text.slice(i + 2).replace(/^[/!]+/, ""), "comment", block);
        sawLineComment = isBlank(code);
        i = from = text.length;
        continue;
      }
      if (c === SLASH && next === STAR) {
        code += text.slice(from, i);
        block = newBlock();
        inComment = true;
        i = from = i + 2;
        atLineStart = false;
        continue;
      }
      if (c === DQUOTE) {
        code += text.slice(from, i);
        let j = i + 1;
        while (j < text.length && text.charCodeAt(j) !== DQUOTE) j += text.charCodeAt(j) === 92 ? 2 : 1;
        // MODULE_AUTHOR("Name <addr>") holds a name, not prose.
        if (emitLine !== null && !(code.includes("MODULE_AUTHOR") && /MODULE_AUTHOR\s*\(\s*$/.test(code)))
          emit(out, emitLine, cleanStringLiteral(text.slice(i + 1, Math.min(j, text.length))), "string", newBlock());
        i = from = j + 1;
        continue;
      }
      if (c === SQUOTE) {
        // A char literal closes within a few characters; otherwise it is a
        // Rust lifetime or an apostrophe, and just code.
        const close = text.indexOf("'", i + 1);
        if (close > i && close - i <= 6 && (close - i === 2 || next === 92)) {
          code += text.slice(from, i);
          i = from = close + 1;
          continue;
        }
      }
      // A lone `/` or `'` is code.
      i++;
    }
    // From 0, the slice is the line itself: no copy.
    if (from < text.length) code += text.slice(from);
    lineCommentBlock = sawLineComment;
    if (code !== "") out.code.push(code);
  }
  return out;
}
