import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runRules } from "../../src/analyse/engine.js";
import { parsePatchBody } from "../../src/parse/diff.js";
import { RULES } from "../../rules/index.js";
import { makeMail } from "../helpers/make-patch.js";
import type { Patch } from "../../src/model.js";

/**
 * ESLint-style rule checks: every rule file has its doc, its test and its
 * registry entry, and the doc's Bad and Good examples really behave as the
 * doc says when run through the rule.
 */

const root = join(import.meta.dirname, "..", "..");
const ruleFiles = readdirSync(join(root, "rules"))
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .map((f) => f.slice(0, -3))
  .sort();

/** The first ```diff block under a `## <heading>` section of a rule doc. */
function example(doc: string, heading: string): string | null {
  const at = doc.search(new RegExp(`^## ${heading}\\b`, "m"));
  if (at < 0) return null;
  const m = /```diff\n([\s\S]*?)```/.exec(doc.slice(at));
  return m?.[1] ?? null;
}

function patchFromExample(block: string): Patch {
  const lines = block.replace(/\n$/, "").split("\n");
  const diff: string[] = [];
  for (const line of lines) {
    if (line.startsWith("+++ b/")) {
      const path = line.slice("+++ b/".length);
      diff.push(`diff --git a/${path} b/${path}`, `--- a/${path}`);
    }
    diff.push(line);
  }
  const message = ["Example change.", "", "Signed-off-by: Jane Developer <jane@example.org>"];
  const body = [...message, "---", ...diff, ""].join("\n");
  const parsed = parsePatchBody(body, "rule doc example");
  return {
    mail: makeMail(body),
    subject: { tags: ["PATCH"], isPatch: true, isRfc: false, isReply: false, version: 1, index: 1, total: 1, title: "Example" },
    commitMessage: parsed.commitMessage,
    files: parsed.files,
  };
}

describe("rule parity", () => {
  it("registers every rule file, sorted by id, under its file name", () => {
    expect(RULES.map((r) => r.meta.id)).toEqual(ruleFiles);
  });

  for (const id of ruleFiles) {
    describe(id, () => {
      const docPath = join(root, "rules", `${id}.md`);
      it("has a doc and a test file", () => {
        expect(existsSync(docPath), `rules/${id}.md`).toBe(true);
        expect(existsSync(join(root, "test", "rules", `${id}.test.ts`)), `test/rules/${id}.test.ts`).toBe(true);
      });

      it("flags the doc's Bad example and passes the Good one", () => {
        const rule = RULES.find((r) => r.meta.id === id);
        expect(rule).toBeDefined();
        if (!rule) return;
        const doc = readFileSync(docPath, "utf8");
        const bad = example(doc, "Bad");
        const good = example(doc, "Good");
        expect(bad, "a ## Bad section with a ```diff block").not.toBeNull();
        expect(good, "a ## Good section with a ```diff block").not.toBeNull();
        const badFindings = runRules(patchFromExample(bad ?? ""), null, { rules: [rule] }).findings;
        expect(badFindings.length).toBeGreaterThan(0);
        const goodFindings = runRules(patchFromExample(good ?? ""), null, { rules: [rule] }).findings;
        expect(goodFindings.map((f) => `${f.line}: ${f.message}`)).toEqual([]);
        expect(rule.meta.description.length).toBeGreaterThan(10);
        expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
      });
    });
  }
});
