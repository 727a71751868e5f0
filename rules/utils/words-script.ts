import type { DiffLine } from "../../src/model.js";
import { cleanStringLiteral, newBlock } from "./words-c.js";
import type { ProseResult } from "./words-c.js";
import { indentOf } from "./words-tokens.js";

/**
 * Prose in `#`-comment languages (shell, Python, Perl, Makefiles, Kbuild,
 * YAML) and in Kconfig files (comments, prompts and `help` text).
 */

/**
 * Where the `#` comment of a line starts, or -1. A `#` inside quotes, in
 * `$#`/`${#x}`, or glued to a word is not a comment.
 */
export function hashCommentStart(text: string, makefile: boolean): number {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "\\") {
      i++;
      continue;
    }
    if (!makefile && (c === '"' || c === "'")) {
      quote = c;
      continue;
    }
    if (c === "#") {
      // Make treats every unescaped `#` as a comment; shells only one that starts a word.
      if (makefile || i === 0 || /\s/.test(text[i - 1] ?? "")) return i;
    }
  }
  return -1;
}

/** Scans a hunk of a `#`-comment language, appending to `out`. */
export function scanHashComments(lines: readonly DiffLine[], makefile: boolean, out: ProseResult = { spans: [], code: [] }): ProseResult {
  const { spans, code } = out;
  let block = newBlock();
  let prevWasComment = false;
  for (const l of lines) {
    if (l.kind === "del") continue;
    const text = l.text;
    const at = text.startsWith("#!") ? -1 : hashCommentStart(text, makefile);
    const lineCode = at < 0 ? text : text.slice(0, at);
    code.push(lineCode.replace(/(["'])(?:\\.|(?!\1).)*\1/g, " "));
    if (at < 0) {
      prevWasComment = false;
      continue;
    }
    const onlyComment = lineCode.trim() === "";
    if (!(prevWasComment && onlyComment)) block = newBlock();
    prevWasComment = onlyComment;
    const prose = text.slice(at).replace(/^#+/, (m) => " ".repeat(m.length));
    if (l.kind === "add" && l.newLine !== null && /[A-Za-z]/.test(prose)) {
      spans.push({ line: l.newLine, text: prose, block, kind: "comment" });
    }
  }
  return out;
}

const KCONFIG_KEYWORD =
  /^(config|menuconfig|choice|endchoice|menu|endmenu|if|endif|source|rsource|osource|comment|mainmenu|bool|boolean|tristate|string|hex|int|prompt|default|def_bool|def_tristate|depends|select|imply|range|visible|option|modules|transitional|help|---help---)\b/;
const KCONFIG_PROMPT = /^(bool|boolean|tristate|string|hex|int|prompt|comment|menu|mainmenu)\s+"((?:\\.|[^"\\])*)"/;

/**
 * Scans a Kconfig hunk: `help` text runs while lines are indented deeper than
 * the `help` keyword. A hunk that opens inside help text (deeply indented
 * lines that are not keywords) starts in help mode. Appends to `out`.
 */
export function scanKconfig(lines: readonly DiffLine[], out: ProseResult = { spans: [], code: [] }): ProseResult {
  const { spans, code } = out;
  const newSide = lines.filter((l) => l.kind !== "del");
  const first = newSide.find((l) => l.text.trim() !== "");
  let helpIndent = -1;
  if (first && !KCONFIG_KEYWORD.test(first.text.trim()) && !first.text.trim().startsWith("#") && indentOf(first.text) >= 9) {
    helpIndent = indentOf(first.text) - 1;
  }
  let block = newBlock();
  for (const l of newSide) {
    const text = l.text;
    const trimmed = text.trim();
    const emit = (s: string, b: number): void => {
      if (l.kind === "add" && l.newLine !== null && /[A-Za-z]/.test(s)) spans.push({ line: l.newLine, text: s, block: b, kind: "doc" });
    };
    if (helpIndent >= 0) {
      if (trimmed === "") {
        block = newBlock();
        continue;
      }
      if (indentOf(text) > helpIndent) {
        emit(text, block);
        continue;
      }
      helpIndent = -1;
    }
    if (/^(help|---help---)$/.test(trimmed)) {
      helpIndent = indentOf(text);
      block = newBlock();
      continue;
    }
    if (trimmed.startsWith("#")) {
      emit(trimmed.replace(/^#+/, ""), newBlock());
      continue;
    }
    const prompt = KCONFIG_PROMPT.exec(trimmed);
    if (prompt) emit(cleanStringLiteral(prompt[2] ?? ""), newBlock());
    code.push(trimmed.replace(/"(?:\\.|[^"\\])*"/g, " "));
  }
  return out;
}
