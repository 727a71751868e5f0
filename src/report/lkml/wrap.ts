/**
 * Comment text wrapped the way kernel mail is written: at 72 columns, never
 * format=flowed. Paragraphs are reflowed; lines that start with whitespace
 * (a code snippet, a suggested tag) are kept exactly as written.
 */

/** Kernel mail convention (Documentation/process/email-clients.rst asks for short lines; 72 is what git and mutt users use). */
export const WRAP_AT = 72;

/** Columns of a string: one per code point (tabs count as 8, which only verbatim lines contain). */
export function columns(text: string): number {
  // By char code rather than a string iterator: wrapping asks this once per word.
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 9) n += 8 - (n % 8);
    else {
      n++;
      // A surrogate pair is one code point; a lone half counts on its own.
      if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) i++;
    }
  }
  return n;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Greedy word wrap of one paragraph's words. A word longer than the width (a
 * URL, a long identifier) gets a line of its own rather than being broken.
 */
export function wrapWords(words: readonly string[], width = WRAP_AT): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if (w.length === 0) continue;
    if (cur.length === 0) cur = w;
    else if (columns(cur) + 1 + columns(w) <= width) cur += ` ${w}`;
    else {
      lines.push(cur);
      cur = w;
    }
  }
  if (cur.length > 0) lines.push(cur);
  return lines;
}

/**
 * Wraps plain comment text. Blank lines separate paragraphs (kept as one
 * blank line each); inside a paragraph, unindented lines are joined and
 * reflowed, indented lines and those `keepLine` picks pass through on their
 * own. No line ends in spaces.
 */
export function wrapText(text: string, width = WRAP_AT, keepLine: (line: string) => boolean = () => false): string[] {
  // One line (most messages): one paragraph, so the splitting below has nothing to do.
  if (!text.includes("\n")) return wrapLine(text, width, keepLine);
  const out: string[] = [];
  const paragraphs = text
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ""))
    .filter((p) => p.trim().length > 0);
  paragraphs.forEach((para, i) => {
    if (i > 0) out.push("");
    let pending: string[] = [];
    const flush = (): void => {
      out.push(...wrapWords(pending, width));
      pending = [];
    };
    for (const line of para.split("\n")) {
      if ((/^[ \t]/.test(line) || keepLine(line)) && line.trim().length > 0) {
        flush();
        out.push(line.trimEnd());
      } else {
        pending.push(...line.split(/[ \t]+/));
      }
    }
    flush();
  });
  return out;
}

/** `wrapText` of text without a newline. */
function wrapLine(line: string, width: number, keepLine: (line: string) => boolean): string[] {
  if (line.trim().length === 0) return [];
  if (/^[ \t]/.test(line) || keepLine(line)) return [line.trimEnd()];
  return wrapWords(line.split(/[ \t]+/), width);
}
