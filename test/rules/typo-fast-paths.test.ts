import { describe, expect, it } from "vitest";
import typo from "../../rules/typo.js";
import { commentText, LazyIdentifiers, scanCLike } from "../../rules/utils/words-c.js";
import type { ProseSpan } from "../../rules/utils/words-c.js";
import { loadDictionary } from "../../rules/utils/words-dict.js";
import { scanCommitMessage } from "../../rules/utils/words-commit.js";
import { scanDoc } from "../../rules/utils/words-doc.js";
import { findCandidates } from "../../rules/utils/words-gate.js";
import { MASK, WordFinder, wordsOf } from "../../rules/utils/words-tokens.js";
import type { DiffLine } from "../../src/model.js";
import { COMMIT_MSG } from "../../src/model.js";
import { typoAt } from "../helpers/typo-cases.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The cheap paths of the typo rule (the letter-run look before the word
 * split, the character scanners, the identifier search asked once per word)
 * and the careful paths they hand over to must find the same slips.
 */

const SOB = "Signed-off-by: Jane Developer <jane@example.org>";

new RuleTester().run(typo, {
  valid: [
    {
      name: "a block with neither a dictionary word nor a sequence",
      code: `
+/*
+ * Walk the list of pending transitions and finish each one.
+ * The caller holds the mutex.
+ */`,
    },
    {
      name: "a misspelling inside backquotes is code, in a block whose 'the, the' makes the careful split run",
      code: `
+/*
+ * Call \`recieve_one\` from the, the worker.
+ */`,
      commitMessage: ['klp: quote the "recieve" helper', "", SOB],
    },
  ],
  invalid: [
    {
      name: "a misspelling on a later line of a block with no sequence",
      code: `
+/*
+ * Walk the list of pending transitions.
+ * Each one is finished befor the next starts.
+ */`,
      errors: [typoAt(3, "befor", "before")],
    },
    {
      name: "a doubled word across lines, and a misspelling on another line of the same block",
      code: `
+/*
+ * Release the
+ * the lock, then
+ * recieve the next message.
+ */`,
      errors: [{ messageId: "doubled", line: 3, data: { from: "the the", to: "the" } }, typoAt(4, "recieve", "receive")],
    },
    {
      name: "words after a long run of slashes and before a string",
      code: `
+	x = a / b / c / d; pr_info("sucess\\n"); /* the the end */`,
      errors: [typoAt(1, "sucess", "success"), { messageId: "doubled", line: 1, data: { from: "the the", to: "the" } }],
    },
    {
      name: "several misspellings, one a whole identifier of the code (in any case), one only part of one",
      commitMessage: ["Fix the recieve path", "", SOB],
      code: `
 static int RECIEVE;
+/* Wait for the sucess and the occured event. */
+static int sucess_count;`,
      errors: [typoAt(2, "sucess", "success"), typoAt(2, "occured", "occurred")],
    },
    {
      name: "a misspelling that only starts a longer identifier the search also looks for",
      code: `
+/* recieved what was neccessary: the recieve ends */
+int Neccessary2, recieved;`,
      errors: [typoAt(1, "neccessary", "necessary"), typoAt(1, "recieve", "receive")],
    },
    {
      name: "code holding a Kelvin sign is searched lower-cased",
      code: `
+/* recieve the sucess */
+int \u212Aelvin = recieve;`,
      errors: [typoAt(1, "sucess", "success")],
    },
    {
      name: "commit message lines with and without quotes",
      commitMessage: ['Drop the "recieve" wording, which was', "neccessary once.", "", SOB],
      code: `
+int x;`,
      errors: [typoAt(2, "neccessary", "necessary", COMMIT_MSG)],
    },
  ],
});

/** The letter runs of a block as `toLowerCase()` and `/[a-z]+/g` read them: what the look must agree with. */
function dictSpansByRegex(texts: readonly string[]): number[] {
  const dict = loadDictionary();
  return texts.flatMap((t, i) => ((t.toLowerCase().match(/[a-z]+/g) ?? []).some((w) => dict.has(w)) ? [i] : []));
}

