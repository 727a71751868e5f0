import { DEFAULT_LIMITS } from "../../limits.js";
import type { CLine } from "./types.js";

/**
 * A small C tokenizer for the lines a diff shows. It knows comments (also
 * multi-line, also when a hunk starts in the middle of one), strings, char
 * literals, preprocessor lines with their `\` continuations, numbers,
 * identifiers and punctuation. One pass over the characters, no backtracking
 * regex: hostile 5,000-character lines cost linear time.
 */

export type TokenKind = "id" | "num" | "str" | "char" | "punct" | "pp" | "comment";

export interface Token {
  kind: TokenKind;
  text: string;
  /** New-side line the token starts on. */
  line: number;
}

/**
 * The operator starting at `i` (first character code `c`), longest first:
 * the two- and three-character operators are kept whole (so `->` is not `-`
 * `>`): `...`, `<<=`, `>>=`, `->`, `++`, `--`, `<<`, `>>`, `<=`, `>=`, `==`,
 * `!=`, `&&`, `||`, `+=`, `-=`, `*=`, `/=`, `%=`, `&=`, `|=`, `^=`, `##`,
 * `::`. A switch on character codes: this runs for every punctuation
 * character of every function the patch shows.
 */
function punctAt(text: string, i: number, c: number): string {
  const d = text.charCodeAt(i + 1);
  switch (c) {
    case 46 /* . */:
      return d === 46 && text.charCodeAt(i + 2) === 46 ? "..." : ".";
    case 60 /* < */:
      if (d === 60) return text.charCodeAt(i + 2) === 61 ? "<<=" : "<<";
      return d === 61 ? "<=" : "<";
    case 62 /* > */:
      if (d === 62) return text.charCodeAt(i + 2) === 61 ? ">>=" : ">>";
      return d === 61 ? ">=" : ">";
    case 45 /* - */:
      return d === 62 ? "->" : d === 45 ? "--" : d === 61 ? "-=" : "-";
    case 43 /* + */:
      return d === 43 ? "++" : d === 61 ? "+=" : "+";
    case 38 /* & */:
      return d === 38 ? "&&" : d === 61 ? "&=" : "&";
    case 124 /* | */:
      return d === 124 ? "||" : d === 61 ? "|=" : "|";
    case 61 /* = */:
      return d === 61 ? "==" : "=";
    case 33 /* ! */:
      return d === 61 ? "!=" : "!";
    case 42 /* * */:
      return d === 61 ? "*=" : "*";
    case 47 /* / */:
      return d === 61 ? "/=" : "/";
    case 37 /* % */:
      return d === 61 ? "%=" : "%";
    case 94 /* ^ */:
      return d === 61 ? "^=" : "^";
    case 35 /* # */:
      return d === 35 ? "##" : "#";
    case 58 /* : */:
      return d === 58 ? "::" : ":";
    default:
      return text[i] ?? "";
  }
}

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Char code of the first character that is not white space, or -1 (NaN past ASCII white space only). */
function firstNonBlank(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Past ASCII, leave the white space question to the engine's trimStart().
    if (c >= 128) return text.trimStart().charCodeAt(0);
    if (c !== 32 && (c < 9 || c > 13)) return c;
  }
  return -1;
}

/** True when a hunk's first line looks like the inside of a block comment (a leading `*`). */
function startsInsideComment(text: string): boolean {
  const t = text.trimStart();
  if (t.startsWith("/*")) return false;
  return t === "*" || t.startsWith("* ") || t.startsWith("*\t") || t.startsWith("*/") || /^\*\s*@/.test(t);
}

/**
 * Tokenizes new-side lines in order. Lines longer than the configured cap are
 * skipped (generated tables and blobs are not code worth reviewing).
 */
