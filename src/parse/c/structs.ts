import type { FileDiff } from "../../model.js";
import { newSideLines } from "./functions.js";
import { codeTokens, ID, tokenize, Tokens } from "./tokenizer.js";
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
const MACRO_NAME = /^[A-Z_0-9]+$/;
const ANNOTATION = /^__\w+$/;

/**
 * OPEN.test(text), with the regex run only on lines starting like one of
 * its words (`struct`, `union`, `enum`, `typedef`): this looks at every
 * new-side line of every C file.
 */
function opens(text: string): boolean {
  // The first letters of those words: s, u, e, t.
  const c = text.charCodeAt(0);
  return (c === 115 || c === 117 || c === 101 || c === 116) && OPEN.test(text);
}

/** The tokens of the definition being read, reused for every definition. */
const scratch = new Tokens();

function fieldsOf(body: CLine[], kind: CStruct["kind"]): string[] {
  try {
    return fieldsIn(codeTokens(tokenize(body, undefined, scratch)), kind);
  } finally {
    scratch.release();
  }
}

function fieldsIn(toks: Tokens, kind: CStruct["kind"]): string[] {
  const texts = toks.text;
  const kinds = toks.kind;
  const out: string[] = [];
  if (kind === "enum") {
    let expectName = true;
    let depth = 0;
    for (let i = 0; i < toks.length; i++) {
      const t = texts[i] as string;
      if (t === "(") depth++;
      else if (t === ")") depth--;
      else if (depth === 0 && t === ",") expectName = true;
      else if (expectName && kinds[i] === ID) {
        out.push(t);
        expectName = false;
      }
    }
    return out;
  }
  // One member declaration: the tokens [from, to).
  const flush = (from: number, to: number): void => {
    let fnPtr = -1;
    for (let i = from + 1; i < to && fnPtr < 0; i++) if (texts[i] === "*" && texts[i - 1] === "(") fnPtr = i;
    const n = to - from;
    if (n > 2 && kinds[from] === ID && MACRO_NAME.test(texts[from] as string) && texts[from + 1] === "(" && kinds[from + 2] === ID) {
      // DECLARE_BITMAP(name, bits), DECLARE_HASHTABLE(name, bits): the member is the first argument.
      out.push(texts[from + 2] as string);
    } else if (fnPtr >= 0 && fnPtr + 1 < to && kinds[fnPtr + 1] === ID) {
      out.push(texts[fnPtr + 1] as string);
    } else {
      // Declarators split by commas: `int a, b[4], c : 3;` -> a, b, c.
      let depth = 0;
      let last: string | null = null;
      let skip = false;
      for (let i = from; i < to; i++) {
        const t = texts[i] as string;
        if (t === "(" || t === "[") depth++;
        else if (t === ")" || t === "]") depth--;
        else if (depth === 0 && t === ":") skip = true;
        else if (depth === 0 && t === ",") {
          if (last) out.push(last);
          last = null;
          skip = false;
        } else if (depth === 0 && !skip && kinds[i] === ID && !ANNOTATION.test(t)) last = t;
      }
      if (last) out.push(last);
    }
  };
  let start = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = texts[i];
    if (t === "{" || t === "}") start = i + 1;
    else if (t === ";") {
      flush(start, i);
      start = i + 1;
    }
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
    // Most hunks open no definition: look before building their lines.
    if (!hunk.lines.some((l) => l.newLine !== null && opens(l.text))) continue;
    const lines = newSideLines(hunk);
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]?.text ?? "";
      const m = opens(text) ? OPEN.exec(text) : null;
      if (!m?.[1] || !m[2]) continue;
      let end = -1;
      for (let k = i + 1; k < lines.length; k++) {
        if (CLOSE.test(lines[k]?.text ?? "")) {
          end = k;
          break;
        }
        if (opens(lines[k]?.text ?? "")) break;
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
