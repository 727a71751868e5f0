import type { Finding, Patch } from "../model.js";
import { normaliseText } from "../report/fingerprint.js";
import type { ThreadMessage } from "../store/store.js";
import { anchoredAddedLines, isTrivialLine } from "./anchored.js";

/** A quote from the patch that a human commented on. */
export interface CommentedQuote {
  /** Normalised text of the added lines (`> +...`) in the quote. */
  added: Set<string>;
  /** The first line of the comment below it, for the log. */
  comment: string;
}

const ATTRIBUTION = /^(on .*wrote:|.*\bwrote:)\s*$/i;

/**
 * The quotes of the patch that a reply comments on: a run of `> ` lines
 * holding at least one added line (`> +...`), followed by unquoted text
 * before the next quote or the signature. Deeper quotes (`> > `) are
 * another reply's, not the patch, and are ignored.
 */
export function commentedQuotes(body: string): CommentedQuote[] {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const out: CommentedQuote[] = [];
  let block: Set<string> | null = null;
  let comment: string[] = [];
  const flush = (): void => {
    if (block && block.size > 0 && comment.length > 0) out.push({ added: block, comment: comment[0] ?? "" });
    block = null;
    comment = [];
  };
  for (const raw of lines) {
    if (raw === "-- ") break;
    if (/^>/.test(raw)) {
      if (comment.length > 0) flush();
      const inner = raw.replace(/^> ?/, "");
      if (/^>/.test(inner)) continue;
      block ??= new Set<string>();
      if (inner.startsWith("+") && !inner.startsWith("+++")) {
        const text = inner.slice(1);
        if (!isTrivialLine(text)) block.add(normaliseText(text));
      }
      continue;
    }
    const text = raw.trim();
    if (text === "" || ATTRIBUTION.test(text)) continue;
    if (block) comment.push(text);
  }
  flush();
  return out;
}

/** A finding a human already made, with who and where, for the log. */
export interface HumanPoint {
  finding: Finding;
  by: string;
  messageId: string;
}

/**
 * Drops points a human already made in the thread: a reply that quotes one
 * of the finding's added lines and comments under it. The bot's own mail
 * (any of `botAddresses`) does not count.
 */
export function dropHumanPoints(
  patch: Patch,
  findings: readonly Finding[],
  replies: readonly ThreadMessage[],
  botAddresses: readonly string[],
): { kept: Finding[]; dropped: HumanPoint[] } {
  const bots = new Set(botAddresses.map((a) => a.toLowerCase()));
  const quotes = replies
    .filter((r) => !bots.has(r.from.toLowerCase()))
    .flatMap((r) => commentedQuotes(r.body).map((q) => ({ q, r })));
  const kept: Finding[] = [];
  const dropped: HumanPoint[] = [];
  for (const f of findings) {
    const lines = anchoredAddedLines(patch, f)
      .filter((t) => !isTrivialLine(t))
      .map(normaliseText);
    const hit = lines.length > 0 ? quotes.find(({ q }) => lines.some((t) => q.added.has(t))) : undefined;
    if (hit) dropped.push({ finding: f, by: hit.r.from, messageId: hit.r.messageId });
    else kept.push(f);
  }
  return { kept, dropped };
}
