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
 * "Is this one of the lower-cased words of a line the patch removes?" Only
 * a misspelling in the commit message asks, and most patches have none: the
 * removed words are gathered on the first question, once, into a set (a
 * search of the removed text per question would cost misspellings times
 * removed bytes).
 */
class RemovedWords {
  private words: Set<string> | null = null;

  constructor(private readonly patch: Patch) {}

  /** Whether `word` is a whole run of `a`-`z` (what `/[a-z]+/g` matches) in a removed line, lower-cased. */
  has(word: string): boolean {
    this.words ??= lowerRuns(removedText(this.patch));
    return this.words.has(word);
  }
}

/** Every maximal run of `a`-`z` in `text`. */
function lowerRuns(text: string): Set<string> {
  const out = new Set<string>();
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    // Past the end, charCodeAt gives NaN: the text's end closes a run too.
    if (isAsciiLower(text.charCodeAt(i))) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.add(text.slice(start, i));
      start = -1;
    }
  }
  return out;
}

const isAsciiLower = (c: number): boolean => c >= 97 && c <= 122;

/** The patch's removed lines (not the over-long ones), lower-cased, one per line. */
function removedText(patch: Patch): string {
  const lines: string[] = [];
  for (const f of patch.files) {
    for (const h of f.hunks) {
      for (const l of h.lines) {
        if (l.kind === "del" && l.text.length <= DEFAULT_LIMITS.maxLineLength) lines.push(l.text);
      }
    }
  }
  return lines.join("\n").toLowerCase();
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
