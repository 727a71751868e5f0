import { defineRule } from "../src/analyse/rule-api.js";
import { DEFAULT_LIMITS } from "../src/limits.js";
import { COMMIT_MSG } from "../src/model.js";
import type { Patch } from "../src/model.js";
import { LazyIdentifiers } from "./utils/words-c.js";
import type { ProseSpan } from "./utils/words-c.js";
import { checkSpans } from "./utils/words-check.js";
import type { Slip } from "./utils/words-check.js";
import { scanCommitMessage } from "./utils/words-commit.js";
import { loadDictionary } from "./utils/words-dict.js";
import { scanHunk } from "./utils/words-prose.js";

/**
 * `typo`: misspelled words in the prose a patch adds (comments, kernel-doc,
 * string literals, Kconfig help, documentation, script comments and the
 * commit message), plus a few slips no dictionary sees: doubled words, "an"
 * for "and", "is not longer". Code identifiers are never prose.
 */

/** Lower-cased words of every line the patch removes. */
function removedWords(patch: Patch): Set<string> {
  const out = new Set<string>();
  for (const f of patch.files) {
    for (const h of f.hunks) {
      for (const l of h.lines) {
        if (l.kind !== "del" || l.text.length > DEFAULT_LIMITS.maxLineLength) continue;
        for (const m of l.text.toLowerCase().matchAll(/[a-z]+/g)) out.add(m[0]);
      }
    }
  }
  return out;
}

const MESSAGE_ID: Record<Slip["kind"], string> = {
  misspelling: "misspelling",
  doubled: "doubled",
  article: "misspelling",
  phrase: "misspelling",
};

export default defineRule({
  meta: {
    id: "typo",
    class: "typo",
    severity: "warning",
    description: "Misspelled words and doubled words in added comments, strings, docs and the commit message.",
    messages: {
      misspelling: "{from} -> {to}",
      doubled: "{from} -> {to}",
    },
  },
  create(ctx) {
    return {
      patch(patch) {
        const dict = loadDictionary();
        const identifiers = new LazyIdentifiers();
        const fileSpans: { path: string; spans: ProseSpan[] }[] = [];
        for (const file of patch.files) {
          const spans: ProseSpan[] = [];
          for (const hunk of file.hunks) {
            const res = scanHunk(hunk, file);
            spans.push(...res.spans);
            identifiers.add(res.code);
          }
          fileSpans.push({ path: file.path, spans });
        }
        const maxLineLength = DEFAULT_LIMITS.maxLineLength;
        const report = (file: string, slips: Slip[]): void => {
          for (const s of slips) {
            ctx.report({
              messageId: MESSAGE_ID[s.kind],
              data: { from: s.from, to: s.to },
              file,
              line: s.line,
              fix: { from: s.from, to: s.to },
            });
          }
        };
        const message = scanCommitMessage(patch.commitMessage);
        report(COMMIT_MSG, checkSpans({ spans: message, dict, identifiers, maxLineLength, removedWords: removedWords(patch) }));
        for (const { path, spans } of fileSpans) report(path, checkSpans({ spans, dict, identifiers, maxLineLength }));
      },
    };
  },
});
