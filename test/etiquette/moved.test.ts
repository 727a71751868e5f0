import { describe, expect, it } from "vitest";
import { anchoredAddedLines, anchoredLines } from "../../src/etiquette/anchored.js";
import { tagMovedFindings } from "../../src/etiquette/moved.js";
import type { Finding } from "../../src/model.js";
import { makePatch } from "../helpers/make-patch.js";

const PATH = "kernel/livepatch/core.c";

function finding(line: number, endLine = line, tags: string[] = []): Finding {
  return { rule: "todo", class: "other", severity: "note", file: PATH, line, endLine, message: "m", source: "rule", fingerprint: `fp${line}`, tags };
}

// Three hunks of one file: lines 10-14 (removes two), 40-45 (adds three), 80-82 (adds one).
const patch = makePatch({
  files: [
    {
      path: PATH,
      hunks: [
        { start: 10, lines: [" static void klp_free(void)", " {", "-\tkfree(obj->shadow);", "-\tkfree(obj);", " }"] },
        { start: 40, lines: [" static void klp_release(void)", " {", "+\tkfree(obj->shadow);", "+\tkfree(obj);", "+\tklp_put(obj);", " }"] },
        { start: 80, lines: [" int x;", "+\tkfree(obj);", " return 0;"] },
      ],
    },
  ],
});

describe("anchored lines", () => {
  it("takes the new-side lines of the range from whichever hunk holds them", () => {
    expect(anchoredLines(patch, finding(41, 43))).toEqual(["{", "\tkfree(obj->shadow);", "\tkfree(obj);"]);
    expect(anchoredAddedLines(patch, finding(41, 43))).toEqual(["\tkfree(obj->shadow);", "\tkfree(obj);"]);
    expect(anchoredAddedLines(patch, finding(81))).toEqual(["\tkfree(obj);"]);
    // A range across two hunks, and one between them.
    expect(anchoredLines(patch, finding(12, 41))).toEqual(["}", "static void klp_release(void)", "{"]);
    expect(anchoredLines(patch, finding(20, 30))).toEqual([]);
  });
});

describe("tagMovedFindings", () => {
  it("has nothing to tag when a patch that removes lines drew no finding", () => {
    expect(tagMovedFindings(patch, [])).toEqual([]);
  });

  it("tags a finding whose every added line the patch removes elsewhere, and no other", () => {
    const tagged = tagMovedFindings(patch, [finding(42, 43), finding(42, 44), finding(81), finding(40), finding(42, 43, ["pre-existing"])]);
    expect(tagged.map((f) => f.tags)).toEqual([["pre-existing"], [], ["pre-existing"], [], ["pre-existing"]]);
  });

  it("leaves every finding as it is when the patch removes nothing", () => {
    const adds = makePatch({ files: [{ path: PATH, hunks: [{ start: 1, lines: ["+\tkfree(obj);"] }] }] });
    const f = finding(1);
    expect(tagMovedFindings(adds, [f])).toEqual([f]);
  });
});

describe("tagMovedFindings and whitespace", () => {
  const moves = (removed: string, added: string): string[][] => {
    const p = makePatch({ files: [{ path: PATH, hunks: [{ start: 5, lines: [` int a;`, `-${removed}`, `+${added}`] }] }] });
    return tagMovedFindings(p, [finding(6)]).map((f) => f.tags);
  };

  it("sees a line moved when only its indentation or inner spacing changed", () => {
    expect(moves("\tkfree(obj);", "\t\tkfree(obj);")).toEqual([["pre-existing"]]);
    // Runs of blanks inside and non-ASCII text go the long way round, with the same answer.
    expect(moves("\tkfree(obj,  flags);", "\tkfree(obj, flags);")).toEqual([["pre-existing"]]);
    expect(moves("\tkfree(obj,\tflags);", "\tkfree(obj, flags);")).toEqual([["pre-existing"]]);
    expect(moves('\tpr_info("café %d\\n", n);', '  pr_info("café %d\\n", n);')).toEqual([["pre-existing"]]);
  });

  it("does not see a line moved when the removed one says something else, even at the same length", () => {
    expect(moves("\tkfree(abc);", "\tkfree(xyz);")).toEqual([[]]);
    expect(moves("\tkfree(a,  bc);", "\tkfree(a, xy);")).toEqual([[]]);
  });
});