function spansOf(texts: readonly string[]): ProseSpan[] {
  return texts.map((text, i) => ({ line: i + 1, text, block: 1, kind: "comment" }));
}

describe("findCandidates", () => {
  it("finds the spans holding a dictionary word, and sequences across spans", () => {
    const texts = ["Release the", "the lock, then", "recieve the next one.", "Nothing here."];
    const found = findCandidates(spansOf(texts), 0, texts.length, loadDictionary());
    // "recieve" starts span 2: the hit is (span, offset).
    expect(found.dictHits).toEqual([2, 0]);
    expect(found.sequence).toBe(true);
  });

  it("finds nothing in clean prose, and a sequence for 'an' and for fixed phrases", () => {
    const dict = loadDictionary();
    const clean = findCandidates(spansOf(["The caller holds the mutex."]), 0, 1, dict);
    expect(clean.sequence).toBe(false);
    expect(clean.dictHits).toEqual([]);
    expect(findCandidates(spansOf(["static, an so it is"]), 0, 1, dict).sequence).toBe(true);
    expect(findCandidates(spansOf(["the hook is not", "longer needed"]), 0, 2, dict).sequence).toBe(true);
  });

  it("relies on dictionary keys being lower-case letters only", () => {
    expect([...loadDictionary().keys()].filter((k) => !/^[a-z]+$/.test(k))).toEqual([]);
  });

  it("reads letters as toLowerCase() does, non-ASCII ones included", () => {
    // The Kelvin sign lower-cases to "k"; "İ" to "i" and a combining dot.
    const texts = ["\u212Aernle", "\u212A ernle", "sucess\u0130", "sucess\u0130x", "Sucess’s", "seperate", "ﬁle ﬂag"];
    const found = findCandidates(spansOf(texts), 0, texts.length, loadDictionary());
    const spans = [...new Set(found.dictHits.filter((_, i) => i % 2 === 0))];
    expect(spans).toEqual(dictSpansByRegex(texts));
    expect(spans).toContain(0);
  });

  it("gives every dictionary run of a span, in order", () => {
    const found = findCandidates(spansOf(["x sucess, recieve-occured; don't", "seperate"]), 0, 2, loadDictionary());
    expect(found.dictHits).toEqual([0, 2, 0, 10, 0, 18, 1, 0]);
  });
});

describe("wordsOf edge cases", () => {
  const texts = (s: string): string[] => wordsOf(s).words.map((w) => w.text);

  it("splits on any white space and strips curly quotes", () => {
    expect(texts("one\u00a0two\u2003three “four” ‘five’ (six),")).toEqual(["one", "two", "three", "four", "five", "six"]);
  });

  it("keeps a single capital and an inner apostrophe, drops caps, doubled marks and empty parts", () => {
    expect(texts("A I'm it’s DON'T 'tis o'er' x''y re--use -lead")).toEqual(["A", "I'm", "it’s", "tis", "o'er"]);
  });

  it("marks punctuation after a word and hyphen parts", () => {
    const { words, endClean } = wordsOf("re-use it. then");
    expect(words.map((w) => [w.text, w.start, w.joined, w.punctAfter])).toEqual([
      ["re", 0, false, true],
      ["use", 3, false, false],
      ["it", 7, false, true],
      ["then", 11, false, false],
    ]);
    expect(endClean).toBe(true);
  });
});

