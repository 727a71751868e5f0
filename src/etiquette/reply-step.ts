import type { Analysis } from "../analyse/analyse.js";
import type { Config } from "../config.js";
import { describeError } from "../errors.js";
import type { Finding, Patch, Series } from "../model.js";
import { deliverReply } from "../mail/deliver.js";
import type { Delivered, DeliverMode } from "../mail/deliver.js";
import type { ComposedReply } from "../report/lkml/compose.js";
import type { Store } from "../store/store.js";
import { resolvePolicy } from "./policy.js";
import type { EffectivePolicy } from "./policy.js";
import { positiveFinding } from "./recipients.js";
import { applyEtiquette, composeUnderPolicy, describeHumanPoints, loadEtiquetteContext, recordedFindings, reviewRecordOf } from "./review-steps.js";
import type { EtiquetteResult } from "./review-steps.js";
import { dropHumanPoints } from "./thread.js";

/** What the reply step needs from the watch. */
export interface ReplyDeps {
  config: Config;
  store: Store;
  /** The global delivery mode (`--deliver`). */
  mode: DeliverMode;
  /** The bot's bare address. */
  bot: string;
  log: (line: string) => void;
  print?: (text: string) => void;
  version: string;
  now(): Date;
}

/** A reviewed patch on its way to a reply. */
export interface Reviewed {
  patch: Patch;
  series: Series | null;
  analysis: Analysis;
  durationMs: number;
}

/** What an embargoed reply keeps until its time comes. */
interface HeldPayload {
  patch: Patch;
  findings: Finding[];
  all: Finding[];
}

/** The mode for this patch: the global dry-run always wins (a safety switch); a policy may turn replies off or hold them in the queue. */
export function effectiveMode(global: DeliverMode, policy: EffectivePolicy): { mode: DeliverMode | "off"; rule: string } {
  if (global === "dry-run") return { mode: "dry-run", rule: "--deliver dry-run" };
  if (policy.mode.value === "off") return { mode: "off", rule: policy.mode.rule };
  if (policy.mode.value === "queue") return { mode: "queue", rule: policy.mode.rule };
  return { mode: global, rule: policy.mode.value === "send" ? policy.mode.rule : `--deliver ${global}` };
}

async function saveReview(
  deps: ReplyDeps,
  r: { patch: Patch; findings: readonly Finding[]; reply: ComposedReply | null; replied: boolean; analysis?: Analysis; durationMs?: number },
): Promise<void> {
  const prev = await deps.store.reviewGet(r.patch.mail.messageId);
  const record = reviewRecordOf(
    {
      patch: r.patch,
      findings: r.findings,
      reply: r.reply,
      repliedAt: r.replied ? deps.now().toISOString() : null,
      usage: r.analysis?.usage,
      durationMs: r.durationMs,
    },
    prev,
  );
  await deps.store.reviewSave(record);
}

/** Series, versions and the thread as far as the store has seen it; each point a human already made is logged. */
async function withEtiquette(deps: ReplyDeps, patch: Patch, series: Series | null, reportable: readonly Finding[]): Promise<EtiquetteResult> {
  const result = applyEtiquette(patch, series, reportable, await loadEtiquetteContext(deps.store, patch, [deps.bot]));
  for (const line of describeHumanPoints(patch, result.dropped)) deps.log(line);
  return result;
}

function composeWithPlan(deps: ReplyDeps, patch: Patch, findings: Finding[], policy: EffectivePolicy): ComposedReply | null {
  const { reply, decisions } = composeUnderPolicy(patch, findings, policy, { config: deps.config, bot: deps.bot, version: deps.version, date: deps.now() });
  for (const d of decisions) deps.log(`policy: ${patch.mail.messageId}: ${d}`);
  return reply;
}

function describeDelivery(reply: ComposedReply | null, done: Delivered): string {
  switch (done.how) {
    case "dry-run":
      return `dry-run reply ${reply?.messageId ?? ""} written to ${done.file}`;
    case "queue":
      return `queued as item ${done.itemId}`;
    case "outbox":
      return `reply ${reply?.messageId ?? ""} ${done.fresh ? "put in the outbox" : "already in the outbox"}`;
    case "none":
      return `no reply (${done.why})`;
  }
}

/**
 * From analysis to delivery under the list's etiquette: series and version
 * awareness, points humans already made, the positive reply, the embargo,
 * the recipients; the review is remembered for feedback and statistics.
 * Returns one line for the watch log, and whether a reply was handed on.
 */
