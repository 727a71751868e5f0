import { COMMIT_MSG } from "../../model.js";
import type { Patch } from "../../model.js";

/**
 * The model may only speak about lines the patch adds: a finding's quote must
 * equal one or more consecutive added lines of the named file after
 * whitespace normalisation. This is what makes model findings as trustworthy
 * as their anchors, and what keeps injected text from landing anywhere else.
 */

interface AddedLine {
  line: number;
  text: string;
  norm: string;
}

/** Runs of consecutive added lines per file (removed lines in between do not break a run). */
export type AddedIndex = Map<string, AddedLine[][]>;

function norm(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** Indexes the added lines of every file, and the commit message under COMMIT_MSG. */
export function addedIndex(patch: Patch): AddedIndex {
  const index: AddedIndex = new Map();
  index.set(COMMIT_MSG, [patch.commitMessage.map((text, i) => ({ line: i + 1, text, norm: norm(text) }))]);
  for (const file of patch.files) {
    const runs = index.get(file.path) ?? [];
    for (const hunk of file.hunks) {
      let run: AddedLine[] = [];
      for (const l of hunk.lines) {
        if (l.kind === "add" && l.newLine !== null) run.push({ line: l.newLine, text: l.text, norm: norm(l.text) });
        else if (l.kind === "ctx") {
          if (run.length > 0) runs.push(run);
          run = [];
        }
      }
      if (run.length > 0) runs.push(run);
    }
    index.set(file.path, runs);
  }
  return index;
}

export interface Anchor {
  line: number;
  endLine: number;
  /** The anchored lines' text, joined by newlines (fingerprint input). */
  text: string;
}

/** Shortest partial quote (normalised characters) accepted as pointing at one line. */
const MIN_PARTIAL_QUOTE = 12;

/** Quote variants: as given, without our `+121 ` markers, without a raw diff `+`. */
function quoteVariants(quote: string): string[][] {
  const lines = quote.replace(/\r\n?/g, "\n").split("\n");
  const variants = [lines, lines.map((l) => l.replace(/^\+\d+ ?/, "")), lines.map((l) => l.replace(/^\+/, ""))];
  return variants.map((v) => {
    const n = v.map(norm);
    while (n.length > 0 && n[0] === "") n.shift();
    while (n.length > 0 && n[n.length - 1] === "") n.pop();
    return n;
  });
}

/**
 * Where `quote` sits among the added lines of `file`: the first run of
 * consecutive added lines equal to it (after whitespace normalisation). A
 * one-line quote may also be a distinctive part of a single added line.
 * Null when the quote matches nothing the patch adds.
 */
export function anchorQuote(index: AddedIndex, file: string, quote: string): Anchor | null {
  const runs = index.get(file);
  if (!runs) return null;
  const variants = quoteVariants(quote).filter((v) => v.length > 0);
  for (const q of variants) {
    for (const run of runs) {
      for (let i = 0; i + q.length <= run.length; i++) {
        if (q.every((ql, k) => run[i + k]?.norm === ql)) {
          const hit = run.slice(i, i + q.length);
          return { line: hit[0]?.line ?? 0, endLine: hit[hit.length - 1]?.line ?? 0, text: hit.map((h) => h.text).join("\n") };
        }
      }
    }
  }
  for (const q of variants) {
    const only = q[0] ?? "";
    if (q.length !== 1 || only.length < MIN_PARTIAL_QUOTE) continue;
    for (const run of runs) {
      const hit = run.find((l) => l.norm.includes(only));
      if (hit) return { line: hit.line, endLine: hit.line, text: hit.text };
    }
  }
  return null;
}

/** Longest model message kept (characters); a review comment is a few sentences. */
export const MAX_MESSAGE_CHARS = 1_200;

const HEADER_NAMES =
  "from|to|cc|bcc|subject|reply-to|sender|message-id|in-reply-to|references|date|return-path|mime-version|content-[a-z-]+|x-[a-z-]+|auto-submitted|list-[a-z-]+|[a-z-]+-by|fixes|link|closes|bug|change-id";
/** A line a mail client or `b4` would read as a header or a commit trailer. */
const HEADER_LINE = new RegExp(`^\\s*(?:${HEADER_NAMES})\\s*:`, "i");
/** Any `Name: value` carrying an address, URL or commit hash: b4 would copy it into the commit. */
const TRAILER_LIKE = /^\s*[A-Za-z][\w-]*\s*:.*(?:[\w.+-]+@[\w-]+\.[\w.-]+|https?:\/\/|\b[0-9a-f]{12,40}\b)/;

/**
 * Cleans a model message for use in a reply: plain text, no control
 * characters, paragraphs kept but no runs of blank lines, no line that looks
 * like a mail header, commit trailer, quote marker or signature delimiter,
 * capped in length. Returns "" when nothing is left.
 */
export function cleanMessage(message: string): string {
  const lines = message
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    // Control characters (but newline) have no place in a reply body.
    // eslint-disable-next-line no-control-regex -- the sanitiser strips control characters on purpose
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, "")
    .split("\n")
    .map((l) => l.replace(/^\s*>+\s?/, "").trimEnd())
    .filter((l) => !HEADER_LINE.test(l) && !TRAILER_LIKE.test(l) && !/^\s*--\s*$/.test(l));
  const out: string[] = [];
  for (const l of lines) {
    if (l.trim() === "" && (out.length === 0 || out[out.length - 1] === "")) continue;
    out.push(l.trim() === "" ? "" : l);
  }
  let text = out.join("\n").trim();
  if (text.length > MAX_MESSAGE_CHARS) {
    const cut = text.slice(0, MAX_MESSAGE_CHARS);
    const space = cut.lastIndexOf(" ");
    text = `${(space > MAX_MESSAGE_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()} [...]`;
  }
  return text;
}
