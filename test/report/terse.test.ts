import { describe, expect, it } from "vitest";
import { COMMIT_MSG } from "../../src/model.js";
import { formatTerse, formatTerseReviews } from "../../src/report/terse.js";
import { finding } from "./fixtures.js";

describe("terse output", () => {
  it("prints one checkpatch-like line per finding and a closing tally", () => {
    const out = formatTerse([
      finding({ file: "kernel/livepatch/hook.c", line: 25, rule: "errcode", severity: "error", message: "error path returns 0" }),
      finding({ file: "kernel/livepatch/hook.c", line: 7, rule: "typo", severity: "warning", message: '"identifer" -> "identifier"' }),
      finding({ file: COMMIT_MSG, line: 2, rule: "typo", severity: "warning", message: '"registerd" -> "registered"' }),
      finding({ file: "kernel/livepatch/core.c", line: 217, rule: "model:leaks", severity: "note", message: "The hook\nleaks\r\nhere." }),
    ]);
    expect(out.split("\n")).toEqual([
      "kernel/livepatch/hook.c:25: ERROR:errcode: error path returns 0",
      'kernel/livepatch/hook.c:7: WARNING:typo: "identifer" -> "identifier"',
      'COMMIT_MSG:2: WARNING:typo: "registerd" -> "registered"',
      "kernel/livepatch/core.c:217: NOTE:model:leaks: The hook leaks here.",
      "total: 1 errors, 2 warnings, 1 notes",
      "",
    ]);
  });

  it("prints only the tally when there is nothing", () => {
    expect(formatTerse([])).toBe("total: 0 errors, 0 warnings, 0 notes\n");
  });

  it("puts each patch's name above its findings and one tally at the end", () => {
    const hook = (line: number) => finding({ file: "kernel/livepatch/hook.c", line, rule: "errcode", severity: "error", message: "error path returns 0" });
    const out = formatTerseReviews([
      { subject: "[PATCH 1/2] livepatch: Add hooks", messageId: "<a@example.org>", findings: [hook(25)] },
      { subject: "[PATCH 2/2] livepatch: Use hooks", messageId: "<b@example.org>", findings: [] },
      { subject: "[PATCH v2 1/2] livepatch:\r\n Add hooks\u2028again", messageId: "<c@example.org>", findings: [hook(25), hook(31)] },
    ]);
    expect(out.split("\n")).toEqual([
      "# [PATCH 1/2] livepatch: Add hooks (<a@example.org>)",
      "kernel/livepatch/hook.c:25: ERROR:errcode: error path returns 0",
      "# [PATCH v2 1/2] livepatch: Add hooks again (<c@example.org>)",
      "kernel/livepatch/hook.c:25: ERROR:errcode: error path returns 0",
      "kernel/livepatch/hook.c:31: ERROR:errcode: error path returns 0",
      "total: 3 errors, 0 warnings, 0 notes",
      "",
    ]);
  });
});
