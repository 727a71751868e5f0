import { describe, expect, it } from "vitest";
import { codeTokens, tokenize, tokensText } from "../../../src/parse/c/tokenizer.js";
import type { CLine } from "../../../src/parse/c/types.js";

function texts(...lines: string[]): string[] {
  const cl: CLine[] = lines.map((text, i) => ({ newLine: i + 1, text, added: true }));
  return codeTokens(tokenize(cl)).map((t) => t.text);
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

  it("joins tokens back into readable text", () => {
    const toks = codeTokens(tokenize([{ newLine: 1, text: "ret = foo ( & obj -> hook , - EINVAL ) ;", added: true }]));
    expect(tokensText(toks)).toBe("ret = foo(&obj->hook, -EINVAL);");
  });
});
