import { newBlock } from "./words-c.js";
import { MASK } from "./words-tokens.js";
import type { ProseSpan } from "./words-c.js";

/**
 * Prose in a commit message: the paragraphs a developer wrote, without
 * trailers (`Signed-off-by:`, `Link:`, `Fixes:`...), indented blocks (code,
 * logs, backtraces), quoted mail (`>`) and quoted text (`"..."`: existing
 * messages, other commits' titles, which the patch does not get to fix).
 */

/** A `Key: value` trailer line as git interpret-trailers understands it. */
const TRAILER = /^[A-Za-z][A-Za-z0-9-]*:\s*\S/;
const KNOWN_TRAILER =
  /^(signed-off-by|acked-by|reviewed-by|tested-by|reported-by|suggested-by|co-developed-by|cc|fixes|link|closes|message-id|change-id|buglink|bug|debugged-by|requested-by|originally-by|based-on-patch-by|helped-by|investigated-by|analyzed-by|analysed-by|assisted-by|generated-by|v\d+)\s*:/i;

function isTrailer(line: string): boolean {
  if (KNOWN_TRAILER.test(line)) return true;
  // Any `Name: value` holding an address, a URL or a commit hash.
  return TRAILER.test(line) && /(<[^>]*@[^>]*>|[\w.+-]+@[\w-]+\.[\w.]+|https?:\/\/|\b[0-9a-f]{12,40}\b)/.test(line);
}

const QUOTES = /["“”]/;

/**
 * Masks `"..."` quotes, keeping offsets. A quote may run on to
 * the next line of the paragraph (a wrapped commit title), so the state is
 * carried in and returned.
 */
function maskQuotes(line: string, open: boolean): { text: string; open: boolean } {
  if (!open && !QUOTES.test(line)) return { text: line, open };
  // Unquoted stretches are copied whole, quoted ones (quote marks included) masked: no string per character.
  let out = "";
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 34 && c !== 0x201c && c !== 0x201d) continue;
    // Every quote mark is masked; so is what it closes.
    out += open ? maskOf(line, from, i + 1) : line.slice(from, i) + MASK;
    open = c === 0x201c ? true : c === 0x201d ? false : !open;
    from = i + 1;
  }
  out += open ? maskOf(line, from, line.length) : line.slice(from);
  return { text: out, open };
}

/** One MASK per character (code point, as `for...of` reads them) of `line[from, to)`. */
function maskOf(line: string, from: number, to: number): string {
  let n = to - from;
  for (let i = from; i + 1 < to; i++) {
    const c = line.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = line.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return MASK.repeat(n);
}

/** What `line.trim() === ""` and `/^-{3,}$/.test(line.trim())` say, without a trimmed copy of each line. */
const BLANK = /^\s*$/;
const SEPARATOR = /^\s*-{3,}\s*$/;

/** Prose spans of the commit message; lines are numbered from 1. */
export function scanCommitMessage(lines: readonly string[]): ProseSpan[] {
  const spans: ProseSpan[] = [];
  let block = newBlock();
  let inDiffstatOrChangelog = false;
  let quoteOpen = false;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (BLANK.test(line)) {
      block = newBlock();
      quoteOpen = false;
      return;
    }
    // A scissors line or a changelog separator ends the prose worth checking.
    if (/^-{2,}\s*>8/.test(line) || SEPARATOR.test(line)) inDiffstatOrChangelog = true;
    if (inDiffstatOrChangelog) return;
    if (/^[\s>|]/.test(line)) {
      block = newBlock();
      quoteOpen = false;
      return;
    }
    if (isTrailer(line)) return;
    const masked = maskQuotes(line, quoteOpen);
    quoteOpen = masked.open;
    spans.push({ line: i + 1, text: masked.text, block, kind: "message" });
  });
  return spans;
}
