import type { DiffLine } from "../../src/model.js";
import { newBlock } from "./words-c.js";
import type { ProseResult } from "./words-c.js";
import { hasAsciiLetter, indentOf, isSpace } from "./words-tokens.js";

/**
 * Prose in documentation files (reStructuredText, plain text, Markdown):
 * every line except literal blocks (after `::`, `.. code-block::`, Markdown
 * fences), directive lines and comments that hold markup only.
 */

/** Characters of section underlines and table borders: `=-~^"'\`#*+_.:|`. */
const RULE_CHARS = new Set(Array.from("=-~^\"'`#*+_.:|", (c) => c.charCodeAt(0)));

/**
 * A non-empty line of rule characters and white space only (a section
 * underline, a table border), as `/^[=\-~^"'\`#*+_.:|]+$/` says of the line
 * without its white space, read in place.
 */
function isRuleLine(trimmed: string): boolean {
  let any = false;
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed.charCodeAt(i);
    if (isSpace(c)) continue;
    if (!RULE_CHARS.has(c)) return false;
    any = true;
  }
  return any;
}

/** Scans a documentation hunk, appending to `out` (documentation has no code). */
export function scanDoc(lines: readonly DiffLine[], out: ProseResult = { spans: [], code: [] }): ProseResult {
  const spans = out.spans;
  // Indent of the paragraph that opened a literal block; -1 when not in one.
  let literalIndent = -1;
  let pendingLiteral = -1;
  let fenced = false;
  let block = newBlock();
  for (const l of lines) {
    if (l.kind === "del") continue;
    const text = l.text;
    const trimmed = text.trim();
    if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    if (trimmed === "") {
      block = newBlock();
      if (pendingLiteral >= 0) {
        literalIndent = pendingLiteral;
        pendingLiteral = -1;
      }
      continue;
    }
    const indent = indentOf(text);
    if (literalIndent >= 0) {
      if (indent > literalIndent) continue;
      literalIndent = -1;
    }
    if (trimmed.charCodeAt(0) === 46 && trimmed.charCodeAt(1) === 46 && isSpace(trimmed.charCodeAt(2))) {
      // Directives (`.. code-block:: c`, `.. kernel-doc::`) open literal
      // content; `.. _label:` and comments hold no prose we check.
      if (trimmed.includes("::")) pendingLiteral = indent;
      continue;
    }
    if (trimmed.endsWith("::")) pendingLiteral = indent;
    // Section underlines, table borders.
    if (isRuleLine(trimmed)) continue;
    if (l.kind === "add" && l.newLine !== null && hasAsciiLetter(trimmed)) {
      spans.push({ line: l.newLine, text, block, kind: "doc" });
    }
  }
  return out;
}
