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
 * on first use instead of every identifier going into a set.
 */
export class LazyIdentifiers {
  /** Each hunk's code, one line per fragment, as the scanner returned it. */
  private readonly hunks: (readonly string[])[] = [];
  private text: string | null = null;
  /** A misspelling tends to recur in a patch: each word is searched for once. */
  private readonly answers = new Map<string, boolean>();

  add(fragments: readonly string[]): void {
    if (fragments.length > 0) this.hunks.push(fragments);
    this.text = null;
    this.answers.clear();
  }

  has(word: string): boolean {
    let found = this.answers.get(word);
    if (found === undefined) {
      this.text ??= joinLower(this.hunks);
      found = word !== "" && mentions(this.text, word);
      this.answers.set(word, found);
    }
    return found;
  }
}

/** Every fragment of every hunk, one per line, lower-cased: one copy of the code, not one per hunk and another for the whole. */
function joinLower(hunks: readonly (readonly string[])[]): string {
  const all: string[] = [];
  for (const h of hunks) for (const fragment of h) all.push(fragment);
  return all.join("\n").toLowerCase();
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

/** `#include` lines; the pattern runs only on a line whose first non-space character is `#`. */
function isInclude(text: string): boolean {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === 35 && /^\s*#\s*include\b/.test(text);
}

/** printk conversions (`%-8s`, `%llu`, `%pS`, `%*pbl`) and escapes are not words. */
export function cleanStringLiteral(s: string): string {
  // Each pattern needs its lead character: most literals have neither, and keep their text.
  let out = s.includes("\\") ? s.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, " ") : s;
  if (out.includes("%")) out = out.replace(/%%|%[-+ #0]*(\d+|\*)?(\.(\d+|\*))?(hh|ll|h|l|L|z|j|t|q)?(p[A-Za-z]+|[a-zA-Z])/g, " ");
  return out;
}

/** A line that continues a block comment whose start the hunk does not show. */
function looksLikeCommentMiddle(text: string): boolean {
  const t = text.trim();
  if (/^\*(\s|$|\/)/.test(t)) return true;
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

/**
 * Scans the lines of one hunk. Deleted lines are skipped (they are not in the
 * new file); context lines carry the comment state and identifiers; added
 * lines also yield prose spans.
 */
export function scanCLike(lines: readonly DiffLine[]): ProseResult {
  const spans: ProseSpan[] = [];
  const codeOut: string[] = [];
  const first = lines.find((l) => l.kind !== "del" && l.text.trim() !== "");
  let inComment = first !== undefined && looksLikeCommentMiddle(first.text);
  let block = newBlock();
  let lineCommentBlock = false;
  const specials = new Specials();
  // The new-side number of the line being scanned when it is added (its prose is checked), else null.
  let emitLine: number | null = null;
  const push = (s: string, kind: ProseSpan["kind"], b: number): void => {
    if (emitLine !== null && hasAsciiLetter(s)) spans.push({ line: emitLine, text: s, block: b, kind });
  };

  for (const l of lines) {
    if (l.kind === "del") continue;
    const text = l.text;
    emitLine = l.kind === "add" ? l.newLine : null;
    // `#include "x.h"` and `#include <x.h>` name files, not prose.
    if (isInclude(text)) {
      lineCommentBlock = false;
      continue;
    }
    specials.reset(text);
    let code = "";
    let i = 0;
    let sawLineComment = false;
    let atLineStart = true;
    while (i < text.length) {
      if (inComment) {
        const end = text.indexOf("*/", i);
        const piece = end < 0 ? text.slice(i) : text.slice(i, end);
        push(commentText(piece, atLineStart), "comment", block);
        if (end < 0) {
          i = text.length;
        } else {
          inComment = false;
          i = end + 2;
        }
        atLineStart = false;
        continue;
      }
      // Plain code runs up to the next character that may open a comment, a string or a char literal.
      const at = specials.next(i);
      if (at > i) {
        code += text.slice(i, at);
        i = at;
        continue;
      }
      // In range (i < text.length), so a string, as text[i] would be.
      const c = text.charAt(i);
      const next = text[i + 1];
      if (c === "/" && next === "/") {
        // Consecutive `//` lines form one block, so a doubled word can span them.
        if (!(lineCommentBlock && code.trim() === "")) block = newBlock();
        push(text.slice(i + 2).replace(/^[/!]+/, ""), "comment", block);
        sawLineComment = code.trim() === "";
        i = text.length;
        continue;
      }
      if (c === "/" && next === "*") {
        block = newBlock();
        inComment = true;
        i += 2;
        atLineStart = false;
        continue;
      }
      if (c === '"') {
        let j = i + 1;
        while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
        // MODULE_AUTHOR("Name <addr>") holds a name, not prose.
        if (!(code.includes("MODULE_AUTHOR") && /MODULE_AUTHOR\s*\(\s*$/.test(code)))
          push(cleanStringLiteral(text.slice(i + 1, Math.min(j, text.length))), "string", newBlock());
        i = j + 1;
        continue;
      }
      if (c === "'") {
        // A char literal closes within a few characters; otherwise it is a
        // Rust lifetime or an apostrophe, and just code.
        const close = text.indexOf("'", i + 1);
        if (close > i && close - i <= 6 && (close - i === 2 || text[i + 1] === "\\")) {
          i = close + 1;
          continue;
        }
      }
      code += c;
      i++;
    }
    lineCommentBlock = sawLineComment;
    if (code !== "") codeOut.push(code);
  }
  return { spans, code: codeOut };
}
