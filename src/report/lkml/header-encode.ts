/**
 * Wire form of header values: RFC 2047 encoded-words for non-ASCII text and
 * RFC 5322 folding at whitespace. Values arrive here already sanitised
 * (sanitise.ts): single spaces, no control characters.
 */

/** RFC 2047, section 2: an encoded-word is at most 75 characters. */
const MAX_ENCODED_WORD = 75;
const PREFIX = "=?utf-8?q?";
const SUFFIX = "?=";
/** RFC 5322, section 2.1.1: lines SHOULD be no more than 78 characters. */
export const FOLD_AT = 78;

/**
 * Q-encodes one code point. Only letters, digits and `! * + - /` stay
 * literal: that is the set RFC 2047 section 5(3) allows inside a phrase, and
 * it is also safe in unstructured text, so one encoder serves both.
 */
function qEncodeChar(ch: string): string {
  if (ch === " ") return "_";
  if (/^[A-Za-z0-9!*+\-/]$/.test(ch)) return ch;
  let out = "";
  for (const byte of Buffer.from(ch, "utf8")) out += `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  return out;
}

/**
 * Splits text into Q encoded-words of at most 75 characters each, never
 * splitting a character's UTF-8 bytes across two words (RFC 2047 section 5).
 */
export function encodedWords(text: string): string[] {
  const room = MAX_ENCODED_WORD - PREFIX.length - SUFFIX.length;
  const words: string[] = [];
  let cur = "";
  for (const ch of text) {
    const enc = qEncodeChar(ch);
    if (cur.length + enc.length > room) {
      words.push(PREFIX + cur + SUFFIX);
      cur = "";
    }
    cur += enc;
  }
  if (cur.length > 0 || words.length === 0) words.push(PREFIX + cur + SUFFIX);
  return words;
}

/** True when text can go on the wire as it is: printable ASCII and nothing a decoder would take for an encoded-word. */
export function isPlainAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text) && !text.includes("=?");
}

/**
 * Tokens of an unstructured value (Subject): leading plain-ASCII words stay
 * readable, and from the first word that needs it onwards the rest is
 * encoded (spaces inside travel as `_`, so they survive decoding).
 */
export function unstructuredTokens(text: string): string[] {
  const words = text.split(" ").filter((w) => w.length > 0);
  const firstOdd = words.findIndex((w) => !isPlainAscii(w));
  if (firstOdd < 0) return words;
  return [...words.slice(0, firstOdd), ...encodedWords(words.slice(firstOdd).join(" "))];
}

/** RFC 5322 `specials`: a display name holding one of them must be a quoted-string. */
const SPECIALS = /[()<>[\]:;@\\,."]/;

/**
 * Tokens of a display name: atoms as they are, a quoted-string when the name
 * holds specials, encoded-words when it holds anything beyond ASCII.
 */
export function phraseTokens(name: string): string[] {
  if (name.length === 0) return [];
  if (!isPlainAscii(name)) return encodedWords(name);
  if (SPECIALS.test(name)) return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`.split(" ");
  return name.split(" ");
}

/**
 * Folds `Name: tokens...` at whitespace so lines stay within 78 characters
 * where the tokens allow it; a token is never split, so an encoded-word or a
 * Message-ID stays whole. Returns the header with CRLF folds and no final CRLF.
 */
export function foldHeader(name: string, tokens: readonly string[]): string {
  let out = `${name}:`;
  let lineLen = out.length;
  let first = true;
  for (const token of tokens) {
    if (token.length === 0) continue;
    if (!first && lineLen + 1 + token.length > FOLD_AT) {
      out += `\r\n ${token}`;
      lineLen = 1 + token.length;
    } else {
      out += ` ${token}`;
      lineLen += 1 + token.length;
    }
    first = false;
  }
  return out;
}
