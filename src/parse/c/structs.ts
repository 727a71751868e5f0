import type { FileDiff } from "../../model.js";
import { codeTokens, tokenize } from "./tokenizer.js";
import type { CLine } from "./types.js";

/**
 * Struct, union and enum definitions the new side of a file diff shows in
 * full, with their member names and the kernel-doc right above them. Kernel
 * style puts `struct name {` and the closing `};` in column 0.
 */

export interface CStruct {
  file: string;
  kind: "struct" | "union" | "enum";
  name: string;
  /** Member names at any nesting depth (kernel-doc may name members of anonymous unions directly). */
  fields: string[];
  startLine: number;
  kernelDoc: CLine[] | null;
}

const OPEN = /^(?:typedef\s+)?(struct|union|enum)\s+([A-Za-z_]\w*)\s*\{\s*(\/[/*].*)?$/;
const CLOSE = /^}\s*[\w\s]*;/;

function fieldsOf(body: CLine[], kind: CStruct["kind"]): string[] {
  const toks = codeTokens(tokenize(body));
  const out: string[] = [];
  if (kind === "enum") {
    let expectName = true;
    let depth = 0;
    for (const t of toks) {
      if (t.text === "(") depth++;
      else if (t.text === ")") depth--;
      else if (depth === 0 && t.text === ",") expectName = true;
      else if (expectName && t.kind === "id") {
        out.push(t.text);
        expectName = false;
      }
    }
    return out;
  }
  let stmt: typeof toks = [];
  const flush = (): void => {
    const fnPtr = stmt.findIndex((t, i) => t.text === "*" && stmt[i - 1]?.text === "(");
    if (stmt[0]?.kind === "id" && /^[A-Z_0-9]+$/.test(stmt[0].text) && stmt[1]?.text === "(" && stmt[2]?.kind === "id") {
      // DECLARE_BITMAP(name, bits), DECLARE_HASHTABLE(name, bits): the member is the first argument.
      out.push(stmt[2].text);
    } else if (fnPtr >= 0 && stmt[fnPtr + 1]?.kind === "id") {
      out.push(stmt[fnPtr + 1]?.text ?? "");
    } else {
      // Declarators split by commas: `int a, b[4], c : 3;` -> a, b, c.
      let depth = 0;
      let last: string | null = null;
      let skip = false;
      for (const t of stmt) {
        if (t.text === "(" || t.text === "[") depth++;
        else if (t.text === ")" || t.text === "]") depth--;
        else if (depth === 0 && t.text === ":") skip = true;
        else if (depth === 0 && t.text === ",") {
          if (last) out.push(last);
          last = null;
          skip = false;
        } else if (depth === 0 && !skip && t.kind === "id" && !/^__\w+$/.test(t.text)) last = t.text;
      }
      if (last) out.push(last);
    }
    stmt = [];
  };
  for (const t of toks) {
    if (t.text === "{") {
      stmt = [];
      continue;
    }
    if (t.text === "}") {
      stmt = [];
      continue;
    }
    if (t.text === ";") {
      flush();
      continue;
    }
    stmt.push(t);
  }
  return out;
}

function docAbove(lines: readonly CLine[], i: number): CLine[] | null {
  if (!(lines[i - 1]?.text ?? "").trim().endsWith("*/")) return null;
  for (let k = i - 1; k >= 0 && k > i - 300; k--) {
    const t = (lines[k]?.text ?? "").trim();
    if (t.startsWith("/**")) return lines.slice(k, i);
    if (t.startsWith("/*")) return null;
  }
  return null;
}

/** The complete struct/union/enum definitions a file diff shows. */
export function extractStructs(file: FileDiff): CStruct[] {
  const out: CStruct[] = [];
  for (const hunk of file.hunks) {
    const lines: CLine[] = [];
    for (const l of hunk.lines) if (l.newLine !== null) lines.push({ newLine: l.newLine, text: l.text, added: l.kind === "add" });
    for (let i = 0; i < lines.length; i++) {
      const m = OPEN.exec(lines[i]?.text ?? "");
      if (!m?.[1] || !m[2]) continue;
      let end = -1;
      for (let k = i + 1; k < lines.length; k++) {
        if (CLOSE.test(lines[k]?.text ?? "")) {
          end = k;
          break;
        }
        if (OPEN.test(lines[k]?.text ?? "")) break;
      }
      if (end < 0) continue;
      const kind = m[1] as CStruct["kind"];
      out.push({
        file: file.path,
        kind,
        name: m[2],
        fields: fieldsOf(lines.slice(i + 1, end), kind),
        startLine: lines[i]?.newLine ?? 0,
        kernelDoc: docAbove(lines, i),
      });
      i = end;
    }
  }
  return out;
}
