import { DEFAULT_LIMITS } from "../../limits.js";
import type { CLine } from "./types.js";

/**
 * A small C tokenizer for the lines a diff shows. It knows comments (also
 * multi-line, also when a hunk starts in the middle of one), strings, char
 * literals, preprocessor lines with their `\` continuations, numbers,
 * identifiers and punctuation. One pass over the characters, no backtracking
 * regex: hostile 5,000-character lines cost linear time.
 */

/** Token kinds, as small integers: the word kinds come first, so `kind <= CHAR` means "a word". */
export const ID = 0;
export const NUM = 1;
export const STR = 2;
export const CHAR = 3;
export const PUNCT = 4;
export const PP = 5;
export const COMMENT = 6;

/**
 * Tokens as parallel arrays rather than an object per token: a function body
 * is tokenized on every first look into it, and a million small objects per
 * 10 MB of mail were the largest single source of garbage. Token `i` (below
 * `length`) is `kind[i]`, `text[i]`, starting on new-side line `line[i]`.
 *
 * A pass that tokenizes often keeps one `Tokens` and hands it to every
 * `tokenize` call (each call starts it afresh): the arrays then grow to the
 * largest input once instead of being regrown, copy after copy, per call.
 * Entries past `length` are stale; `release()` drops the texts when done.
 */
export class Tokens {
  length = 0;
  kind = new Uint8Array(64);
  /** Doubles, not 32-bit integers: a diff may number its lines past 2^31. */
  line = new Float64Array(64);
  readonly text: string[] = [];

  push(kind: number, text: string, line: number): void {
    const n = this.length;
    if (n === this.kind.length) this.grow();
    this.kind[n] = kind;
    this.line[n] = line;
    if (n < this.text.length) this.text[n] = text;
    else this.text.push(text);
    this.length = n + 1;
  }

  private grow(): void {
    const kind = new Uint8Array(this.kind.length * 2);
    kind.set(this.kind);
    this.kind = kind;
    const line = new Float64Array(this.line.length * 2);
    line.set(this.line);
    this.line = line;
  }

  /**
   * Forgets the tokens and lets go of their texts, so a kept `Tokens` does
   * not hold the last input's strings alive (and into the old generation).
   */
  release(): void {
    this.text.fill("", 0, this.length);
    this.length = 0;
  }

  /**
   * Keeps only the code tokens in [from, to), moved to the front (comments
   * and preprocessor lines go; comments into `comments` when given). Works
   * in place: the parse passes read the result and drop it.
   */
  keepCode(from: number, to: number, comments: { line: number; text: string }[] | null): this {
    const { kind: kinds, text: texts, line: lines } = this;
    let w = 0;
    for (let k = from; k < to; k++) {
      const kind = kinds[k] as number;
      if (kind === COMMENT) {
        comments?.push({ line: lines[k] as number, text: texts[k] as string });
      } else if (kind !== PP) {
        kinds[w] = kind;
        texts[w] = texts[k] as string;
        lines[w] = lines[k] as number;
        w++;
      }
    }
    // Stale entries past the new end must not keep their strings.
    texts.fill("", w, this.length);
    this.length = w;
    return this;
  }
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

/** White space the tokenizer skips between tokens: space, tab, CR, form feed, vertical tab (LF never reaches it). */
export function isBlankChar(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 12 || c === 11;
}

/** A character that may start a C identifier (`$` included, as GCC allows). */
export function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/** A character that may continue a C identifier. */
export function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

/** A word character as `\w` reads it, `[A-Za-z0-9_]`: an identifier character other than `$`. */
export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
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
  // Most first lines start with neither white space nor `*`: no trimmed copy for them.
  const c = text.charCodeAt(0);
  if (c !== 42 /* * */ && c !== 32 && c !== 9 && c < 128) return false;
  const t = text.trimStart();
  if (t.startsWith("/*")) return false;
  return t === "*" || t.startsWith("* ") || t.startsWith("*\t") || t.startsWith("*/") || /^\*\s*@/.test(t);
}

/**
 * Tokenizes new-side lines in order, into `into` when given (see Tokens).
 * Lines longer than the configured cap are skipped (generated tables and
 * blobs are not code worth reviewing).
 */
export function tokenize(lines: readonly CLine[], maxLineLength = DEFAULT_LIMITS.maxLineLength, into: Tokens | null = null): Tokens {
  const tokens = into ?? new Tokens();
  tokens.release();
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
        tokens.push(PP, ppText, ppLine);
        inPp = false;
      }
      continue;
    }
    if (!inComment && firstNonBlank(text) === 35 /* # */) {
      ppText = text.trim();
      ppLine = line;
      if (text.endsWith("\\")) inPp = true;
      else tokens.push(PP, ppText, line);
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
          tokens.push(COMMENT, commentText, commentLine);
          inComment = false;
          commentText = "";
          i = end + 2;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (isBlankChar(c)) {
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
        tokens.push(COMMENT, text.slice(i), line);
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
        tokens.push(c === 34 ? STR : CHAR, text.slice(i, end), line);
        i = end;
        continue;
      }
      if (isIdStart(c)) {
        let j = i + 1;
        while (j < n && isIdPart(text.charCodeAt(j))) j++;
        tokens.push(ID, text.slice(i, j), line);
        i = j;
        continue;
      }
      if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
        let j = i + 1;
        while (j < n && (isIdPart(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
        tokens.push(NUM, text.slice(i, j), line);
        i = j;
        continue;
      }
      const op = punctAt(text, i, c);
      tokens.push(PUNCT, op, line);
      i += op.length;
    }
  }
  if (inComment && commentText) tokens.push(COMMENT, commentText, commentLine);
  if (inPp) tokens.push(PP, ppText, ppLine);
  return tokens;
}

/** Tokens without comments and preprocessor lines: what the structure pass reads. Reuses `tokens`. */
export function codeTokens(tokens: Tokens): Tokens {
  return tokens.keepCode(0, tokens.length, null);
}

/** Joins tokens back into readable text (`a->b(c, d)`), for messages and pattern checks. */
export function tokensText(tokens: Tokens, from = 0, to = tokens.length): string {
  const kinds = tokens.kind;
  const texts = tokens.text;
  let out = "";
  let prevKind = -1;
  let prev = "";
  let unary = true;
  const end = Math.min(to, tokens.length);
  for (let i = Math.max(from, 0); i < end; i++) {
    const kind = kinds[i] as number;
    const t = texts[i] as string;
    // A unary minus sticks to its operand: `return -EINVAL`, not `- EINVAL`.
    const glued = prevKind >= 0 && (prev === "-" || prev === "+") && unary;
    if (prevKind >= 0 && !glued && needsSpace(prevKind, prev, kind, t)) out += " ";
    out += t;
    unary = (t === "-" || t === "+") && (prevKind < 0 || (prevKind === PUNCT && prev !== ")" && prev !== "]") || prev === "return");
    prevKind = kind;
    prev = t;
  }
  return out;
}

/** Whether joined text puts a space between token `a` and the following `b` (kinds and texts). */
function needsSpace(ak: number, a: string, bk: number, b: string): boolean {
  const aWord = ak <= CHAR;
  const bWord = bk <= CHAR;
  if (aWord && bWord) return true;
  if (b === "(" || b === ")" || b === "[" || b === "]" || b === "," || b === ";") return false;
  if (a === "(" || a === "[" || a === "!" || a === "~" || a === "->" || a === ".") return false;
  if (b === "->" || b === "." || b === "++" || b === "--") return false;
  if (a === "&" || a === "*") return false;
  return a === "," || aWord !== bWord || ak === PUNCT;
}
