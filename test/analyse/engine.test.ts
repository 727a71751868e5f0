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