describe("WordFinder", () => {
  /** What wordsOf gives at each offset of `text`, and what the finder gives asked at every offset in turn. */
  const both = (text: string): [(string | null)[], (string | null)[]] => {
    const byStart = new Map(wordsOf(text).words.map((w) => [w.start, w.text]));
    const finder = new WordFinder();
    finder.reset(text);
    const expected: (string | null)[] = [];
    const found: (string | null)[] = [];
    for (let at = 0; at < text.length; at++) {
      expected.push(byStart.get(at) ?? null);
      found.push(finder.wordAt(at));
    }
    return [expected, found];
  };

  it.each([
    "Recieve the next one, then the (sucess) path.",
    "re-use re--use -lead trail- a-b-c “quoted” ‘single’ it’s DON'T 'tis o'er' x''y",
    "Call `recieve_one()` from foo->bar and .field, see <a@b.c> and https://x.org/recieve",
    "Copyright 2024 Jane Recieve",
    "  \u0001odd\u0001 mixed fooBar ENOMEM A I'm   ",
  ])("finds what wordsOf finds at every offset: %s", (text) => {
    const [expected, found] = both(text);
    expect(found).toEqual(expected);
  });

  it("answers offsets asked out of a token's start, and skips parts already passed", () => {
    const finder = new WordFinder();
    finder.reset("x recieve-occured-sucess y");
    expect(finder.wordAt(2)).toBe("recieve");
    expect(finder.wordAt(18)).toBe("sucess");
    expect(finder.wordAt(20)).toBeNull();
    expect(finder.wordAt(25)).toBe("y");
  });
});

describe("documentation scanner", () => {
  it("skips underlines, borders, directives and fences, and keeps every other line with a letter", () => {
    const lines = ["Title", "= = =", "+----+:--:+", "..recieve", ".. note:: x", "", "```", "code", "```", "~ - ~ ^", "Ünïcödé only", "12 345", "A"].map(
      (text, i): DiffLine => ({ kind: "add", text, raw: `+${text}`, oldLine: null, newLine: i + 1 }),
    );
    expect(scanDoc(lines).spans.map((s) => s.text)).toEqual(["Title", "..recieve", "Ünïcödé only", "A"]);
  });
});

describe("commit message quotes", () => {
  it("mask one character per quoted character, emoji included, and run on to the next line", () => {
    const texts = scanCommitMessage(['Say "a\u{1F600}b" and \u201Cc', 'd\u201D here "e']).map((s) => s.text);
    expect(texts).toEqual([`Say ${MASK.repeat(5)} and ${MASK.repeat(2)}`, `${MASK.repeat(2)} here ${MASK.repeat(2)}`]);
  });
});

