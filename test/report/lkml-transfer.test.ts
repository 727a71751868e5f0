import { describe, expect, it } from "vitest";
import { needsQuotedPrintable } from "../../src/report/lkml/transfer-encoding.js";

describe("needsQuotedPrintable", () => {
  it("counts UTF-8 bytes, not characters, against the 998-byte line limit", () => {
    expect(needsQuotedPrintable(["short", "x".repeat(998)])).toBe(false);
    expect(needsQuotedPrintable(["x".repeat(999)])).toBe(true);
    // 400 characters of 3 bytes each: under 998 characters, over 998 bytes.
    expect(needsQuotedPrintable(["\u20ac".repeat(400)])).toBe(true);
    expect(needsQuotedPrintable(["\u20ac".repeat(332)])).toBe(false);
  });

  it("asks for it for a bare CR or NUL anywhere", () => {
    expect(needsQuotedPrintable(["ok", "a\rb"])).toBe(true);
    expect(needsQuotedPrintable(["a\0b"])).toBe(true);
  });
});
