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
import { fileLanguage, scanHunk } from "./utils/words-prose.js";

/**
 * `typo`: misspelled words in the prose a patch adds (comments, kernel-doc,
 * string literals, Kconfig help, documentation, script comments and the
 * commit message), plus a few slips no dictionary sees: doubled words, "an"
 * for "and", "is not longer". Code identifiers are never prose.
 */

/**
 * Lower-cased words of every line the patch removes. Only a misspelling in
 * the commit message asks, and most patches have none: the set is built on
 * the first question.
 */
class RemovedWords {
  private words: Set<string> | null = null;

  constructor(private readonly patch: Patch) {}

  has(word: string): boolean {
    this.words ??= removedWords(this.patch);
    return this.words.has(word);
  }
}

/** Adds every run of `a`-`z` in `text` (what `/[a-z]+/g` matches) to `out`. */
function addLetterRuns(text: string, out: Set<string>): void {
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    if (c >= 97 && c <= 122) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.add(text.slice(start, i));
      start = -1;
    }
  }
}

function removedWords(patch: Patch): Set<string> {
  const out = new Set<string>();
  for (const f of patch.files) {
    for (const h of f.hunks) {
      for (const l of h.lines) {
        if (l.kind !== "del" || l.text.length > DEFAULT_LIMITS.maxLineLength) continue;
        addLetterRuns(l.text.toLowerCase(), out);
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
          const language = fileLanguage(file);
          for (const hunk of file.hunks) {
            const res = scanHunk(hunk, language);
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
        report(COMMIT_MSG, checkSpans({ spans: message, dict, identifiers, maxLineLength, removedWords: new RemovedWords(patch) }));
        for (const { path, spans } of fileSpans) report(path, checkSpans({ spans, dict, identifiers, maxLineLength }));
      },
    };
  },
});
