/**
 * The reply body as a kernel reviewer writes it: attribution line, then each
 * quote followed by its comments, then the signature (REVIEW-FORMAT.md, Body).
 */
import type { Finding, Patch } from "../../model.js";
import { formatAttributionDate, parseMailDate } from "./date.js";
import type { QuoteBlock } from "./quote.js";
import { MAX_NAME_CHARS, sanitiseAddress, sanitiseBodyText, sanitiseHeaderText } from "./sanitise.js";
import { needsSettingApart, neutraliseLines } from "./trailer.js";
import { WRAP_AT, wrapText } from "./wrap.js";

/** Longest word of a typo correction we repeat. */
const MAX_FIX_CHARS = 120;

/**
 * `On Tue, Mar 04, 2025 at 09:15:07AM +0100, Jane Developer wrote:` in the
 * patch's own time zone; without a readable Date, `Jane Developer
 * <jane@example.org> wrote:` (never "Invalid Date").
 */
export function attributionLine(patch: Patch): string {
  const addr = sanitiseAddress(patch.mail.from.address) ?? sanitiseHeaderText(patch.mail.from.address, MAX_NAME_CHARS);
  const name = sanitiseHeaderText(patch.mail.from.name, MAX_NAME_CHARS);
  const date = parseMailDate(sanitiseHeaderText(patch.mail.date, 200));
  if (date) return `On ${formatAttributionDate(date)}, ${name || addr || "the author"} wrote:`;
  if (name && addr) return `${name} <${addr}> wrote:`;
  return `${name || addr || "The author"} wrote:`;
}

/** Three rows of the distance table, reused: a reply asks for one distance per typo it shows. */
let osaRows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/** Optimal string alignment distance: edits, counting a swap of neighbours as one. */
function editDistance(a: string, b: string): number {
  if ((osaRows[0] as Int32Array).length <= b.length) osaRows = [0, 1, 2].map(() => new Int32Array(b.length + 1));
  // Rows i-2, i-1 and i of the table, rotated as i grows.
  let [older, prev, row] = osaRows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) v = Math.min(v, (older[j - 2] as number) + 1);
      row[j] = v;
    }
    const spare = older;
    older = prev;
    prev = row;
    row = spare;
  }
  return prev[b.length] as number;
}

/**
 * The one-line typo form. `"to"` alone when it plainly corrects one
 * misspelled word: both single words, a close spelling, and not one word
 * being a prefix of the other (`give` -> `given` is a grammar fix, where the
 * reader must be told which word). Otherwise `"from" -> "to"`.
 */
export function typoLine(fix: { from: string; to: string }): string {
  const from = sanitiseHeaderText(fix.from, MAX_FIX_CHARS);
  const to = sanitiseHeaderText(fix.to, MAX_FIX_CHARS);
  const single = /^\S+$/.test(from) && /^\S+$/.test(to);
  const lf = from.toLowerCase();
  const lt = to.toLowerCase();
  const inflection = lf.startsWith(lt) || lt.startsWith(lf);
  const close = editDistance(lf, lt) <= Math.min(2, Math.ceil(Math.max(lf.length, lt.length) / 3));
  if (single && close && !inflection) return `"${to}"`;
  return `"${from}" -> "${to}"`;
}

/** A finding's comment lines: the typo form, or its message wrapped at 72 and kept clear of trailer look-alikes. */
export function commentLines(f: Finding): string[] {
  if (f.class === "typo" && f.fix && f.fix.to.trim() !== "") return neutraliseLines([typoLine(f.fix)]);
  // A tag-like line in a message was meant as a line of its own; it is set apart, not run into the prose.
  const lines = wrapText(sanitiseBodyText(f.message), WRAP_AT, needsSettingApart);
  return neutraliseLines(lines.length > 0 ? lines : [f.rule]);
}

/** The line as sent, for `> ` quoting; only the CR of a CRLF line ending is dropped. */
function asSent(raw: string): string {
  return raw.endsWith("\r") ? raw.slice(0, -1) : raw;
}

function quoteLines(patch: Patch, block: QuoteBlock, prev: QuoteBlock | undefined): string[] {
  if (block.kind === "none") return [];
  if (block.kind === "commit") return patch.commitMessage.slice(block.start, block.end + 1).map((l) => `> ${asSent(l)}`);
  const file = patch.files[block.fileIndex];
  const hunk = file?.hunks[block.hunkIndex];
  if (!file || !hunk) return [];
  const out: string[] = [];
  const newFile = prev?.kind !== "diff" || prev.fileIndex !== block.fileIndex;
  const newHunk = newFile || prev.hunkIndex !== block.hunkIndex;
  if (newFile) out.push(`> ${asSent(file.plusLine) || `+++ b/${file.path}`}`);
  // The @@ line helps when git named the enclosing function; bare line numbers say little.
  if (newHunk && hunk.functionContext !== "") out.push(`> ${asSent(hunk.header)}`);
  for (const line of hunk.lines.slice(block.start, block.end + 1)) out.push(`> ${asSent(line.raw)}`);
  return out;
}

/**
 * The full body as lines (LF-joined by the caller): attribution, quote and
 * comments per block, then `-- ` and the signature.
 */
export function renderBody(patch: Patch, blocks: readonly QuoteBlock[], signature: readonly string[], notShown = 0): string[] {
  const out: string[] = [attributionLine(patch)];
  let prev: QuoteBlock | undefined;
  for (const block of blocks) {
    out.push(...quoteLines(patch, block, prev));
    for (const f of block.findings) {
      out.push("", ...commentLines(f));
    }
    out.push("");
    if (block.kind === "diff") prev = block;
  }
  if (notShown > 0) {
    out.push(`I stopped here; there ${notShown === 1 ? "is 1 more point" : `are ${notShown} more points`} of the same kinds further down.`, "");
  }
  // RFC 3676 4.3: the signature delimiter is exactly "-- ".
  out.push("-- ");
  for (const line of signature) out.push(...sanitiseBodyText(line).split("\n"));
  return out;
}
