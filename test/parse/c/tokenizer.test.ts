import { describe, expect, it } from "vitest";
import { codeTokens, tokenize, Tokens, tokensText } from "../../../src/parse/c/tokenizer.js";
import type { CLine } from "../../../src/parse/c/types.js";

function texts(...lines: string[]): string[] {
  const cl: CLine[] = lines.map((text, i) => ({ kind: "add", newLine: i + 1, text }));
  const toks = codeTokens(tokenize(cl));
  return toks.text.slice(0, toks.length);
}

describe("tokenize", () => {
  it("keeps every two- and three-character operator whole", () => {
    const ops = [
      "...",
      "<<=",
      ">>=",
      "->",
      "++",
      "--",
      "<<",
      ">>",
      "<=",
      ">=",
      "==",
      "!=",
      "&&",
      "||",
      "+=",
      "-=",
      "*=",
      "/=",
      "%=",
      "&=",
      "|=",
      "^=",
      "##",
      "::",
    ];
    expect(texts(ops.join(" "))).toEqual(ops);
  });

  it("splits operators that only share a first character", () => {
    expect(texts("a<b>c-d+e&f|g=h!i*j/k%l^m#n:o.p")).toEqual([
      "a",
      "<",
      "b",
      ">",
      "c",
      "-",
      "d",
      "+",
      "e",
      "&",
      "f",
      "|",
      "g",
      "=",
      "h",
      "!",
      "i",
      "*",
      "j",
      "/",
      "k",
      "%",
      "l",
      "^",
      "m",
      "#",
      "n",
      ":",
      "o",
      ".",
      "p",
    ]);
    expect(texts("p->q--; r-->s; t<<=1; u>>2; v..w")).toEqual([
      "p",
      "->",
      "q",
      "--",
      ";",
      "r",
      "--",
      ">",
      "s",
      ";",
      "t",
      "<<=",
      "1",
      ";",
      "u",
      ">>",
      "2",
      ";",
      "v",
      ".",
      ".",
      "w",
    ]);
  });

  it("ends an operator at the end of the line", () => {
    expect(texts("x -", "> y")).toEqual(["x", "-", ">", "y"]);
  });

  it("reuses a kept token list without mixing one input into the next", () => {
    const kept = new Tokens();
    const long = tokenize([{ kind: "add", newLine: 1, text: `x = ${Array.from({ length: 200 }, (_, i) => `a${i}`).join(" + ")};` }], undefined, kept);
    expect(long.length).toBe(402);
    const comments: { line: number; text: string }[] = [];
    const cl: CLine[] = ["#define X 1", "\tret = f(); /* why */", "\treturn ret;"].map((text, i) => ({ kind: "add", newLine: i + 5, text }));
    const short = tokenize(cl, undefined, kept).keepCode(0, kept.length, comments);
    expect(short).toBe(kept);
    expect(tokensText(short)).toBe("ret = f(); return ret;");
    expect(Array.from(short.line.subarray(0, short.length))).toEqual([6, 6, 6, 6, 6, 6, 7, 7, 7]);
    expect(comments).toEqual([{ line: 6, text: "/* why */" }]);
    kept.release();
    expect(kept.length).toBe(0);
    expect(kept.text.every((t) => t === "")).toBe(true);
  });

  it("joins tokens back into readable text", () => {
    const toks = codeTokens(tokenize([{ kind: "add", newLine: 1, text: "ret = foo ( & obj -> hook , - EINVAL ) ;" }]));
    expect(tokensText(toks)).toBe("ret = foo(&obj->hook, -EINVAL);");
  });
});
