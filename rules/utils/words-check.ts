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
  identifiers: { has(word: string): boolean };
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
  const lower = word.toLowerCase();
  return lower.endsWith("'s") || lower.endsWith("’s") ? lower.slice(0, -2) : lower;
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
    if (!prev || !cur?.joined) continue;
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

const LETTERS = /[a-z]+/g;
/** Middle words of PHRASES: a cheap gate before the three-word lookup. */
const PHRASE_MIDDLES: ReadonlySet<string> = new Set(Object.keys(PHRASES).map((p) => p.split(" ")[1] ?? ""));

/**
 * A cheap look at one block before the careful word split: every slip needs
 * a dictionary word, a doubled word, "an" before a word it cannot precede,
 * or the start of a fixed phrase among the plain letter runs of the text.
 * The careful split only ever drops words (code, names, URLs), never makes
 * new ones, so a block with none of these cannot hold a slip.
 */
function mayHoldSlip(spans: readonly ProseSpan[], from: number, to: number, dict: Dictionary): boolean {
  let prev = "";
  let prev2 = "";
  for (let i = from; i < to; i++) {
    const text = (spans[i] as ProseSpan).text.toLowerCase();
    LETTERS.lastIndex = 0;
    for (let m = LETTERS.exec(text); m !== null; m = LETTERS.exec(text)) {
      const w = m[0];
      if (dict.has(w)) return true;
      if (w === prev ? DOUBLED.has(w) : prev === "an" && NOT_AFTER_AN.has(w)) return true;
      if (PHRASE_MIDDLES.has(prev) && PHRASES[`${prev2} ${prev} ${w}`] !== undefined) return true;
      prev2 = prev;
      prev = w;
    }
  }
  return false;
}

/** All slips in the spans, in span order. */
export function checkSpans(input: CheckInput): Slip[] {
  const out: Slip[] = [];
  let blockWords: Placed[] = [];
  let block = -1;
  let endClean = false;
  let blockEnd = -1;
  let skipBlock = false;
  const flush = (): void => {
    checkSequence(blockWords, out);
    blockWords = [];
  };
  for (let at = 0; at < input.spans.length; at++) {
    const span = input.spans[at] as ProseSpan;
    if (at >= blockEnd) {
      // Spans of one block are adjacent: find where this one ends and whether it may hold a slip at all.
      blockEnd = at + 1;
      while (blockEnd < input.spans.length && (input.spans[blockEnd] as ProseSpan).block === span.block) blockEnd++;
      skipBlock = !mayHoldSlip(input.spans, at, blockEnd, input.dict);
    }
    if (skipBlock) continue;
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
