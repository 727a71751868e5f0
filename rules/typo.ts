import { defineRule } from "../src/analyse/rule-api.js";
import { DEFAULT_LIMITS } from "../src/limits.js";
import { COMMIT_MSG } from "../src/model.js";
import type { Patch } from "../src/model.js";
import { LazyIdentifiers } from "./utils/words-c.js";
import type { ProseResult, ProseSpan } from "./utils/words-c.js";
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
 * removed text is gathered on the first question, once, and searched for
 * each word (a set of all its words would cost a string per word).
 */
class RemovedWords {
  private text: string | null = null;

  constructor(private readonly patch: Patch) {}

  /** Whether `word` is a whole run of `a`-`z` (what `/[a-z]+/g` matches) in a removed line, lower-cased. */
  has(word: string): boolean {
    const text = (this.text ??= removedText(this.patch));
    for (let i = 0; i < word.length; i++) if (!isAsciiLower(word.charCodeAt(i))) return false;
    if (word === "") return false;
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      // Out of range, charCodeAt gives NaN: the text's ends bound a run too.
      if (!isAsciiLower(text.charCodeAt(at - 1)) && !isAsciiLower(text.charCodeAt(at + word.length))) return true;
    }
    return false;
  }
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
        // Every scanner appends its code to one list for the patch, and its spans to one list per file.
        const code: string[] = [];
        const fileSpans: { path: string; spans: ProseSpan[] }[] = [];
        for (const file of patch.files) {
          const language = fileLanguage(file);
          if (language === "none") continue;
          const out: ProseResult = { spans: [], code };
          for (const hunk of file.hunks) scanHunk(hunk, language, out);
          if (out.spans.length > 0) fileSpans.push({ path: file.path, spans: out.spans });
        }
        const identifiers = new LazyIdentifiers();
        identifiers.add(code);
        const maxLineLength = DEFAULT_LIMITS.maxLineLength;
        const message = scanCommitMessage(patch.commitMessage);
        const slipsByFile: { file: string; slips: Slip[] }[] = [
          { file: COMMIT_MSG, slips: checkSpans({ spans: message, dict, maxLineLength, removedWords: new RemovedWords(patch) }) },
        ];
        for (const { path, spans } of fileSpans) slipsByFile.push({ file: path, slips: checkSpans({ spans, dict, maxLineLength }) });
        // A misspelling that is a whole identifier of the code is not prose: one search for all of them.
        const keys = new Set<string>();
        for (const { slips } of slipsByFile) for (const s of slips) if (s.key !== undefined) keys.add(s.key);
        const inCode = keys.size > 0 ? identifiers.found(keys) : keys;
        for (const { file, slips } of slipsByFile) {
          for (const s of slips) {
            if (s.key !== undefined && inCode.has(s.key)) continue;
            // The message and the fix say the same: one object serves both.
            const fix = { from: s.from, to: s.to };
            ctx.report({ messageId: MESSAGE_ID[s.kind], data: fix, file, line: s.line, fix });
          }
        }
      },
    };
  },
});
