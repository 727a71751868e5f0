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
  let out = "";
  for (const c of line) {
    if (c === '"' || c === "“" || c === "”") {
      open = c === "“" ? true : c === "”" ? false : !open;
      out += MASK;
      continue;
    }
    out += open ? MASK : c;
  }
  return { text: out, open };
}

/** Prose spans of the commit message; lines are numbered from 1. */
export function scanCommitMessage(lines: readonly string[]): ProseSpan[] {
  const spans: ProseSpan[] = [];
  let block = newBlock();
  let inDiffstatOrChangelog = false;
  let quoteOpen = false;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") {
      block = newBlock();
      quoteOpen = false;
      return;
    }
    // A scissors line or a changelog separator ends the prose worth checking.
    if (/^-{2,}\s*>8/.test(line) || /^-{3,}$/.test(line.trim())) inDiffstatOrChangelog = true;
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
