import type { DiffLine } from "../../src/model.js";
import { newBlock } from "./words-c.js";
import type { ProseResult, ProseSpan } from "./words-c.js";
import { indentOf } from "./words-tokens.js";

/**
 * Prose in documentation files (reStructuredText, plain text, Markdown):
 * every line except literal blocks (after `::`, `.. code-block::`, Markdown
 * fences), directive lines and comments that hold markup only.
 */

/** Scans a documentation hunk. */
export function scanDoc(lines: readonly DiffLine[]): ProseResult {
  const spans: ProseSpan[] = [];
  const newSide = lines.filter((l) => l.kind !== "del");
  // Indent of the paragraph that opened a literal block; -1 when not in one.
  let literalIndent = -1;
  let pendingLiteral = -1;
  let fenced = false;
  let block = newBlock();
  for (const l of newSide) {
    const text = l.text;
    const trimmed = text.trim();
    if (/^(```|~~~)/.test(trimmed)) {
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
    if (/^\.\.\s/.test(trimmed)) {
      // Directives (`.. code-block:: c`, `.. kernel-doc::`) open literal
      // content; `.. _label:` and comments hold no prose we check.
      if (trimmed.includes("::")) pendingLiteral = indent;
      continue;
    }
    if (trimmed.endsWith("::")) pendingLiteral = indent;
    // Section underlines, table borders.
    if (/^[=\-~^"'`#*+_.:|]+$/.test(trimmed.replace(/\s+/g, ""))) continue;
    if (l.kind === "add" && l.newLine !== null && /[A-Za-z]/.test(trimmed)) {
      spans.push({ line: l.newLine, text, block, kind: "doc" });
    }
  }
  return { spans, code: [] };
}
