import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../../src/limits.js";
import { foldSpace, parseSignature } from "../../../src/parse/c/signature.js";

describe("foldSpace", () => {
  it("leaves text with single spaces as it is", () => {
    for (const t of ["static int foo(struct bar *b, int n)", "", "x", " a b "]) expect(foldSpace(t)).toBe(t);
  });

  it("folds runs, tabs, line breaks and wide white space like the regex", () => {
    for (const t of ["static\tint  foo(void)", "a \t b", "a\nb", "a\u00a0b", "a \u2003b", "int\u00e9 x", "  lead", "trail  "]) {
      expect(foldSpace(t)).toBe(t.replace(/\s+/g, " "));
    }
  });
});

describe("parseSignature", () => {
  it("gives the same answer for texts that differ only in spacing", () => {
    const a = parseSignature("static int foo(struct bar *b, int n)");
    expect(a).toEqual({ name: "foo", returnType: "static int", isVoid: false, params: ["b", "n"] });
    expect(parseSignature(" static int\tfoo(struct bar *b,\n\tint n) ")).toEqual(a);
  });

  it("refuses a signature longer than the line cap, counting the spacing at its ends", () => {
    const text = `int ${"x".repeat(DEFAULT_LIMITS.maxLineLength - 11)}(int a)`;
    expect(text).toHaveLength(DEFAULT_LIMITS.maxLineLength);
    expect(parseSignature(text)?.params).toEqual(["a"]);
    expect(parseSignature(` ${text}`)).toBeNull();
  });

  it("reads a signature the same with and without the body's opening brace", () => {
    const bare = parseSignature("static int foo(struct bar *b, int n)");
    expect(bare).toEqual({ name: "foo", returnType: "static int", isVoid: false, params: ["b", "n"] });
    expect(parseSignature("static int foo(struct bar *b, int n) {")).toEqual(bare);
    expect(parseSignature("static int foo(struct bar *b, int n){")).toEqual(bare);
    // A brace that does not follow the parameters' `)` is read as it stands.
    expect(parseSignature("int foo(int a, {")?.params).toEqual(["a"]);
  });
});
