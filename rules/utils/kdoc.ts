import type { CLine } from "../../src/parse/c/types.js";

/**
 * Reads a kernel-doc comment (Documentation/doc-guide/kernel-doc.rst): the
 * header line `name() - summary` (or `struct name - summary`), the `@name:`
 * entries with the column their description starts at, and the `Return:`
 * section.
 */

export interface KdocEntry {
  name: string;
  line: number;
  added: boolean;
  /** Visual column (tabs expanded to 8) where the description starts; -1 when the entry has none on its line. */
  descColumn: number;
  /** Visual column right after the colon. */
  colonEnd: number;
}

export interface Kdoc {
  /** What the header names: `foo` for `foo() - ...`, `struct foo` for `struct foo - ...`. */
  header: { name: string; kind: "function" | "struct" | "union" | "enum" | "other"; line: number; added: boolean } | null;
  entries: KdocEntry[];
  /** Lines of the Return section (first one included). */
  returns: { text: string; line: number; added: boolean }[];
}

function visualColumn(text: string, index: number): number {
  let col = 0;
  for (let i = 0; i < index && i < text.length; i++) col = text[i] === "\t" ? (Math.floor(col / 8) + 1) * 8 : col + 1;
  return col;
}

/** Parses the lines of a `/** ... *\/` comment. */
export function parseKdoc(lines: readonly CLine[]): Kdoc {
  const doc: Kdoc = { header: null, entries: [], returns: [] };
  let inReturn = false;
  let sawFirst = false;
  for (const l of lines) {
    const body = /^\s*(\/\*\*|\*\/|\*)?(.*)$/.exec(l.text);
    let t = body?.[2] ?? "";
    if (t.trimEnd().endsWith("*/")) t = t.trimEnd().slice(0, -2);
    const trimmed = t.trim();
    if (!sawFirst && trimmed) {
      sawFirst = true;
      const m = /^(?:(struct|union|enum)\s+)?([A-Za-z_]\w*)\s*(\(\s*\))?\s*(?:-|:)\s/.exec(trimmed + " ");
      if (m?.[2]) {
        const kind = m[1] === "struct" || m[1] === "union" || m[1] === "enum" ? m[1] : m[3] ? "function" : "other";
        doc.header = { name: m[1] ? `${m[1]} ${m[2]}` : m[2], kind, line: l.newLine, added: l.kind === "add" };
        continue;
      }
    }
    const entry = /^\s*@([A-Za-z_][\w.]*|\.\.\.)\s*:/.exec(t);
    if (entry?.[1]) {
      inReturn = false;
      const start = l.text.length - (body?.[2] ?? "").length;
      const afterColon = start + entry[0].length;
      let k = afterColon;
      while (k < l.text.length && (l.text[k] === " " || l.text[k] === "\t")) k++;
      const hasDesc = k < l.text.length && !l.text.startsWith("*/", k);
      doc.entries.push({
        name: entry[1],
        line: l.newLine,
        added: l.kind === "add",
        descColumn: hasDesc ? visualColumn(l.text, k) : -1,
        colonEnd: visualColumn(l.text, afterColon),
      });
      continue;
    }
    if (/^\s*(Return|Returns|RETURNS|RETURN|Return value|Returns?\s+value)\s*:/i.test(t) && /^\s*R/i.test(t)) {
      inReturn = true;
      doc.returns.push({ text: trimmed, line: l.newLine, added: l.kind === "add" });
      continue;
    }
    if (/^\s*(Context|Note|NOTE|Locking|Example)\s*:/.test(t)) inReturn = false;
    if (inReturn && trimmed) doc.returns.push({ text: trimmed, line: l.newLine, added: l.kind === "add" });
  }
  return doc;
}

/** Error codes a Return section names (`-EINVAL`, `-ENOMEM`). */
export function codesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/-E[A-Z][A-Z0-9_]+/g)].map((m) => m[0]))];
}

/** True when the Return text allows codes beyond those it names ("or another negative errno"). */
export function allowsOtherCodes(text: string): boolean {
  return /negative\s+(error|errno|err|value|number)|error\s+code|errno|-E\w*\s+(values?|codes?)\b|other\s+(negative|error|failure)|or\s+an?\s+error|appropriate|from\s+\w+\(\)|propagat|returned\s+by|on\s+(failure|error)\b/i.test(
    text,
  );
}
