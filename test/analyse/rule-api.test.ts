import { describe, expect, it } from "vitest";
import { formatMessage } from "../../src/analyse/rule-api.js";

describe("formatMessage", () => {
  it("fills every placeholder the data names, strings and numbers alike", () => {
    expect(formatMessage("{fn} returns {value} on line {line}", { fn: "klp_init", value: "-EINVAL", line: 42 })).toBe("klp_init returns -EINVAL on line 42");
    expect(formatMessage("{a}{a}{b}", { a: "x", b: 1 })).toBe("xx1");
  });

  it("leaves a template without placeholders, and placeholders the data lacks, as written", () => {
    expect(formatMessage("Nothing to fill.")).toBe("Nothing to fill.");
    expect(formatMessage("{known} and {unknown}", { known: "k" })).toBe("k and {unknown}");
    // Only own properties count: a message never shows Object.prototype's methods.
    expect(formatMessage("{toString} {constructor}", {})).toBe("{toString} {constructor}");
  });

  it("fills only `{word}`: braces around anything else stay as they are", () => {
    const data = { a: "X", b_2: "Y" };
    expect(formatMessage("{{a}}", data)).toBe("{X}");
    expect(formatMessage("{} {a-b} {a b} { a} {b_2}", data)).toBe("{} {a-b} {a b} { a} Y");
    expect(formatMessage("{a {a} {a", data)).toBe("{a X {a");
    expect(formatMessage("struct foo { int a; } {a}", data)).toBe("struct foo { int a; } X");
    expect(formatMessage("{é} {a}", data)).toBe("{é} X");
  });
});