export function tokenize(lines: readonly CLine[], maxLineLength = DEFAULT_LIMITS.maxLineLength): Token[] {
  const tokens: Token[] = [];
  let inComment = lines.length > 0 && startsInsideComment(lines[0]?.text ?? "");
  let commentText = "";
  let commentLine = lines[0]?.newLine ?? 0;
  let inPp = false;
  let ppText = "";
  let ppLine = 0;

  for (const cl of lines) {
    const text = cl.text.length > maxLineLength ? "" : cl.text;
    const line = cl.newLine;
    let i = 0;
    const n = text.length;

    if (inPp) {
      // A continued preprocessor line: everything is part of the directive.
      ppText += " " + text;
      if (!text.endsWith("\\")) {
        tokens.push({ kind: "pp", text: ppText, line: ppLine });
        inPp = false;
      }
      continue;
    }
    if (!inComment && firstNonBlank(text) === 35 /* # */) {
      ppText = text.trim();
      ppLine = line;
      if (text.endsWith("\\")) inPp = true;
      else tokens.push({ kind: "pp", text: ppText, line });
      continue;
    }

    while (i < n) {
      if (inComment) {
        const end = text.indexOf("*/", i);
        if (end < 0) {
          commentText += text.slice(i) + "\n";
          i = n;
        } else {
          commentText += text.slice(i, end + 2);
          tokens.push({ kind: "comment", text: commentText, line: commentLine });
          inComment = false;
          commentText = "";
          i = end + 2;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
        i++;
        continue;
      }
      if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
        inComment = true;
        commentText = "/*";
        commentLine = line;
        i += 2;
        continue;
      }
      if (c === 47 && text.charCodeAt(i + 1) === 47) {
        tokens.push({ kind: "comment", text: text.slice(i), line });
        i = n;
        continue;
      }
      if (c === 34 /* " */ || c === 39 /* ' */) {
        // Strings and char literals end at the matching quote or the end of the line.
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === 92 /* \ */) {
            j += 2;
            continue;
          }
          if (d === c) break;
          j++;
        }
        const end = Math.min(j + 1, n);
        tokens.push({ kind: c === 34 ? "str" : "char", text: text.slice(i, end), line });
        i = end;
        continue;
      }
      if (isIdStart(c)) {
        let j = i + 1;
        while (j < n && isIdPart(text.charCodeAt(j))) j++;
        tokens.push({ kind: "id", text: text.slice(i, j), line });
        i = j;
        continue;
      }
      if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
        let j = i + 1;
        while (j < n && (isIdPart(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
        tokens.push({ kind: "num", text: text.slice(i, j), line });
        i = j;
        continue;
      }
      const op = punctAt(text, i, c);
      tokens.push({ kind: "punct", text: op, line });
      i += op.length;
    }
  }
  if (inComment && commentText) tokens.push({ kind: "comment", text: commentText, line: commentLine });
  if (inPp) tokens.push({ kind: "pp", text: ppText, line: ppLine });
  return tokens;
}

/** Tokens without comments and preprocessor lines: what the structure pass reads. */
export function codeTokens(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== "comment" && t.kind !== "pp");
}

/** Joins tokens back into readable text (`a->b(c, d)`), for messages and pattern checks. */
export function tokensText(tokens: readonly Token[], from = 0, to = tokens.length): string {
  let out = "";
  let prev: Token | null = null;
  let unary = true;
  const end = Math.min(to, tokens.length);
  for (let i = Math.max(from, 0); i < end; i++) {
    const t = tokens[i] as Token;
    // A unary minus sticks to its operand: `return -EINVAL`, not `- EINVAL`.
    const glued = prev !== null && (prev.text === "-" || prev.text === "+") && unary;
    if (prev && !glued && needsSpace(prev, t)) out += " ";
    out += t.text;
    unary =
      (t.text === "-" || t.text === "+") && (prev === null || (prev.kind === "punct" && prev.text !== ")" && prev.text !== "]") || prev.text === "return");
    prev = t;
  }
  return out;
}

function word(t: Token): boolean {
  return t.kind === "id" || t.kind === "num" || t.kind === "str" || t.kind === "char";
}

function needsSpace(a: Token, b: Token): boolean {
  if (word(a) && word(b)) return true;
  if (b.text === "(" || b.text === ")" || b.text === "[" || b.text === "]" || b.text === "," || b.text === ";") return false;
  if (a.text === "(" || a.text === "[" || a.text === "!" || a.text === "~" || a.text === "->" || a.text === ".") return false;
  if (b.text === "->" || b.text === "." || b.text === "++" || b.text === "--") return false;
  if (a.text === "&" || a.text === "*") return false;
  return a.text === "," || word(a) !== word(b) || a.kind === "punct";
}