describe("C scanner pieces", () => {
  it("blanks comment decoration but not the close", () => {
    expect(commentText(" * text", true)).toBe("   text");
    expect(commentText("\t** text", true)).toBe("    text");
    expect(commentText(" */", true)).toBe(" */");
    expect(commentText(" **/", true)).toBe("  */");
    expect(commentText("plain", true)).toBe("plain");
    expect(commentText("*! doc", false)).toBe("   doc");
  });

  it("keeps the code on either side of a comment or string cut from a line, joined", () => {
    const line = (text: string): DiffLine => ({ kind: "add", text, raw: `+${text}`, oldLine: null, newLine: 1 });
    const res = scanCLike([line('int/* glued */x = "str"y + 1;')]);
    expect(res.spans.map((s) => [s.kind, s.text])).toEqual([
      ["comment", " glued "],
      ["string", "str"],
    ]);
    expect(res.code).toEqual(["intx = y + 1;"]);
  });

  it("starts a hunk inside a comment when its first line looks like a comment's middle or end", () => {
    const line = (text: string, kind: DiffLine["kind"] = "add"): DiffLine => ({ kind, text, raw: `+${text}`, oldLine: null, newLine: 1 });
    const scan = (...lines: DiffLine[]): [string[][], string[]] => {
      const res = scanCLike(lines);
      return [res.spans.map((s) => [s.kind, s.text]), res.code];
    };
    expect(scan(line("*"), line("after recieve"))).toEqual([[["comment", "after recieve"]], []]);
    expect(scan(line("  * x recieve"))).toEqual([[["comment", "    x recieve"]], []]);
    expect(scan(line("\t*/"), line("after recieve"))).toEqual([[], ["after recieve"]]);
    expect(scan(line("*x recieve"))).toEqual([[], ["*x recieve"]]);
    expect(scan(line("  ", "ctx"), line("\t**/ recieve"))).toEqual([[], [" recieve"]]);
    expect(scan(line('  #  include "x.h"'), line("a # b"))).toEqual([[], ["a # b"]]);
  });

  it("finds strings and comments after many slashes and quotes", () => {
    const line = (text: string): DiffLine => ({ kind: "add", text, raw: `+${text}`, oldLine: null, newLine: 1 });
    const res = scanCLike([line(`x = a / b / 'c' / "teh"; // done`)]);
    expect(res.spans.map((s) => [s.kind, s.text])).toEqual([
      ["string", "teh"],
      ["comment", " done"],
    ]);
    expect(res.code).toEqual(["x = a / b /  / ; "]);
  });

  it("answers identifier questions from the code added so far", () => {
    const ids = new LazyIdentifiers();
    ids.add(["int recieve_count;"]);
    expect(ids.has("recieve")).toBe(false);
    ids.add([]);
    ids.add(["static int Recieve;"]);
    expect(ids.has("recieve")).toBe(true);
    expect(ids.has("")).toBe(false);
  });

  it("reads an identifier as a lower-cased search of the code would", () => {
    const idsOf = (...code: string[]): LazyIdentifiers => {
      const ids = new LazyIdentifiers();
      ids.add(code);
      return ids;
    };
    // Leading digits are not part of the token; a digit or `_` after a letter is.
    expect(idsOf("x = 2nd;").has("nd")).toBe(true);
    expect(idsOf("x = nd2 + _nd + nd_x + a_nd + 2_nd;").has("nd")).toBe(false);
    expect(idsOf("RECIEVE(x)", "").has("recieve")).toBe(true);
    expect(idsOf("x = ReCiEvE;").has("recieve")).toBe(true);
    expect(idsOf("recieveX + xrecieve + recieve9").has("recieve")).toBe(false);
    expect(idsOf("xrecieve + recieve").has("recieve")).toBe(true);
    // Fragments are lines: no token runs from one into the next.
    expect(idsOf("recie", "ve").has("recieve")).toBe(false);
    // Characters past ASCII are no word characters, and match no ASCII letter.
    expect(idsOf("int écrire;").has("crire")).toBe(true);
    expect(idsOf("int \u017Fucess;").has("sucess")).toBe(false);
    // The Kelvin sign lower-cases to "k"; "İ" to "i" and a combining dot, which ends the token.
    expect(idsOf("int \u212Aernle;").has("kernle")).toBe(true);
    expect(idsOf("int \u212Aernle;").has("ernle")).toBe(false);
    expect(idsOf("int WICH\u0130;").has("wichi")).toBe(true);
    expect(idsOf("int WICH\u0130x;").has("wichi")).toBe(true);
    expect(idsOf("int WICH\u0130_x;").has("wichi")).toBe(true);
    expect(idsOf("int \u0130WICH;").has("wichi")).toBe(false);
    // Several words at once: one search, the longest first where they start at one place.
    expect(idsOf("int RECIEVED, Sucess2, xoccured;", "occured = 1;").found(["recieve", "recieved", "sucess", "occured", "kernle"])).toEqual(
      new Set(["recieved", "occured"]),
    );
    expect(idsOf("int \u212Aernle, recieve;").found(["kernle", "recieve", "ernle"])).toEqual(new Set(["kernle", "recieve"]));
    expect(idsOf("int Recieve_Count;").found(["recieve_count", "recieve"])).toEqual(new Set(["recieve_count"]));
    // A word with other characters than a-z is searched for in the lower-cased code.
    expect(idsOf("int Recieve_Count;").has("recieve_count")).toBe(true);
    expect(idsOf("int Recieve_Count2;").has("recieve_count")).toBe(false);
  });
});
