/**
 * Keeps our own comment lines from being taken for commit trailers. `b4`
 * collects `Token: value` lines from replies and applies them to the commit
 * (its regex allows leading whitespace, so indenting alone is not enough),
 * and git's interpret-trailers reads `Token : value` too. A comment line that
 * looks like one is set apart as `  (Token: value)`: still readable, and no
 * tool takes a line starting with `(` for a trailer.
 */
import { columns, wrapWords, WRAP_AT } from "./wrap.js";

/** Trailers kernel tooling knows by name (Documentation/process/submitting-patches.rst, b4). */
const KNOWN = new Set([
  "fixes",
  "link",
  "closes",
  "buglink",
  "cc",
  "to",
  "from",
  "message-id",
  "change-id",
  "base-commit",
  "obsoleted-by",
  "signed-off-by",
  "reviewed-by",
  "acked-by",
  "nacked-by",
  "tested-by",
  "reported-by",
  "suggested-by",
  "co-developed-by",
  "requested-by",
]);

/** First whitespace-free token (starting with a word character) then `:` and a value: b4's and git's shape. */
const SHAPE = /^\s*(\w\S*?)\s*:\s+(\S.*)$/u;
/**
 * Some token reads `x@y.z` (what `\S+@\S+\.\S+` matches), checked token by
 * token with indexOf so that a hostile run of `@` stays linear.
 */
function hasEmail(value: string): boolean {
  for (const tok of value.split(/\s+/)) {
    const at = tok.indexOf("@", 1);
    if (at < 0) continue;
    const dot = tok.lastIndexOf(".", tok.length - 2);
    if (dot >= at + 2) return true;
  }
  return false;
}
const HASH = /\b[0-9a-f]{12,}\b/i;
const URL = /\b[a-z][a-z0-9+.-]*:\/\//i;

/**
 * True when a line would pass for a commit trailer: a known trailer name, any
 * `*-by` token, or any token whose value carries an address, a 12+ digit hex
 * hash or a URL.
 */
export function looksLikeTrailer(line: string): boolean {
  const m = SHAPE.exec(line);
  if (!m) return false;
  const token = (m[1] ?? "").toLowerCase();
  const value = m[2] ?? "";
  if (KNOWN.has(token) || token.endsWith("-by")) return true;
  return hasEmail(value) || HASH.test(value) || URL.test(value);
}

/** True when an unquoted line would be read as something else: a quote, or the signature delimiter. */
function looksLikeStructure(line: string): boolean {
  return line.startsWith(">") || /^--\s*$/.test(line);
}

/** True when a line must be set apart rather than run into the prose: a trailer look-alike, a quote, a delimiter. */
export function needsSettingApart(line: string): boolean {
  return looksLikeTrailer(line) || looksLikeStructure(line);
}

/**
 * Rewrites comment lines (already wrapped) so none reads as a trailer, a
 * quoted line or the `-- ` delimiter. Lines that need it are indented by two
 * spaces, and trailer look-alikes are also put in parentheses; a line that
 * would then pass 72 columns is re-wrapped narrower.
 */
export function neutraliseLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (looksLikeTrailer(line)) {
      const text = line.trim();
      if (columns(text) + 4 <= WRAP_AT) {
        out.push(`  (${text})`);
        continue;
      }
      for (const piece of wrapWords(text.split(/\s+/), WRAP_AT - 4)) {
        out.push(looksLikeTrailer(piece) ? `  (${piece})` : `  ${piece}`);
      }
    } else if (looksLikeStructure(line)) {
      out.push(`  ${line}`);
    } else {
      out.push(line);
    }
  }
  return out;
}
