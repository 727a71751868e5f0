import { ETIQUETTE_LIMITS } from "../limits.js";
import type { Mail } from "../model.js";
import { normaliseText } from "../report/fingerprint.js";
import type { FeedbackVerdict, ReportedFinding, ReviewRecord } from "../store/store.js";

/** One `lkreview:` command found in a reply, with the quote above it. */
export interface FeedbackCommand {
  verdict: FeedbackVerdict;
  /** `lkreview: false-positive <rule>` names the rule; null otherwise. */
  rule: string | null;
  /** The quoted lines above the command, one quote level removed. */
  quote: string[];
}

const COMMAND = /^lkreview:\s*(false-positive|false positive|ack)(?:\s+(\S+))?\s*$/i;

/**
 * The commands in a reply body: each unquoted `lkreview: false-positive
 * [rule]` or `lkreview: ack` line, with the run of quoted lines above it
 * (the finding it answers). Lines after the signature delimiter are ignored.
 */
export function parseFeedback(body: string): FeedbackCommand[] {
  const out: FeedbackCommand[] = [];
  let quote: string[] = [];
  let quoteOpen = false;
  for (const raw of body.replace(/\r\n?/g, "\n").split("\n")) {
    if (raw === "-- ") break;
    if (raw.startsWith(">")) {
      if (!quoteOpen) quote = [];
      quoteOpen = true;
      quote.push(raw.replace(/^> ?/, ""));
      continue;
    }
    quoteOpen = false;
    const m = COMMAND.exec(raw.trim());
    if (!m) continue;
    out.push({ verdict: /^ack$/i.test(m[1] ?? "") ? "ack" : "false-positive", rule: m[2] ?? null, quote: [...quote] });
    if (out.length >= ETIQUETTE_LIMITS.maxFeedbackCommands) break;
  }
  return out;
}

/**
 * The findings of the bot's reply that a command answers. The quote must
 * hold the finding's comment (its first words) or one of its anchored lines
 * as the bot quoted it (`> +line`); a comment match wins over a line match,
 * since several points can share one quoted line. A named rule narrows it.
 */
export function findingsFor(cmd: FeedbackCommand, review: ReviewRecord): ReportedFinding[] {
  const candidates = cmd.rule ? review.findings.filter((f) => f.rule === cmd.rule) : review.findings;
  if (cmd.quote.length === 0) return [];
  const quoted = normaliseText(cmd.quote.join(" "));
  const lines = new Set(cmd.quote.map((l) => normaliseText(l.replace(/^> ?/, "").replace(/^[+ ]/, ""))).filter((l) => l.length > 3));
  const byMessage = candidates.filter((f) => {
    const words = normaliseText(f.message).slice(0, 60);
    return words.length > 0 && quoted.includes(words);
  });
  if (byMessage.length > 0) return byMessage;
  return candidates.filter((f) => f.anchored.some((a) => lines.has(normaliseText(a))));
}

/** Why a sender may (or may not) correct a review: author, maintainer of the list, or a recipient of the review. */
export function feedbackAuthority(mail: Mail, review: ReviewRecord, isMaintainer: (addr: string) => boolean): string | null {
  const from = mail.from.address.toLowerCase();
  if (from === "") return null;
  if (from === review.author.toLowerCase()) return "the patch author";
  if (isMaintainer(from)) return "a maintainer of the list";
  if (review.recipients.some((r) => r.toLowerCase() === from)) return "a recipient of the review";
  return null;
}
