import { defineRule } from "../../src/analyse/rule-api.js";
import type { Rule } from "../../src/analyse/rule-api.js";
import type { CommandIo } from "../../src/github/command.js";
import { COMMIT_MSG } from "../../src/model.js";
import type { EmuCommit, EmuFile, EmuUser } from "../helpers/github-server.js";

/** Small hand-written kernel-style fixtures and two tiny rules, so these tests do not depend on the real rule set. */

export const BOT: EmuUser = { login: "lkreview-bot", id: 41, type: "Bot" };
export const TOKEN = "ghp_test1";

/** Typo rule: "identifer" in added lines and "recieve" in commit messages. */
export const typoRule: Rule = defineRule({
  meta: {
    id: "test-typo",
    class: "typo",
    severity: "warning",
    description: "test typo rule",
    messages: { typo: '"{to}"' },
  },
  create(ctx) {
    return {
      hunk(hunk, file) {
        for (const l of hunk.lines) {
          if (l.kind === "add" && l.newLine !== null && l.text.includes("identifer")) {
            ctx.report({ messageId: "typo", data: { to: "identifier" }, file: file.path, line: l.newLine, fix: { from: "identifer", to: "identifier" } });
          }
        }
      },
      commitMessage(lines) {
        lines.forEach((text, i) => {
          if (text.includes("recieve")) {
            ctx.report({ messageId: "typo", data: { to: "receive" }, file: COMMIT_MSG, line: i + 1, fix: { from: "recieve", to: "receive" } });
          }
        });
      },
    };
  },
});

/** Range rule: an added `pr_err(` line directly followed by `return 0;`. */
export const errReturnRule: Rule = defineRule({
  meta: {
    id: "test-err-return",
    class: "errcode",
    severity: "error",
    description: "test error-return rule",
    messages: { ret: "This reports an error but returns 0, so the caller thinks it worked. Shouldn't it return -EINVAL?" },
  },
  create(ctx) {
    return {
      hunk(hunk, file) {
        for (let i = 0; i + 1 < hunk.lines.length; i++) {
          const a = hunk.lines[i];
          const b = hunk.lines[i + 1];
          if (
            a?.kind === "add" &&
            b?.kind === "add" &&
            a.newLine !== null &&
            b.newLine !== null &&
            a.text.includes("pr_err(") &&
            b.text.trim() === "return 0;"
          ) {
            ctx.report({ messageId: "ret", file: file.path, line: a.newLine, endLine: b.newLine });
          }
        }
      },
    };
  },
});

export const TEST_RULES: readonly Rule[] = [typoRule, errReturnRule];

/** New-side lines 10..21; 13 has the typo, 15-16 the error return. */
export const HOOK_PATCH = [
  "@@ -10,6 +10,12 @@ static int hook_count;",
  " ",
  " int hook_set(struct hook *hook, long val)",
  " {",
  "+\t/* look up the hook by its identifer */",
  "+\tif (val < 0) {",
  '+\t\tpr_err("invalid hook value %ld\\n", val);',
  "+\t\treturn 0;",
  "+\t}",
  "+",
  " \thook->val = val;",
  " \treturn 0;",
  " }",
].join("\n");

export const HOOK_FILE: EmuFile = { filename: "drivers/misc/hook.c", patch: HOOK_PATCH };

export const COMMIT_A: EmuCommit = {
  sha: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
  message: "misc: hook: refuse negative values\n\nMake sure we recieve only positive values.\n\nSigned-off-by: Jane Developer <jane@example.org>\n",
};

/** A capturing io for runGithubCommand. */
export function captureIo(env: NodeJS.ProcessEnv): CommandIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
    out: () => out,
    err: () => err,
  };
}

/** A sha made of one repeated hex digit pattern, for pushes. */
export function sha(seed: string): string {
  return seed.repeat(40).slice(0, 40);
}
