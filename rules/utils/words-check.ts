import { DOUBLED, NOT_AFTER_AN, PHRASES } from "../data/typos-kernel.js";
import type { ProseSpan } from "./words-c.js";
import type { Dictionary } from "./words-dict.js";
import { wordsOf } from "./words-tokens.js";
import type { Word } from "./words-tokens.js";

/**
 * The spelling check proper: walks prose spans word by word and finds
 * dictionary misspellings, doubled words, "an" for "and", and fixed
 * phrases such as "is not longer".
 */

export type SlipKind = "misspelling" | "doubled" | "article" | "phrase";

export interface Slip {
  kind: SlipKind;
  line: number;
  from: string;
  to: string;
}

export interface CheckInput {
  spans: readonly ProseSpan[];
  dict: Dictionary;
  /** Identifier tokens of the patch's code, lower case: a whole identifier is not prose. */
  identifiers: ReadonlySet<string>;
  /** Lower-cased words of the lines the patch removes (a typo-fix commit names its typo). */
  removedWords?: ReadonlySet<string>;
  /** Spans on lines longer than this are skipped (generated data, hostile input). */
  maxLineLength: number;
}

/** The correction written in the case of the original (`Sucess` -> `Success`). */
export function applyCase(original: string, fix: string): string {
  if (/[A-Z]/.test(fix)) return fix;
  const first = original[0] ?? "";
  if (first !== first.toLowerCase()) return fix.charAt(0).toUpperCase() + fix.slice(1);
  return fix;
}

interface Placed extends Word {
  line: number;
}

/** Lower case, without a possessive `'s`. */
function keyOf(word: string): string {
  return word.toLowerCase().replace(/['’]s$/, "");
}

function checkMisspelling(w: Placed, span: ProseSpan, input: CheckInput, out: Slip[]): void {
  const key = keyOf(w.text);
  const right = input.dict.get(key);
  if (right === undefined) return;
  if (input.identifiers.has(key)) return;
  if (span.kind === "message") {
    // "Fix recieve -> receive": the message talks about the typo it fixes.
    if (input.removedWords?.has(key)) return;
    const others = span.text.toLowerCase().split(/[^a-z']+/);
    if (others.includes(right.toLowerCase())) return;
  }
  const bare = w.text.replace(/['’]s$/, "");
  out.push({ kind: "misspelling", line: w.line, from: bare, to: applyCase(bare, right) });
}

/** Checks word pairs and triples that run across one block (spans may be several lines). */
function checkSequence(words: readonly Placed[], out: Slip[]): void {
  for (let i = 1; i < words.length; i++) {
    const prev = words[i - 1];
    const cur = words[i];
    if (!prev || !cur || !cur.joined) continue;
    const a = prev.text.toLowerCase();
    const b = cur.text.toLowerCase();
    if (a === b && DOUBLED.has(a)) {
      out.push({ kind: "doubled", line: cur.line, from: `${prev.text} ${cur.text}`, to: prev.text });
      continue;
    }
    if (a === "an" && NOT_AFTER_AN.has(b)) {
      out.push({ kind: "article", line: prev.line, from: prev.text, to: applyCase(prev.text, "and") });
      continue;
    }
    const next = words[i + 1];
    if (next?.joined) {
      const phrase = `${a} ${b} ${next.text.toLowerCase()}`;
      const right = PHRASES[phrase];
      if (right !== undefined) {
        // Report the two words that change, anchored where the slip is.
        const fixed = right.split(" ").slice(1).join(" ");
        out.push({ kind: "phrase", line: cur.line, from: `${cur.text} ${next.text}`, to: fixed });
      }
    }
  }
}

/** All slips in the spans, in span order. */
export function checkSpans(input: CheckInput): Slip[] {
  const out: Slip[] = [];
  let blockWords: Placed[] = [];
  let block = -1;
  let endClean = false;
  const flush = (): void => {
    checkSequence(blockWords, out);
    blockWords = [];
  };
  for (const span of input.spans) {
    if (span.text.length > input.maxLineLength) {
      flush();
      block = -1;
      continue;
    }
    if (span.block !== block) {
      flush();
      block = span.block;
      endClean = false;
    }
    const res = wordsOf(span.text, endClean);
    endClean = res.endClean;
    for (const w of res.words) {
      const placed: Placed = { ...w, line: span.line };
      checkMisspelling(placed, span, input, out);
      blockWords.push(placed);
    }
  }
  flush();
  return out;
}
