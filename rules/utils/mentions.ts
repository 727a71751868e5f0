import { isWordChar } from "../../src/parse/c/tokenizer.js";

/**
 * Whole-identifier search in text: asked a handful of times per patch, a
 * search costs far less than splitting every identifier of a 20,000-line
 * patch into a set first.
 */

/**
 * True when `name` occurs in `text` as a whole identifier token, as
 * `[A-Za-z_]\w*` would find it: the run of word characters around it is the
 * name itself, or the name after leading digits (`2nd` holds `nd`).
 */
export function mentions(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const after = at + name.length;
    if (after < text.length && isWordChar(text.charCodeAt(after))) continue;
    let j = at - 1;
    while (j >= 0 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j--;
    if (j < 0 || !isWordChar(text.charCodeAt(j))) return true;
  }
  return false;
}
