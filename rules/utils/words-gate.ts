import { DOUBLED, NOT_AFTER_AN, PHRASES } from "../data/typos-kernel.js";
import type { ProseSpan } from "./words-c.js";
import type { Dictionary } from "./words-dict.js";
import { DOTTED_I, HASH_MASK, HASH_PRIME, HASH_SEED, hashOf, letterOf } from "./words-hash.js";

/**
 * A cheap look at one block of prose before the careful word split: every
 * slip needs a dictionary word, a doubled word, "an" before a word it cannot
 * precede, or a fixed phrase among the letter runs of the lower-cased text.
 * The careful split only ever drops words (code, names, URLs), never makes
 * new ones, and a word it keeps is a whole letter run, or two joined by an
 * apostrophe (dictionary keys are letters only). So a block with none of
 * these cannot hold a slip, and a misspelling can only be in a span with a
 * dictionary run.
 *
 * Most blocks hold none, and most of their words are spelled right, so the
 * look allocates nothing per word: each letter run is hashed as it is read,
 * the dictionary is asked about it in place by that hash, and only a run
 * whose hash one of the short lists knows is cut out and looked up.
 */

const hashesOf = (words: Iterable<string>): Set<number> => new Set(Array.from(words, hashOf));

const DOUBLED_HASHES = hashesOf(DOUBLED);
const NOT_AFTER_AN_HASHES = hashesOf(NOT_AFTER_AN);
const AN_HASH = hashOf("an");
/** Middle words of PHRASES ("not"): the three-word lookup runs only after one. */
export const PHRASE_MIDDLES: ReadonlySet<string> = new Set(Object.keys(PHRASES).map((p) => p.split(" ")[1] ?? ""));
const PHRASE_MIDDLE_HASHES = hashesOf(PHRASE_MIDDLES);

/** One letter run, as `text.toLowerCase().match(/[a-z]+/g)` would give it. */
function runText(text: string, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i++) out += String.fromCharCode(letterOf(text.charCodeAt(i)));
  return out;
}

/** What one block of prose may hold, from a look at its letter runs. */
export interface BlockCandidates {
  /** A doubled word, "an" before a word it cannot precede, or a fixed phrase may be among its words. */
  sequence: boolean;
  /**
   * Where the dictionary runs start, as pairs (span index, offset in its
   * text) in reading order. A word can be a misspelling only when it starts
   * where one does: its key is all letters, so it is the run at its start.
   */
  dictHits: number[];
}

/** Reads the runs of one block in order, keeping the last two (where they are and their hashes, so neither is cut out unless needed). */
class BlockLook implements BlockCandidates {
  sequence = false;
  readonly dictHits: number[] = [];
  /** The index of the span being read. */
  span = 0;
  private prevText = "";
  private prevStart = 0;
  private prevEnd = 0;
  private prevHash = -1;
  private prev2Text = "";
  private prev2Start = 0;
  private prev2End = 0;

  constructor(private readonly dict: Dictionary) {}

  /** Forgets the last block, to read the next. */
  reset(): void {
    this.sequence = false;
    this.dictHits.length = 0;
    this.prevText = "";
    this.prevStart = 0;
    this.prevEnd = 0;
    this.prevHash = -1;
    this.prev2Text = "";
    this.prev2Start = 0;
    this.prev2End = 0;
  }

  /** Takes the next run of the block. */
  next(text: string, start: number, end: number, hash: number): void {
    if (this.dict.hasRun(text, start, end, hash)) this.dictHits.push(this.span, start);
    if (!this.sequence) this.sequence = this.endsSequence(text, start, end, hash);
    this.prev2Text = this.prevText;
    this.prev2Start = this.prevStart;
    this.prev2End = this.prevEnd;
    this.prevText = text;
    this.prevStart = start;
    this.prevEnd = end;
    this.prevHash = hash;
  }

  /** True when this run and the one or two before it are a doubled word, "an" + a word it cannot precede, or a phrase. */
  private endsSequence(text: string, start: number, end: number, hash: number): boolean {
    const len = end - start;
    const prevLen = this.prevEnd - this.prevStart;
    if (hash === this.prevHash && len === prevLen && DOUBLED_HASHES.has(hash)) {
      const w = runText(text, start, end);
      if (w === runText(this.prevText, this.prevStart, this.prevEnd) && DOUBLED.has(w)) return true;
    }
    if (this.prevHash === AN_HASH && prevLen === 2 && NOT_AFTER_AN_HASHES.has(hash)) {
      if (runText(this.prevText, this.prevStart, this.prevEnd) === "an" && NOT_AFTER_AN.has(runText(text, start, end))) return true;
    }
    if (PHRASE_MIDDLE_HASHES.has(this.prevHash)) {
      const prev = runText(this.prevText, this.prevStart, this.prevEnd);
      const phrase = `${runText(this.prev2Text, this.prev2Start, this.prev2End)} ${prev} ${runText(text, start, end)}`;
      if (PHRASE_MIDDLES.has(prev) && PHRASES[phrase] !== undefined) return true;
    }
    return false;
  }
}

/**
 * Where slips may be in the spans `from` to `to` (one block). A block with
 * neither a sequence nor a dictionary hit cannot hold a slip.
 */
export function findCandidates(spans: readonly ProseSpan[], from: number, to: number, dict: Dictionary): BlockCandidates {
  return new CandidateFinder(dict).find(spans, from, to);
}

/**
 * findCandidates for block after block of one check: one look serves them
 * all, so what `find` returns holds only until it is called again.
 */
export class CandidateFinder {
  private readonly look: BlockLook;

  constructor(dict: Dictionary) {
    this.look = new BlockLook(dict);
  }

  find(spans: readonly ProseSpan[], from: number, to: number): BlockCandidates {
    this.look.reset();
    readRuns(this.look, spans, from, to);
    return this.look;
  }
}

/** Hands every letter run of the spans `from` to `to` to `look`, in order. */
function readRuns(look: BlockLook, spans: readonly ProseSpan[], from: number, to: number): void {
  for (let s = from; s < to; s++) {
    const text = (spans[s] as ProseSpan).text;
    look.span = s;
    let start = -1;
    let h = HASH_SEED;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const l = letterOf(c);
      if (l >= 0) {
        if (start < 0) {
          start = i;
          h = HASH_SEED;
        }
        h = Math.imul(h ^ l, HASH_PRIME);
        // The combining dot after "İ" ends the run.
        if (c !== DOTTED_I) continue;
        look.next(text, start, i + 1, h & HASH_MASK);
      } else if (start >= 0) {
        look.next(text, start, i, h & HASH_MASK);
      }
      start = -1;
    }
    if (start >= 0) look.next(text, start, text.length, h & HASH_MASK);
  }
}