export async function replyStep(r: Reviewed, deps: ReplyDeps): Promise<{ line: string; replied: boolean }> {
  const { patch } = r;
  const id = patch.mail.messageId;
  const policy = resolvePolicy(deps.config, patch.mail);
  const { mode, rule: modeRule } = effectiveMode(deps.mode, policy);
  deps.log(`policy: ${id}: mode ${mode} by ${modeRule}`);

  const ety = await withEtiquette(deps, patch, r.series, r.analysis.reportable);
  let findings = ety.findings;
  // What the queue keeps: every finding, reworded as the reply words it, a human's points tagged.
  const recorded = recordedFindings(r.analysis.findings, findings, ety.dropped);
  if (findings.length === 0) {
    if (policy.positive.value) {
      findings = [positiveFinding()];
      deps.log(`policy: ${id}: clean patch gets a short positive reply by ${policy.positive.rule}`);
    } else {
      deps.log(`policy: ${id}: clean patch gets no reply, positive is off by ${policy.positive.rule}`);
    }
  }
  const what = `${id} "${patch.mail.subject}": ${findings.filter((f) => !f.tags.includes("positive")).length} finding(s)`;

  if (mode === "off") {
    await saveReview(deps, { patch, findings, reply: null, replied: false, analysis: r.analysis, durationMs: r.durationMs });
    return { line: `${what}; no reply (replies are off by ${modeRule})`, replied: false };
  }
  if (findings.length > 0 && mode !== "queue" && policy.embargoMs.value > 0) {
    const due = new Date(deps.now().getTime() + policy.embargoMs.value);
    const payload: HeldPayload = { patch, findings, all: recorded };
    const fresh = await deps.store.deferPut({ messageId: id, listId: patch.mail.listId, dueAt: due.toISOString(), payload: JSON.stringify(payload) });
    await saveReview(deps, { patch, findings, reply: null, replied: false, analysis: r.analysis, durationMs: r.durationMs });
    deps.log(`policy: ${id}: reply held until ${due.toISOString()} by ${policy.embargoMs.rule} "${policy.embargoText}"`);
    return { line: `${what}; reply ${fresh ? "held" : "already held"} until ${due.toISOString()}`, replied: false };
  }
  const reply = findings.length > 0 ? composeWithPlan(deps, patch, findings, policy) : null;
  const done = await deliverReply(reply, patch, recorded, mode, {
    mode: deps.mode,
    store: deps.store,
    outboxDir: deps.config.outbox,
    log: deps.log,
    ...(deps.print ? { print: deps.print } : {}),
  });
  const replied = done.how === "dry-run" || done.how === "outbox";
  await saveReview(deps, { patch, findings, reply, replied, analysis: r.analysis, durationMs: r.durationMs });
  return { line: `${what}; ${describeDelivery(reply, done)}`, replied };
}

/**
 * Sends the held replies whose embargo is over. Before each goes out the
 * thread is read again (the store holds the human replies the watch has
 * seen since), and points a human made meanwhile are dropped; when nothing
 * is left the reply is dropped. One bad entry never stops the others.
 * Returns the number of replies handed on.
 */
export async function releaseHeld(deps: ReplyDeps): Promise<number> {
  let released = 0;
  for (const held of await deps.store.deferDue(deps.now())) {
    try {
      const payload = JSON.parse(held.payload) as HeldPayload;
      const { patch } = payload;
      const policy = resolvePolicy(deps.config, patch.mail);
      const { mode } = effectiveMode(deps.mode, policy);
      const positiveOnly = payload.findings.every((f) => f.tags.includes("positive"));
      let findings = payload.findings;
      let all = payload.all;
      if (!positiveOnly) {
        const thread = await deps.store.threadReplies(patch.mail.messageId);
        const { kept, dropped } = dropHumanPoints(patch, findings, thread, [deps.bot]);
        for (const line of describeHumanPoints(patch, dropped)) deps.log(line);
        findings = kept;
        all = recordedFindings(all, kept, dropped);
      }
      if (findings.length === 0 || mode === "off") {
        await deps.store.deferDone(held.messageId, "dropped");
        await saveReview(deps, { patch, findings, reply: null, replied: false });
        deps.log(`policy: ${held.messageId}: held reply dropped, ${mode === "off" ? "replies are now off" : "humans in the thread already made every point"}`);
        continue;
      }
      const reply = composeWithPlan(deps, patch, findings, policy);
      const done = await deliverReply(reply, patch, all, mode === "queue" ? "queue" : mode, {
        mode: deps.mode,
        store: deps.store,
        outboxDir: deps.config.outbox,
        log: deps.log,
        ...(deps.print ? { print: deps.print } : {}),
      });
      await deps.store.deferDone(held.messageId, "sent");
      const replied = done.how === "dry-run" || done.how === "outbox";
      await saveReview(deps, { patch, findings, reply, replied });
      if (replied) released++;
      deps.log(`policy: ${held.messageId}: embargo over; ${describeDelivery(reply, done)}`);
    } catch (err) {
      deps.log(`policy: ${held.messageId}: held reply could not be sent: ${describeError(err)}`);
    }
  }
  return released;
}
