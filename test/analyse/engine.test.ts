import { describe, expect, it } from "vitest";
import { runRules } from "../../src/analyse/engine.js";
import { defineRule } from "../../src/analyse/rule-api.js";
import { COMMIT_MSG } from "../../src/model.js";
import { hunkLines, makePatch } from "../helpers/make-patch.js";

/** A rule that reports every line containing FIXME, wherever it is. */
const fixme = defineRule({
  meta: {
    id: "fixme",
    class: "other",
    severity: "note",
    description: "test rule",
    messages: { found: "FIXME left in {where}" },
  },
  create(ctx) {
    return {
      commitMessage(lines) {
        lines.forEach((l, i) => {
          if (l.includes("FIXME")) ctx.report({ messageId: "found", data: { where: "message" }, file: COMMIT_MSG, line: i + 1 });
        });
      },
      hunk(hunk, file) {
        for (const l of hunk.lines) {
          if (l.newLine !== null && l.text.includes("FIXME")) {
            ctx.report({ messageId: "found", data: { where: "code" }, file: file.path, line: l.newLine });
          }
        }
      },
    };
  },
});

const patch = makePatch({
  commitMessage: ["Add a thing.", "", "FIXME in the message too."],
  files: [
    {
      path: "kernel/livepatch/core.c",
      hunks: [
        {
          start: 40,
          fn: "static int klp_init_patch(struct klp_patch *patch)",
          lines: hunkLines(`
 	/* FIXME: old comment, not ours */
 	int ret;
+	/* FIXME: new comment */
+	ret = 0;
 	return ret;`),
        },
      ],
    },
  ],
});

describe("engine", () => {
  it("reports only on added lines and on the commit message", () => {
    const { findings, offDiff } = runRules(patch, null, { rules: [fixme] });
    expect(findings.map((f) => [f.file, f.line])).toEqual([
      [COMMIT_MSG, 3],
      ["kernel/livepatch/core.c", 42],
    ]);
    expect(offDiff).toBe(1);
    expect(findings[1]?.message).toBe("FIXME left in code");
  });

  it("honours a rule turned off in the config", () => {
    expect(runRules(patch, null, { rules: [fixme], levels: { fixme: "off" } }).findings).toHaveLength(0);
  });

  it("applies the configured level", () => {
    const { findings } = runRules(patch, null, { rules: [fixme], levels: { fixme: "error" } });
    expect(findings.every((f) => f.severity === "error")).toBe(true);
  });

  it("gives the same fingerprint when the same line moves", () => {
    const moved = makePatch({
      files: [{ path: "kernel/livepatch/core.c", hunks: [{ start: 90, lines: hunkLines("+\t/* FIXME: new comment */") }] }],
    });
    const a = runRules(patch, null, { rules: [fixme] }).findings[1];
    const b = runRules(moved, null, { rules: [fixme] }).findings[0];
    expect(a?.fingerprint).toBeDefined();
    expect(a?.fingerprint).toBe(b?.fingerprint);
  });
});

describe("engine report path", () => {
  /** A rule that reports the ranges it is given, in order, from its patch visitor. */
  const ranges = (reports: { file: string; line: number; endLine?: number }[]) =>
    defineRule({
      meta: { id: "ranges", class: "other", severity: "note", description: "test rule", messages: { at: "range at {line} in {file}" } },
      create(ctx) {
        return {
          patch() {
            for (const r of reports) ctx.report({ messageId: "at", data: { line: r.line, file: r.file }, ...r });
          },
        };
      },
    });
  const A = "drivers/a.c";
  const B = "drivers/b.c";
  const twoFiles = makePatch({
    files: [
      { path: A, hunks: [{ start: 10, lines: hunkLines(" int a;\n+int b;\n int c;") }] },
      { path: B, hunks: [{ start: 20, lines: hunkLines(" int x;\n-int old;\n+int y;\n int z;") }] },
    ],
  });

  it("reads each report's range from its own file, back and forth between files", () => {
    const rule = ranges([
      { file: A, line: 11 },
      { file: B, line: 21 },
      { file: A, line: 10 },
      { file: B, line: 20, endLine: 22 },
      { file: A, line: 10, endLine: 12 },
    ]);
    const { findings, offDiff } = runRules(twoFiles, null, { rules: [rule] });
    // Line 10 of A is context only; every other range holds an added line.
    expect(offDiff).toBe(1);
    expect(findings.map((f) => [f.file, f.line, f.endLine, f.message])).toEqual([
      [A, 10, 12, `range at 10 in ${A}`],
      [A, 11, 11, `range at 11 in ${A}`],
      [B, 20, 22, `range at 20 in ${B}`],
      [B, 21, 21, `range at 21 in ${B}`],
    ]);
  });

  it("says a point once when a rule reports it twice, and tells ranges of other text apart", () => {
    const rule = ranges([
      { file: B, line: 20, endLine: 22 },
      { file: B, line: 20, endLine: 22 },
      { file: B, line: 20, endLine: 21 },
    ]);
    const { findings } = runRules(twoFiles, null, { rules: [rule] });
    expect(findings.map((f) => [f.line, f.endLine])).toEqual([
      [20, 21],
      [20, 22],
    ]);
    expect(findings[0]?.fingerprint).not.toBe(findings[1]?.fingerprint);
  });
});
