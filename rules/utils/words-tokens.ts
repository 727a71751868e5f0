/**
 * Splits a piece of prose into the words a spelling check may look at.
 * Anything that looks like code is left out: identifiers with `_`, digits or
 * camelCase, ALL-CAPS macros, calls (`foo(`), members (`a->b`, `.field`),
 * kernel-doc references (`@arg`, `&struct`, `%CONST`), paths, URLs, e-mail
 * addresses, and text inside backquotes or single-quoted code.
 */

export interface Word {
  /** The word as written (no surrounding punctuation). */
  text: string;
  /** Offset in the span's text. */
  start: number;
  /**
   * True when nothing but spaces separates it from the previous word of the
   * same span (no punctuation, no skipped code): doubled-word checks need it.
   */
  joined: boolean;
  /** True when punctuation follows the word (`word,` `word.`). */
  punctAfter: boolean;
}

/** Punctuation a word may open with: `(` `"` `'` `“` `‘`. */
function isLead(c: number): boolean {
  return c === 40 || c === 34 || c === 39 || c === 0x201c || c === 0x2018;
}

/** Punctuation a word may close with: `)` `"` `'` `”` `’` `.` `,` `;` `:` `!` `?`. */
function isTrail(c: number): boolean {
  return c === 41 || c === 34 || c === 39 || c === 0x201d || c === 0x2019 || c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63;
}

/** White space as `\s` reads it: a token is what `\S+` would match. */
export function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** Whether `text` holds a letter of the ASCII alphabet, as `/[A-Za-z]/` says: a piece without one holds no prose. */
export function hasAsciiLetter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    // Setting bit 5 maps `A`-`Z` onto `a`-`z`, and nothing else into that range.
    const c = text.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

const isUpper = (c: number): boolean => c >= 65 && c <= 90;
const isLower = (c: number): boolean => c >= 97 && c <= 122;
const isApostrophe = (c: number): boolean => c === 39 || c === 0x2019;

/**
 * How many hyphen-separated parts `text[start, end)` has when every part is
 * one prose word, or 0. A word is letters with at most one inner apostrophe
 * (`don't`, `module's`); it is code when camelCase (`fooBar`) or ALL-CAPS
 * (`ENOMEM`; a single capital is a word).
 */
function plainParts(text: string, start: number, end: number): number {
  if (start === end) return 0;
  let parts = 1;
  // Per part: its length, whether it has a lower-case letter, and where in `letters' apostrophe 'letters` it is (0 before the apostrophe, 1 right after it, 2 after the letters that follow).
  let len = 0;
  let lower = false;
  let state = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 45;
    if (c === 45) {
      // A part ends: `-` or the end of the core.
      if (len === 0 || state === 1 || (len > 1 && !lower)) return 0;
      if (i < end) parts++;
      len = 0;
      lower = false;
      state = 0;
      continue;
    }
    if (isLower(c)) {
      lower = true;
    } else if (isUpper(c)) {
      if (len > 0 && isLower(text.charCodeAt(i - 1))) return 0;
    } else if (isApostrophe(c) && state === 0 && len > 0) {
      state = 1;
      len++;
      continue;
    } else {
      return 0;
    }
    if (state === 1) state = 2;
    len++;
  }
  return parts;
}

/**
 * Masks what is quoted as code, keeping offsets. The mask is a non-space
 * filler, so words on either side of masked code are not neighbours
 * ("the number of 'digits' of" has no doubled "of").
 */
