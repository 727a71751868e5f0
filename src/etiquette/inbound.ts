import type { Config } from "../config.js";
import { ETIQUETTE_LIMITS } from "../limits.js";
import type { Mail } from "../model.js";
import type { Store } from "../store/store.js";
import { feedbackAuthority, findingsFor, parseFeedback } from "./feedback.js";
import { isMaintainer, listPolicy } from "./policy.js";

export interface InboundDeps {
  config: Config;
  store: Store;
  /** The bot's bare address: its own mail is neither feedback nor a human point. */
  bot: string;
  log: (line: string) => void;
}

/** Message-IDs a mail answers: In-Reply-To first, then References newest first. */
function parentsOf(mail: Mail): string[] {
  return [...new Set([...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[...mail.references].reverse()])];
}

/**
 * A reply to one of the bot's reviews: applies its `lkreview:` commands.
 * `false-positive` suppresses the rule+fingerprint (so later versions never
 * report it again) and counts against the rule; `ack` counts for it. Only
 * the patch author, the list's configured maintainers and the recipients of
 * the review may do so; anyone else is ignored, and logged.
 */
async function applyFeedback(mail: Mail, deps: InboundDeps): Promise<void> {
  const commands = parseFeedback(mail.body);
  if (commands.length === 0) return;
  let review = null;
  for (const p of parentsOf(mail)) {
    review = await deps.store.reviewByReply(p);
    if (review) break;
  }
  const id = mail.messageId;
  if (!review) {
    deps.log(`feedback: ${id}: ignored, it answers no review of ours`);
    return;
  }
  const maintainers = listPolicy(deps.config.lists, review.listId)?.policy.maintainers ?? [];
  const authority = feedbackAuthority(mail, review, (a) => isMaintainer(maintainers, a));
  const from = mail.from.address.toLowerCase();
  if (!authority) {
    deps.log(
      `feedback: ${id}: ignored, ${from} is not the patch author, a maintainer of ${review.listId ?? "the list"} or a recipient of ${review.replyMessageId ?? "the review"}`,
    );
    return;
  }
  for (const cmd of commands) {
    const hits = findingsFor(cmd, review);
    if (hits.length === 0) {
      deps.log(
        `feedback: ${id}: "lkreview: ${cmd.verdict}${cmd.rule ? ` ${cmd.rule}` : ""}" quotes no point of ${review.replyMessageId ?? "the review"}; ignored`,
      );
      continue;
    }
    for (const f of hits) {
      const fresh = await deps.store.feedbackAdd({
        mailId: id,
        reviewId: review.messageId,
        rule: f.rule,
        fingerprint: f.fingerprint,
        verdict: cmd.verdict,
        who: from,
        listId: review.listId,
      });
      if (cmd.verdict === "false-positive") {
        await deps.store.suppress({ rule: f.rule, fingerprint: f.fingerprint, reason: `lkreview: false-positive in ${id}`, who: from });
      }
      const what = cmd.verdict === "ack" ? "confirmed" : "marked false positive";
      deps.log(`feedback: ${id}: ${f.rule} ${f.fingerprint} at ${f.file}:${f.line} ${what} by ${from} (${authority})${fresh ? "" : ", already recorded"}`);
    }
  }
}

/**
 * Handles a mail that is not a patch: feedback on the bot's reviews, and
 * human replies kept for thread awareness (a reply held by an embargo drops
 * the points a human made meanwhile). The bot's own mail is skipped.
 */
export async function observeReply(mail: Mail, deps: InboundDeps): Promise<void> {
  if (mail.from.address.toLowerCase() === deps.bot.toLowerCase()) return;
  const parents = parentsOf(mail);
  if (parents.length === 0) return;
  await applyFeedback(mail, deps);
  await deps.store.threadAdd({
    messageId: mail.messageId,
    parents,
    from: mail.from.address,
    body: mail.body.slice(0, ETIQUETTE_LIMITS.maxThreadBodyChars),
  });
}
