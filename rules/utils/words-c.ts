import type { DiffLine } from "../../src/model.js";
import { mentions } from "./mentions.js";

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
  private readonly fragments: string[] = [];
  private text: string | null = null;

  add(fragments: readonly string[]): void {
    for (const f of fragments) this.fragments.push(f);
    this.text = null;
  }

  has(word: string): boolean {
    this.text ??= this.fragments.join("\n").toLowerCase();
    return word !== "" && mentions(this.text, word);
  }
}

/** Block ids are unique per process run; only equality matters. */
let nextBlock = 1;
export function newBlock(): number {
  return nextBlock++;
}

/** Characters after which C code may turn into a comment, a string or a char literal. */
const SPECIAL = /[/"']/g;

/** printk conversions (`%-8s`, `%llu`, `%pS`, `%*pbl`) and escapes are not words. */
export function cleanStringLiteral(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, " ").replace(/%%|%[-+ #0]*(\d+|\*)?(\.(\d+|\*))?(hh|ll|h|l|L|z|j|t|q)?(p[A-Za-z]+|[a-zA-Z])/g, " ");
}

/** A line that continues a block comment whose start the hunk does not show. */
function looksLikeCommentMiddle(text: string): boolean {
  const t = text.trim();
  if (/^\*(\s|$|\/)/.test(t)) return true;
  const close = text.indexOf("*/");
  const open = text.indexOf("/*");
  return close >= 0 && (open < 0 || close < open);
}

/** Strips the ` * ` decoration a block comment line starts with. */
function commentText(s: string, atLineStart: boolean): string {
  return atLineStart ? s.replace(/^\s*\*+(?!\/)/, (m) => " ".repeat(m.length)) : s.replace(/^[*!]+/, (m) => " ".repeat(m.length));
}

/**
 * Scans the lines of one hunk. Deleted lines are skipped (they are not in the
 * new file); context lines carry the comment state and identifiers; added
 * lines also yield prose spans.
 */
export function scanCLike(lines: readonly DiffLine[]): ProseResult {
  const spans: ProseSpan[] = [];
  const codeOut: string[] = [];
  const newSide = lines.filter((l) => l.kind !== "del");
  const first = newSide.find((l) => l.text.trim() !== "");
  let inComment = first !== undefined && looksLikeCommentMiddle(first.text);
  let block = newBlock();
  let lineCommentBlock = false;

  for (const l of newSide) {
    const text = l.text;
    const emit = l.kind === "add" && l.newLine !== null;
    const push = (s: string, kind: ProseSpan["kind"], b: number): void => {
      if (emit && l.newLine !== null && /[A-Za-z]/.test(s)) spans.push({ line: l.newLine, text: s, block: b, kind });
    };
    // `#include "x.h"` and `#include <x.h>` name files, not prose.
    if (/^\s*#\s*include\b/.test(text)) {
      lineCommentBlock = false;
      continue;
    }
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
      SPECIAL.lastIndex = i;
      const special = SPECIAL.exec(text);
      const at = special ? special.index : text.length;
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
        if (!/MODULE_AUTHOR\s*\(\s*$/.test(code)) push(cleanStringLiteral(text.slice(i + 1, Math.min(j, text.length))), "string", newBlock());
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
