import { hash } from "node:crypto";

/** Whitespace `\s` matches in ASCII: tab, LF, VT, FF, CR and space. */
function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * `text.replace(/\s+/g, " ").trim()` by hand for ASCII text, which is every
 * anchored code line in practice: no regex pass and no copy when the text is
 * already folded. Returns null at the first non-ASCII character, whose
 * whitespace (U+00A0, U+2028...) the regex knows better.
 */
function foldAscii(text: string): string | null {
  let start = 0;
  let end = text.length;
  while (start < end && isAsciiSpace(text.charCodeAt(start))) start++;
  while (end > start && isAsciiSpace(text.charCodeAt(end - 1))) end--;
  let out = "";
  // Start of the part not yet copied to `out`.
  let from = start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return null;
    if (!isAsciiSpace(c)) continue;
    // A single space is kept as it is; any other run becomes one space.
    let j = i + 1;
    while (isAsciiSpace(text.charCodeAt(j))) j++;
    if (c !== 32 || j > i + 1) {
      out += `${text.slice(from, i)} `;
      from = j;
    }
    i = j - 1;
  }
  if (from === 0 && end === text.length) return text;
  return out + text.slice(from, end);
}

/** Whitespace-folded text, so re-indentation or a rebase does not change identity. */
export function normaliseText(text: string): string {
  return foldAscii(text) ?? text.replace(/\s+/g, " ").trim();
}

/**
 * A finding's identity: rule, path and the normalised text it is anchored to.
 * Never the line number, so a retry, a rebase or a v2 with shifted lines keeps
 * the same fingerprint (STYLE.md, convention 6).
 */
export function fingerprintOf(rule: string, file: string, anchoredText: string, extra = ""): string {
  // The one-call hash: no Hash object per finding (same digest as createHash).
  return hash("sha256", `${rule}\0${file}\0${normaliseText(anchoredText)}\0${extra}`, "hex").slice(0, 16);
}

/** Short stable hash of any strings, for Message-IDs and cache keys. */
export function stableHash(...parts: string[]): string {
  // One string, one call: the same bytes as hashing each `part\0` in turn,
  // since a NUL next to a lone surrogate half never pairs with it.
  let text = "";
  for (const p of parts) text += `${p}\0`;
  return hash("sha256", text, "hex");
}
