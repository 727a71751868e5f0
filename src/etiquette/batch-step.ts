import type { Config } from "../config.js";
import type { Finding } from "../model.js";
import type { ReviewedPatch, Timing } from "../pipeline.js";
import { composeReply } from "../report/lkml/compose.js";
import type { ComposedReply } from "../report/lkml/compose.js";
import type { Store } from "../store/store.js";
import { authorMutedBy, resolvePolicy } from "./policy.js";
import { positiveFinding } from "./recipients.js";
import { applyEtiquette, composeUnderPolicy, describeHumanPoints, loadEtiquetteContext, recordedFindings, replyable, reviewRecordOf } from "./review-steps.js";

/**
 * Batch `lkreview review` with a store behaves like the watch for all that
 * is not mail transport: the same series, version and thread steps shape
 * the reply, the review is remembered (so `stats`, feedback and the next
 * version see it), and with `--enqueue` the list and person policy decides
 * whether and how a draft is queued.
 */

export interface BatchStepDeps {
  config: Config;
  store: Store;
  /** `--enqueue`: the recipient policy applies and the result goes to the queue. */
  enqueue: boolean;
  /** The bot's bare address. */
  bot: string;
  version: string;
  /** One line per decision (stderr of the command). */
  log: (line: string) => void;
  now?: () => Date;
}

export interface BatchStepResult {
  /** The review as the output shows it: every finding kept (reworded or tagged), the reply after etiquette. */
  reviewed: ReviewedPatch;
  /** With `--enqueue`: what to queue (`draft` null: no reply); null when the patch is not to be queued at all. */
  queue: { draft: string | null } | null;
}

const sameFindings = (a: readonly Finding[], b: readonly Finding[]): boolean => a.length === b.length && a.every((f, i) => f === b[i]);

/** The review with `all` findings and `reply` in place of the pipeline's. */
function withReply(r: ReviewedPatch, all: Finding[], reply: ComposedReply | null): ReviewedPatch {
  return { ...r, all, composed: reply, review: { ...r.review, findings: all, reply: reply ? reply.raw : null } };
}

/**
 * Applies the etiquette to one reviewed patch of a batch run and saves the
 * review record. Throws on store errors (the caller decides whether the run
 * goes on) and CONFIG for a policy that cannot be read.
 */
export async function batchStep(r: ReviewedPatch, timing: Timing, deps: BatchStepDeps): Promise<BatchStepResult> {
  const { patch } = r;
  const id = patch.mail.messageId;
  const policy = deps.enqueue ? resolvePolicy(deps.config, patch.mail) : null;
  if (policy) {
    // The first matching mute wins; a muted author's patch is not reviewed for the list at all.
    const muted = authorMutedBy(policy, patch.mail);
    if (muted) {
      deps.log(`policy: ${id}: muted by ${muted}; not queued`);
      return { reviewed: withReply(r, r.all, null), queue: null };
    }
  }

  const reportable = replyable(r.all);
  const ety = applyEtiquette(patch, r.series, reportable, await loadEtiquetteContext(deps.store, patch, [deps.bot]));
  for (const line of describeHumanPoints(patch, ety.dropped)) deps.log(line);
  let findings = ety.findings;
  const all = recordedFindings(r.all, findings, ety.dropped);
  const date = deps.now ? deps.now() : new Date();

  let reply: ComposedReply | null;
  let queue: BatchStepResult["queue"] = null;
  if (policy) {
    if (policy.mode.value === "off") {
      deps.log(`policy: ${id}: queued without a draft, replies are off by ${policy.mode.rule}`);
      reply = null;
    } else {
      if (findings.length === 0 && policy.positive.value) findings = [positiveFinding()];
      reply = null;
      if (findings.length > 0) {
        const composed = composeUnderPolicy(patch, findings, policy, { config: deps.config, bot: deps.bot, version: deps.version, date });
        if (!composed.reply) deps.log(`policy: ${id}: ${composed.decisions.at(-1) ?? "no reply"}`);
        reply = composed.reply;
      }
    }
    queue = { draft: reply ? reply.raw : null };
  } else if (sameFindings(findings, reportable)) {
    // Nothing changed: the pipeline's reply stands as it is.
    reply = r.composed;
  } else {
    reply =
      findings.length > 0 ? composeReply(patch, findings, { from: deps.config.from, signature: deps.config.signature, version: deps.version, date }) : null;
  }

  const usage = r.review.usage;
  const prev = await deps.store.reviewGet(id);
  await deps.store.reviewSave(
    reviewRecordOf(
      {
        patch,
        findings,
        reply,
        // Printed or queued, not sent: `queue send` records the sending.
        repliedAt: null,
        usage,
        durationMs: Math.round(timing.parseMs + timing.rulesMs + timing.postMs),
      },
      prev,
    ),
  );
  return { reviewed: withReply(r, all, reply), queue };
}
