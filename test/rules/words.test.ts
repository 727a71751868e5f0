import { describe, expect, it } from "vitest";
import { cleanStringLiteral } from "../../rules/utils/words-c.js";
import { applyCase } from "../../rules/utils/words-check.js";
import { scanCommitMessage } from "../../rules/utils/words-commit.js";
import { buildDictionary, chooseCorrection, loadDictionary } from "../../rules/utils/words-dict.js";
import { proseLanguage } from "../../rules/utils/words-prose.js";
import { hashCommentStart } from "../../rules/utils/words-script.js";
import { wordsOf } from "../../rules/utils/words-tokens.js";

const texts = (s: string): string[] => wordsOf(s).words.map((w) => w.text);

describe("wordsOf", () => {
  it("keeps plain words and drops code-like tokens", () => {
    expect(texts("See recieve_buf() and ptr->adress, fooBar, MAX_LEN, x86 or ENOMEM.")).toEqual(["See", "and", "or"]);
  });

  it("drops URLs, addresses, paths and quoted code", () => {
    expect(texts("at https://example.org/teh mail teh@example.org in kernel/teh.c `teh` 'teh_x' <teh>")).toEqual(["at", "mail", "in"]);
  });

  it("splits hyphenated words and keeps possessives", () => {
    expect(texts("a re-use of the module's state")).toEqual(["a", "re", "use", "of", "the", "module's", "state"]);
  });

  it("marks words joined only by spaces", () => {
    const { words } = wordsOf("the the, the");
    expect(words.map((w) => w.joined)).toEqual([false, true, false]);
    expect(wordsOf("the number of 'digits' of c").words.map((w) => w.joined)).toEqual([false, true, true, false, true]);
  });

  it("skips credit lines and names before an address", () => {
    expect(texts("Copyright (C) 2025 Teh Adress")).toEqual([]);
    expect(texts("Written with Teh Adress <teh@example.org> today")).toEqual(["Written", "with", "today"]);
  });
});

describe("string literals", () => {
  it("removes printk conversions and escapes", () => {
    expect(cleanStringLiteral("%s: %pS at %#llx, %*pbl\\nrecieve").split(/\s+/).filter(Boolean)).toEqual([":", "at", ",", "recieve"]);
  });
});

describe("dictionary", () => {
  it("never flags British spellings and knows our kernel list", () => {
    const dict = loadDictionary();
    for (const w of ["behaviour", "initialise", "colour", "serialise", "licence", "cancelled", "favour"]) expect(dict.has(w)).toBe(false);
    expect(dict.get("recieve")).toBe("receive");
    expect(dict.get("refernce")).toBe("reference");
    expect(dict.get("wether")).toBe("whether");
  });

  it("leaves out kernel abbreviations and risky short entries", () => {
    const dict = loadDictionary();
    for (const w of ["te", "ot", "nd", "ue", "fo", "ba", "ans", "ect", "nto", "ser", "mis", "ist", "filp", "iput", "rela"]) {
      expect(dict.has(w), w).toBe(false);
    }
    expect(dict.get("teh")).toBe("the");
  });

  it("chooses among several suggestions only for long words, nearest first", () => {
    expect(chooseCorrection("refernce", ["reference", "references"])).toBe("reference");
    expect(chooseCorrection("finsh", ["finish", "finch"])).toBeNull();
    expect(chooseCorrection("abcdefgh", ["zzzzzzzz", "yyyyyyyy"])).toBeNull();
    expect(buildDictionary(["acess->access", "two words->x", "ot->to, of"]).get("acess")).toBe("access");
  });

  it("writes the correction in the original's case", () => {
    expect(applyCase("Sucess", "success")).toBe("Success");
    expect(applyCase("sucess", "success")).toBe("success");
    expect(applyCase("tuscon", "Tucson")).toBe("Tucson");
  });
});

describe("file kinds", () => {
  it("maps paths to the prose they hold", () => {
    expect(proseLanguage("kernel/livepatch/core.c")).toBe("c");
    expect(proseLanguage("rust/kernel/module_param.rs")).toBe("c");
    expect(proseLanguage("kernel/module/Kconfig")).toBe("kconfig");
    expect(proseLanguage("samples/livepatch/Makefile")).toBe("make");
    expect(proseLanguage("tools/testing/selftests/livepatch/functions.sh")).toBe("hash");
    expect(proseLanguage("Documentation/livepatch/livepatch.rst")).toBe("doc");
    expect(proseLanguage("tools/testing/selftests/livepatch/run", "#!/bin/bash")).toBe("hash");
    expect(proseLanguage("firmware/blob.bin")).toBe("none");
  });

  it("finds shell comments but not $# or quoted hashes", () => {
    expect(hashCommentStart('echo "a # b" $# ${#x} # real', false)).toBe(22);
    expect(hashCommentStart("x=1#2", false)).toBe(-1);
    expect(hashCommentStart("obj-y += a.o# note", true)).toBe(12);
  });
});

describe("commit message prose", () => {
  it("skips trailers, indented blocks, quotes and the changelog", () => {
    const spans = scanCommitMessage([
      "First line of prose.",
      "",
      "    code();",
      'Since commit 0123456789ab ("klp: a wrapped',
      'title") we leak.',
      'Fixes: 0123456789ab ("klp: x")',
      "Signed-off-by: Jane <jane@example.org>",
    ]);
    expect(spans.map((s) => s.line)).toEqual([1, 4, 5]);
    expect(spans[1]?.text.includes("wrapped")).toBe(false);
    expect(wordsOf(spans[2]?.text ?? "").words.map((w) => w.text)).toEqual(["we", "leak"]);
  });
});
