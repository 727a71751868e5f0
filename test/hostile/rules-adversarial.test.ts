import { describe, expect, it } from "vitest";
import { runRules } from "../../src/analyse/engine.js";
import type { Patch } from "../../src/model.js";
import { parsePatchBody } from "../../src/parse/diff.js";
import { parseSubject } from "../../src/parse/subject.js";
import { RULES } from "../../rules/index.js";
import { mailWith } from "../helpers/mail.js";

/**
 * Every registered rule on adversarial lines. The line-length limit is
 * lifted here so the rules really see the lines (in a run, lines over
 * limits.maxLineLength reach them as ""): each rule must come back, which
 * with linear regexes takes milliseconds. A rule added to RULES is covered
 * without touching this file. A hang shows as the test's timeout.
 */

const N = 50_000;
const nestedParens = `${"(".repeat(10_000)}x${")".repeat(10_000)}`;
const nestedBraces = `${"{".repeat(10_000)}${"}".repeat(10_000)}`;

/** Added lines, each a different way to make a backtracking regex go exponential or quadratic. */
const LINES: Record<string, string[]> = {
  "one character repeated": ["a", " ", "\t", "(", "*", "/", "-", "=", "_", ",", ";", "\\", '"', "'", "<", "@", "e", "0", ":", ".", ">"].map(
    (c) => `\t${c.repeat(N)}`,
  ),
  "comment opened, never closed": [`\t/* ${"x ".repeat(N / 2)}`, `\t/** ${"* ".repeat(N / 2)}`, "/*".repeat(N / 2)],
  "deep nesting": [`\tret = foo${nestedParens};`, `\t${nestedBraces}`, `\tif ${nestedParens} {`, `\t${"[".repeat(10_000)}0${"]".repeat(10_000)}`],
  "huge string literal": [`\tpr_err("${"x%d ".repeat(25_000)}\\n", ret);`, `\tstatic const char s[] = "${'\\"'.repeat(50_000)}`],
  "identifier soup": [
    `\t${"a->b.".repeat(20_000)}c = -1;`,
    `\treturn ${"-E".repeat(25_000)};`,
    `\t${"ret = ".repeat(15_000)}0;`,
    `\t${"goto ".repeat(20_000)}out;`,
  ],
  words: [` * ${"teh ".repeat(25_000)}`, ` * ${"the the ".repeat(12_000)}`, ` * @${"param: ".repeat(14_000)}`, ` * Return: ${"-EINVAL or ".repeat(9_000)}`],
};

const deepIf = [...Array.from({ length: 5_000 }, (_, i) => `#if defined(CONFIG_X${i})`), "\tx = 1;", ...Array.from({ length: 5_000 }, () => "#endif")];

function body(added: string[], commitLines: string[]): string {
  const lines = [
    "livepatch: Adversarial lines",
    "",
    ...commitLines,
    "",
    "Signed-off-by: Jane Developer <jane@example.org>",
    "---",
    "diff --git a/kernel/livepatch/core.c b/kernel/livepatch/core.c",
    "index 1111111..2222222 100644",
    "--- a/kernel/livepatch/core.c",
    "+++ b/kernel/livepatch/core.c",
    `@@ -10,4 +10,${4 + added.length + 2} @@ static int klp_check(struct klp_patch *patch)`,
    " static int klp_check(struct klp_patch *patch)",
    " {",
    "+\tint ret;",
    ...added.map((l) => `+${l}`),
    "+\treturn 0;",
    " }",
    " ",
    "diff --git a/Documentation/livepatch/x.rst b/Documentation/livepatch/x.rst",
    "--- a/Documentation/livepatch/x.rst",
    "+++ b/Documentation/livepatch/x.rst",
    `@@ -1,1 +1,${1 + added.length} @@`,
    " Title",
    ...added.map((l) => `+${l}`),
    "",
  ];
  return lines.join("\n");
}

function patchOf(added: string[], commitLines: string[] = []): Patch {
  const parsed = parsePatchBody(body(added, commitLines), "adversarial", { maxDiffLines: 1_000_000, maxLineLength: 10_000_000 });
  const mail = mailWith({
    source: "adversarial",
    messageId: "<adversarial@example.org>",
    subject: "[PATCH] livepatch: Adversarial lines",
    date: "Tue, 4 Mar 2025 09:15:07 +0100",
  });
  return { mail, subject: parseSubject(mail.subject), commitMessage: parsed.commitMessage, files: parsed.files };
}

describe.each(RULES.map((r) => [r.meta.id, r] as const))("rule %s on adversarial input", (_id, rule) => {
  for (const [what, lines] of Object.entries(LINES)) {
    it(`returns on ${what}`, () => {
      for (const line of lines) {
        const result = runRules(patchOf([line], [line]), null, { rules: [rule] });
        expect(Array.isArray(result.findings)).toBe(true);
      }
    });
  }

  it("returns on 5,000 nested #if blocks", () => {
    expect(Array.isArray(runRules(patchOf(deepIf), null, { rules: [rule] }).findings)).toBe(true);
  });

  it("returns on 5,000 lines of a comment that never ends", () => {
    const lines = ["\t/*", ...Array.from({ length: 5_000 }, (_, i) => `\t * line ${i} (with { and ( unbalanced`)];
    expect(Array.isArray(runRules(patchOf(lines), null, { rules: [rule] }).findings)).toBe(true);
  });
});
