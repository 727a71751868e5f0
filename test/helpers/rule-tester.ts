import { describe, expect, it } from "vitest";
import { runRules } from "../../src/analyse/engine.js";
import { formatMessage } from "../../src/analyse/rule-api.js";
import type { Rule } from "../../src/analyse/rule-api.js";
import { COMMIT_MSG } from "../../src/model.js";
import type { Finding, Patch, Series } from "../../src/model.js";
import { hunkLines, makePatch } from "./make-patch.js";
import type { FileSpec } from "./make-patch.js";

/**
 * ESLint's RuleTester, for diff hunks. A case is either `code` (one hunk in
 * `file`, lines with their diff prefix, first new-side line `start`) or
 * `files` for several files/hunks, plus an optional commit message.
 */
export interface TestCase {
  name: string;
  file?: string;
  start?: number;
  fn?: string;
  code?: string;
  files?: FileSpec[];
  commitMessage?: string[];
  options?: Record<string, unknown>;
  /** Other patches of the same series, given as more cases' files. */
  series?: FileSpec[][];
}

export interface ExpectedError {
  messageId: string;
  /** Defaults to the case's `file`. Use COMMIT_MSG for the commit message. */
  file?: string;
  /** New-side line the finding is anchored to. */
  line: number;
  endLine?: number;
  data?: Record<string, string | number>;
  fix?: { from: string; to: string };
}

export interface InvalidCase extends TestCase {
  errors: ExpectedError[];
}

export function patchOf(c: TestCase): Patch {
  const files: FileSpec[] =
    c.files ??
    (c.code !== undefined ? [{ path: c.file ?? "kernel/livepatch/core.c", hunks: [{ start: c.start ?? 1, fn: c.fn ?? "", lines: hunkLines(c.code) }] }] : []);
  const spec: Parameters<typeof makePatch>[0] = { files };
  if (c.commitMessage) spec.commitMessage = c.commitMessage;
  return makePatch(spec);
}

function seriesOf(c: TestCase, patch: Patch): Series | null {
  if (!c.series) return null;
  const others = c.series.map((files) => makePatch({ files }));
  return { rootMessageId: patch.mail.messageId, version: 1, total: others.length + 1, cover: null, patches: [patch, ...others] };
}

export function findingsOf(rule: Rule, c: TestCase): Finding[] {
  const patch = patchOf(c);
  const opts: Parameters<typeof runRules>[2] = { rules: [rule] };
  if (c.options) opts.ruleOptions = { [rule.meta.id]: c.options };
  return runRules(patch, seriesOf(c, patch), opts).findings;
}

function describeFindings(fs: Finding[]): string {
  return fs.map((f) => `${f.file}:${f.line}-${f.endLine} ${f.messageId ?? ""}: ${f.message}`).join("\n") || "(none)";
}

export class RuleTester {
  /** One suite per rule; a long rule test may call this from several files, each with part of the cases (an empty list is left out). */
  run(rule: Rule, cases: { valid: TestCase[]; invalid: InvalidCase[] }): void {
    if (cases.valid.length === 0 && cases.invalid.length === 0) throw new Error(`RuleTester for ${rule.meta.id}: no cases`);
    describe(rule.meta.id, () => {
      if (cases.valid.length > 0)
        describe("valid", () => {
          for (const c of cases.valid) {
            it(c.name, () => {
              const found = findingsOf(rule, c);
              expect(found, `expected no finding, got:\n${describeFindings(found)}`).toHaveLength(0);
            });
          }
        });
      if (cases.invalid.length > 0)
        describe("invalid", () => {
          for (const c of cases.invalid) {
            it(c.name, () => {
              if (c.errors.length === 0) throw new Error(`invalid case "${c.name}" expects nothing: make it a valid case`);
              const found = findingsOf(rule, c);
              expect(found.length, `findings:\n${describeFindings(found)}`).toBe(c.errors.length);
              c.errors.forEach((e, i) => {
                const f = found[i];
                if (!f) throw new Error("missing finding");
                expect(f.messageId).toBe(e.messageId);
                expect(f.file).toBe(e.file ?? c.file ?? (c.code !== undefined ? "kernel/livepatch/core.c" : COMMIT_MSG));
                expect(f.line).toBe(e.line);
                if (e.endLine !== undefined) expect(f.endLine).toBe(e.endLine);
                if (e.data) {
                  const template = rule.meta.messages[e.messageId];
                  expect(template, `rule has no message ${e.messageId}`).toBeDefined();
                  expect(f.message).toBe(formatMessage(template ?? "", e.data));
                }
                if (e.fix) expect(f.fix).toEqual(e.fix);
                expect(f.source).toBe("rule");
                expect(f.class).toBe(rule.meta.class);
              });
            });
          }
        });
    });
  }
}
