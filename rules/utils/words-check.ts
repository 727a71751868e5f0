import { DOUBLED, NOT_AFTER_AN, PHRASES } from "../data/typos-kernel.js";
import type { ProseSpan } from "./words-c.js";
import type { Dictionary } from "./words-dict.js";
import { CandidateFinder, PHRASE_MIDDLES } from "./words-gate.js";
import type { BlockCandidates } from "./words-gate.js";
import { WordFinder, wordsOf } from "./words-tokens.js";
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
  /**
   * A misspelling's dictionary key. A whole identifier of the patch's code
   * is not prose: the caller asks about the keys of all its slips at once,
   * which costs one search of the code instead of one per word.
   */
  key?: string;
}

export interface CheckInput {
  spans: readonly ProseSpan[];
  dict: Dictionary;
  /** Lower-cased words of the lines the patch removes (a typo-fix commit names its typo). */
  removedWords?: { has(word: string): boolean };
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

/** Lower case, without a possessive `'s`. */
function keyOf(lower: string): string {
  return lower.endsWith("'s") || lower.endsWith("’s") ? lower.slice(0, -2) : lower;
}

/** A letter or apostrophe: what the runs of `hasRun` are made of. */
const isRunChar = (c: number): boolean => (c >= 97 && c <= 122) || c === 39;

/**
 * Whether `word` is one of the `[a-z']` runs of `lower`, as
 * `lower.split(/[^a-z']+/).includes(word)` says for a non-empty word,
 * without cutting the text up. (Corrections are never empty.)
 */
function hasRun(lower: string, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (!isRunChar(word.charCodeAt(i))) return false;
  if (word === "") return false;
  for (let at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + 1)) {
    // Out of range, charCodeAt gives NaN: the text's ends bound a run too.
    if (!isRunChar(lower.charCodeAt(at - 1)) && !isRunChar(lower.charCodeAt(at + word.length))) return true;
  }
  return false;
}

function checkMisspelling(word: string, line: number, span: ProseSpan, input: CheckInput, out: Slip[]): void {
  const key = keyOf(word.toLowerCase());
  const right = input.dict.get(key);
  if (right === undefined) return;
  if (span.kind === "message") {
    // "Fix recieve -> receive": the message talks about the typo it fixes.
    if (input.removedWords?.has(key)) return;
    if (hasRun(span.text.toLowerCase(), right.toLowerCase())) return;
  }
  const bare = word.endsWith("'s") || word.endsWith("’s") ? word.slice(0, -2) : word;
  out.push({ kind: "misspelling", line, from: bare, to: applyCase(bare, right), key });
}

/** The words of one block (spans may be several lines), each with its line and its lower case. */
interface BlockWords {
  words: Word[];
  lines: number[];
  lower: string[];
}

/** Checks word pairs and triples that run across one block. */
function checkSequence({ words, lines, lower }: BlockWords, out: Slip[]): void {
  for (let i = 1; i < words.length; i++) {
    const prev = words[i - 1] as Word;
    const cur = words[i] as Word;
    if (!cur.joined) continue;
    const a = lower[i - 1] as string;
    const b = lower[i] as string;
    if (a === b && DOUBLED.has(a)) {
      out.push({ kind: "doubled", line: lines[i] as number, from: `${prev.text} ${cur.text}`, to: prev.text });
      continue;
    }
    if (a === "an" && NOT_AFTER_AN.has(b)) {
      out.push({ kind: "article", line: lines[i - 1] as number, from: prev.text, to: applyCase(prev.text, "and") });
      continue;
    }
    const next = words[i + 1];
    if (next?.joined && PHRASE_MIDDLES.has(b)) {
      const phrase = `${a} ${b} ${lower[i + 1] as string}`;
      const right = PHRASES[phrase];
      if (right !== undefined) {
        // Report the two words that change, anchored where the slip is.
        const fixed = right.split(" ").slice(1).join(" ");
        out.push({ kind: "phrase", line: lines[i] as number, from: `${cur.text} ${next.text}`, to: fixed });
      }
    }
  }
}

/**
 * What one check needs besides its input, kept from one check to the next
 * (a patch asks once per file): checks run one at a time, each to its end.
 */
const blockWords: BlockWords = { words: [], lines: [], lower: [] };
const finder = new WordFinder();
const finders = new WeakMap<Dictionary, CandidateFinder>();
/** Before the first block is looked at. */
const NO_CANDIDATES: BlockCandidates = { sequence: false, dictHits: [] };

function candidateFinder(dict: Dictionary): CandidateFinder {
  let found = finders.get(dict);
  if (!found) {
    found = new CandidateFinder(dict);
    finders.set(dict, found);
  }
  return found;
}

/** All slips in the spans, in span order. */
export function checkSpans(input: CheckInput): Slip[] {
  const out: Slip[] = [];
  // One list of words for every block, emptied after each: most blocks put none in it.
  blockWords.words.length = 0;
  blockWords.lines.length = 0;
  blockWords.lower.length = 0;
  let block = -1;
  let endClean = false;
  let blockEnd = -1;
  let candidates: BlockCandidates = NO_CANDIDATES;
  const blocks = candidateFinder(input.dict);
  // The next dictionary hit (an index into candidates.dictHits) not yet passed.
  let hit = 0;
  const flush = (): void => {
    if (blockWords.words.length === 0) return;
    checkSequence(blockWords, out);
    blockWords.words.length = 0;
    blockWords.lines.length = 0;
    blockWords.lower.length = 0;
  };
  for (let at = 0; at < input.spans.length; at++) {
    const span = input.spans[at] as ProseSpan;
    if (at >= blockEnd) {
      // Spans of one block are adjacent: find where this one ends and where it may hold a slip.
      blockEnd = at + 1;
      while (blockEnd < input.spans.length && (input.spans[blockEnd] as ProseSpan).block === span.block) blockEnd++;
      candidates = blocks.find(input.spans, at, blockEnd);
      hit = 0;
    }
    const hits = candidates.dictHits;
    while (hit < hits.length && (hits[hit] as number) < at) hit += 2;
    // Without a sequence in the block, a span's words matter only when one of them may be misspelled.
    const inDict = hits[hit] === at;
    if (!candidates.sequence && !inDict) continue;
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
    if (!candidates.sequence) {
      // Only misspellings: just the words where the dictionary runs start.
      finder.reset(span.text);
      for (; hits[hit] === at; hit += 2) {
        const word = finder.wordAt(hits[hit + 1] as number);
        if (word !== null) checkMisspelling(word, span.line, span, input, out);
      }
      continue;
    }
    const res = wordsOf(span.text, endClean);
    endClean = res.endClean;
    for (const w of res.words) {
      if (inDict) {
        while (hits[hit] === at && (hits[hit + 1] as number) < w.start) hit += 2;
        if (hits[hit] === at && hits[hit + 1] === w.start) checkMisspelling(w.text, span.line, span, input, out);
      }
      blockWords.words.push(w);
      blockWords.lines.push(span.line);
      blockWords.lower.push(w.text.toLowerCase());
    }
  }
  flush();
  return out;
}
