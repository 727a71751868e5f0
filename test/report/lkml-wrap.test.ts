import { describe, expect, it } from "vitest";
import { columns, wrapText } from "../../src/report/lkml/wrap.js";

describe("columns", () => {
  it("counts code points, tabs to the next multiple of 8", () => {
    expect(columns("")).toBe(0);
    expect(columns("abc")).toBe(3);
    expect(columns("\tx")).toBe(9);
    expect(columns("ab\tc")).toBe(9);
    expect(columns("caf\u00e9")).toBe(4);
    // A surrogate pair is one column; a lone half is one too.
    expect(columns("a\u{1f600}b")).toBe(3);
    expect(columns("\ud83d")).toBe(1);
    expect(columns("\ude00\ud83d")).toBe(2);
  });
});

describe("wrapText", () => {
  const words = "one two three four five six seven eight nine ten eleven twelve";

  it("wraps a one-line text as the same text with its words reflowed", () => {
    expect(wrapText(words, 20)).toEqual(["one two three four", "five six seven eight", "nine ten eleven", "twelve"]);
    expect(wrapText(`  ${words}`, 20)).toEqual([`  ${words}`]);
    expect(wrapText(`${words}   `, 80)).toEqual([words]);
    expect(wrapText(" \t ", 20)).toEqual([]);
    expect(wrapText("Fixes: abc", 20, (l) => l.startsWith("Fixes:"))).toEqual(["Fixes: abc"]);
  });

  it("wraps a text of several lines and paragraphs line by line", () => {
    expect(wrapText(`${words}\n\n\tcode();\nmore words here\n`, 20)).toEqual([
      "one two three four",
      "five six seven eight",
      "nine ten eleven",
      "twelve",
      "",
      "\tcode();",
      "more words here",
    ]);
    expect(wrapText("a\nb", 20)).toEqual(["a b"]);
  });
});
