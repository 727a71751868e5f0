/**
 * The one sanitiser for every outgoing header value that comes from an
 * incoming mail (STYLE.md, convention 8). Whatever a stranger put in a
 * Subject, a display name or a Message-ID, no CR, LF or other control
 * character reaches our headers, so no value can start a header of its own
 * (`Subject: x\r\nBcc: victim@evil`) or break the message apart.
 */

/** Longest subject we repeat; far above any real patch subject, and keeps every header line under 998 bytes. */
export const MAX_SUBJECT_CHARS = 500;
/** Longest display name we repeat. */
export const MAX_NAME_CHARS = 200;
/** Longest Message-ID we repeat (real ones are well under 100 characters). */
export const MAX_MSGID_CHARS = 250;
/** Longest address: RFC 5321's path limit. */
export const MAX_ADDRESS_CHARS = 254;

/**
 * C0 and C1 controls, DEL, Unicode line and paragraph separators (some
 * clients render them as line breaks), and the bidi embedding/override/
 * isolate marks that can make a header display differently from what it says.
 */
// eslint-disable-next-line no-control-regex -- the sanitiser strips control characters on purpose
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** A surrogate half without its partner cannot be encoded as UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replaces lone surrogates with U+FFFD so the text is valid UTF-16 (and so valid UTF-8). */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\ufffd");
}

/** Cuts at a code-point boundary, never splitting a surrogate pair. */
export function capChars(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut).trimEnd();
}

/**
 * True for printable ASCII with single inner spaces only: text the cleaning
 * below would give back unchanged (most subjects, names, typo fixes), so it
 * is spared the four regex passes.
 */
function isPlainPrintable(value: string): boolean {
  let prev = 32;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 126 || c < 32 || (c === 32 && prev === 32)) return false;
    prev = c;
  }
  return prev !== 32;
}

/**
 * Cleans one header value from input: every control character becomes a
 * space, whitespace runs collapse to one space (unfolding any folding the
 * sender did), the ends are trimmed and the result is capped at `max`
 * UTF-16 units. The result never contains CR, LF, NUL or U+2028/U+2029.
 */
export function sanitiseHeaderText(value: string, max: number): string {
  if (value.length <= max && isPlainPrintable(value)) return value;
  const clean = wellFormed(value).replace(UNSAFE, " ").replace(/\s+/gu, " ").trim();
  return capChars(clean, max);
}

/**
 * A Message-ID fit to repeat in In-Reply-To and References: `<...>` with
 * printable ASCII and no spaces or further angle brackets inside; null when
 * the input is anything else.
 */
export function sanitiseMessageId(value: string): string | null {
  const v = sanitiseHeaderText(value, MAX_MSGID_CHARS + 1);
  if (v.length > MAX_MSGID_CHARS) return null;
  return /^<[\x21-\x3b\x3d\x3f-\x7e]+>$/.test(v) ? v : null;
}

/**
 * A bare addr-spec fit for an outgoing header and the SMTP envelope:
 * `local@domain`, printable ASCII, no spaces, quotes, brackets, commas or
 * other specials that could end the address early; null otherwise. Quoted
 * local parts are refused: no kernel contributor uses them, and refusing
 * them keeps the check obviously safe.
 */
export function sanitiseAddress(value: string): string | null {
  const v = value.trim();
  if (v.length === 0 || v.length > MAX_ADDRESS_CHARS) return null;
  const m = /^([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+)@([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])$/.exec(v);
  if (!m) return null;
  const local = m[1] ?? "";
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) return null;
  return v;
}

/**
 * Cleans text destined for the body (comment text, display names in the
 * attribution line): line breaks are kept as LF, tabs kept, every other
 * control character dropped, so nothing can forge a bare CR or NUL in the
 * message.
 */
export function sanitiseBodyText(text: string): string {
  return (
    wellFormed(text)
      .replace(/\r\n?/g, "\n")
      .replace(/[\u2028\u2029\u0085]/g, "\n")
      // eslint-disable-next-line no-control-regex -- the sanitiser strips control characters on purpose
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g, "")
  );
}