export const MASK = "\u0001";
export function maskCode(text: string): string {
  const blank = (m: string): string => MASK.repeat(m.length);
  // Names are not prose: credit lines, and a name in front of an address.
  if (/^\s*(authors?|maintainers?|copyright|written by|contributed by|based on work by)\b|\bcopyright\b|©/i.test(text)) return blank(text);
  // Each pattern needs a character most prose lacks: test for it before running the pattern.
  let out = text;
  if (out.includes("@")) out = out.replace(/(?:[A-Z][\p{L}.'’-]*\s+){1,4}<[^<>\s]+@[^<>\s]+>/gu, blank);
  if (out.includes("`")) out = out.replace(/`[^`]*`/g, blank);
  // 'foo' / 'foo_bar()' with no space inside: a quoted identifier or value.
  if (out.includes("'")) out = out.replace(/(^|[\s(])'[^'\s]+'(?=$|[\s).,;:])/g, (m: string, pre: string) => pre + blank(m.slice(pre.length)));
  if (out.includes("<")) out = out.replace(/<[^<>\s]+>/g, blank);
  if (out.includes("://")) out = out.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, blank);
  return out;
}

/** The words of one span, and whether its last token was a plain word with no punctuation after it. */
export interface SpanWords {
  words: Word[];
  endClean: boolean;
}

/**
 * The checkable words of `text`, in order. Hyphenated compounds yield their
 * parts (`re-use` -> `re`, `use`). `startClean` says the previous span of the
 * same block ended on a plain word, so a first word here is `joined` to it.
 */
export function wordsOf(text: string, startClean = false): SpanWords {
  const masked = maskCode(text);
  const words: Word[] = [];
  const n = masked.length;
  let prevClean = startClean;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(masked.charCodeAt(i))) i++;
    if (i === n) break;
    const tokenStart = i;
    while (i < n && !isSpace(masked.charCodeAt(i))) i++;
    let start = tokenStart;
    while (start < i && isLead(masked.charCodeAt(start))) start++;
    let end = i;
    while (end > start && isTrail(masked.charCodeAt(end - 1))) end--;
    const parts = plainParts(masked, start, end);
    if (parts === 0) {
      prevClean = false;
      continue;
    }
    const lead = start > tokenStart;
    const trail = end < i;
    for (let p = 0, at = start; p < parts; p++) {
      // Every part but the last ends at a hyphen inside the core.
      const partEnd = p < parts - 1 ? masked.indexOf("-", at) : end;
      words.push({ text: masked.slice(at, partEnd), start: at, joined: p === 0 && prevClean && !lead, punctAfter: p < parts - 1 || trail });
      at = partEnd + 1;
    }
    prevClean = !trail && parts === 1;
  }
  return { words, endClean: prevClean };
}

/**
 * The words of `wordsOf(text)` that start at given offsets, found without
 * splitting the whole text: a span where the letter-run look saw only a
 * few dictionary runs (and no sequence) needs just the words there. Ask
 * for offsets in increasing order after `reset`; each token is read once.
 */
export class WordFinder {
  private masked = "";
  /** The last token read: where its core starts and ends, and where the token ends. */
  private tokenEnd = -1;
  private end = 0;
  private parts = 0;
  /** The next part of that token not yet passed: its index and start. */
  private part = 0;
  private partStart = 0;

  /** Starts on a new span's text. */
  reset(text: string): void {
    this.masked = maskCode(text);
    this.tokenEnd = -1;
  }

  /** The text of the word that starts at `offset`, or null when none does. */
  wordAt(offset: number): string | null {
    const m = this.masked;
    if (offset >= this.tokenEnd) {
      let tokenStart = offset;
      while (tokenStart > 0 && !isSpace(m.charCodeAt(tokenStart - 1))) tokenStart--;
      let i = offset;
      while (i < m.length && !isSpace(m.charCodeAt(i))) i++;
      let start = tokenStart;
      while (start < i && isLead(m.charCodeAt(start))) start++;
      let end = i;
      while (end > start && isTrail(m.charCodeAt(end - 1))) end--;
      this.tokenEnd = i;
      this.end = end;
      this.parts = plainParts(m, start, end);
      this.part = 0;
      this.partStart = start;
    }
    // Parts before `offset` are passed for good: later questions ask further on.
    while (this.part < this.parts && this.partStart <= offset) {
      const partEnd = this.part < this.parts - 1 ? m.indexOf("-", this.partStart) : this.end;
      const found = this.partStart === offset;
      const start = this.partStart;
      this.part++;
      this.partStart = partEnd + 1;
      if (found) return m.slice(start, partEnd);
    }
    return null;
  }
}

/** Display width of a line's leading white space, tabs at 8 columns (how Kconfig and reST indentation is read). */
export function indentOf(text: string): number {
  let n = 0;
  for (const c of text) {
    if (c === " ") n++;
    else if (c === "\t") n = n - (n % 8) + 8;
    else break;
  }
  return n;
}
