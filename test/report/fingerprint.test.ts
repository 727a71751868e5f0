import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fingerprintOf, normaliseText, stableHash } from "../../src/report/fingerprint.js";

/** What normaliseText has always meant, kept here as the reference. */
const byRegex = (text: string): string => text.replace(/\s+/g, " ").trim();

describe("normaliseText", () => {
  it("folds ASCII whitespace runs and trims, like the regex", () => {
    const cases = [
      "",
      "   ",
      "\t\n",
      "x",
      "a b",
      "\tret = foo(bar,  baz);\n\t\treturn ret;  ",
      "a\tb",
      "a \tb",
      " a\r\nb ",
      "a\vb\fc",
      "already folded text",
      "\u001fcontrol\u007f kept",
    ];
    for (const c of cases) expect(normaliseText(c)).toBe(byRegex(c));
  });

  it("hands text with non-ASCII characters to the regex (Unicode spaces fold too)", () => {
    for (const c of ["caf\u00e9  au\tlait", "a\u00a0\u00a0b", " x\u2028y ", "\u3000z\u3000"]) expect(normaliseText(c)).toBe(byRegex(c));
    expect(normaliseText("a\u00a0 b")).toBe("a b");
  });

  it("leaves already folded text as it is", () => {
    const s = "int x = 1;";
    expect(normaliseText(s)).toBe(s);
  });
});

describe("fingerprintOf", () => {
  it("is the first 16 hex digits of SHA-256 over rule, file, folded text and extra", () => {
    const expected = createHash("sha256").update("typo\0a.c\0foo bar\0x").digest("hex").slice(0, 16);
    expect(fingerprintOf("typo", "a.c", "\tfoo\n  bar ", "x")).toBe(expected);
    expect(fingerprintOf("typo", "a.c", "foo bar", "x")).toBe(expected);
  });
});

describe("stableHash", () => {
  it("is SHA-256 over each part followed by a NUL, lone surrogate halves included", () => {
    const parts = ["<a@b>", "\ud800", "\udc00x", ""];
    const h = createHash("sha256");
    for (const p of parts) h.update(`${p}\0`);
    expect(stableHash(...parts)).toBe(h.digest("hex"));
  });
});
