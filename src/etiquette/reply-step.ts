import type { Analysis } from "../analyse/analyse.js";
import type { Config } from "../config.js";
import { describeError } from "../errors.js";
import type { Finding, Patch, Series } from "../model.js";
import { deliverReply } from "../mail/deliver.js";
import type { Delivered, DeliverMode } from "../mail/deliver.js";
import type { ComposedReply } from "../report/lkml/compose.js";
import type { ReportedFinding, Store } from "../store/store.js";
import { anchoredLines } from "./anchored.js";
import { resolvePolicy } from "./policy.js";
import type { EffectivePolicy } from "./policy.js";
import { composeFor, planRecipients, positiveFinding } from "./recipients.js";
import { markAlsoRaised, markFixedLater, titleKey } from "./series.js";
import { dropHumanPoints } from "./thread.js";

/** What the reply step needs from the watch. */
export interface ReplyDeps {
  config: Config;
  store: Store;
  /** The global delivery mode (`--deliver`). */
  mode: DeliverMode;
  /** The bot's bare address. */
  bot: string;
  log(line: string): void;
  print?(text: string): void;
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

function reported(patch: Patch, findings: readonly Finding[]): ReportedFinding[] {
  return findings
    .filter((f) => !f.tags.includes("positive"))
    .map((f) => ({ rule: f.rule, fingerprint: f.fingerprint, file: f.file, line: f.line, message: f.message, anchored: anchoredLines(patch, f) }));
}

async function saveReview(
  deps: ReplyDeps,
  r: { patch: Patch; findings: readonly Finding[]; reply: ComposedReply | null; replied: boolean; analysis?: Analysis; durationMs?: number },
): Promise<void> {
  const { patch } = r;
  const prev = await deps.store.reviewGet(patch.mail.messageId);
  const usage = r.analysis?.usage;
  await deps.store.reviewSave({
    messageId: patch.mail.messageId,
    listId: patch.mail.listId,
    author: patch.mail.from.address.toLowerCase(),
    titleKey: titleKey(patch.subject.title),
    version: patch.subject.version,
    part: patch.subject.index,
    total: patch.subject.total,
    findings: reported(patch, r.findings),
    replyMessageId: r.reply?.messageId ?? prev?.replyMessageId ?? null,
    recipients: r.reply ? [...r.reply.to, ...r.reply.cc] : (prev?.recipients ?? []),
    repliedAt: r.replied ? deps.now().toISOString() : (prev?.repliedAt ?? null),
    promptTokens: usage ? usage.promptTokens : (prev?.promptTokens ?? 0),
    completionTokens: usage ? usage.completionTokens : (prev?.completionTokens ?? 0),
    durationMs: r.durationMs ?? prev?.durationMs ?? 0,
  });
}

/** Drops the points a human already made in the thread (as far as the store has seen it), logging each. */
async function withoutHumanPoints(deps: ReplyDeps, patch: Patch, findings: Finding[]): Promise<Finding[]> {
  const replies = await deps.store.threadReplies(patch.mail.messageId);
  if (replies.length === 0) return findings;
  const { kept, dropped } = dropHumanPoints(patch, findings, replies, [deps.bot]);
  for (const d of dropped) {
    deps.log(`thread: ${patch.mail.messageId}: ${d.finding.rule} at ${d.finding.file}:${d.finding.line} dropped, already raised by ${d.by} in ${d.messageId}`);
  }
  return kept;
}

function composeWithPlan(deps: ReplyDeps, patch: Patch, findings: Finding[], policy: EffectivePolicy, log: boolean): ComposedReply | null {
  const plan = planRecipients(patch, policy, deps.bot);
  if (log) for (const d of plan.decisions) deps.log(`policy: ${patch.mail.messageId}: ${d}`);
  if (plan.to.length === 0) {
    deps.log(`policy: ${patch.mail.messageId}: no recipient left after the policy; no reply`);
    return null;
  }
  return composeFor(patch, findings, plan, {
    from: deps.config.from,
    signature: deps.config.signature,
    version: deps.version,
    date: deps.now(),
  });
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

  let findings = markFixedLater(patch, r.series, r.analysis.reportable);
  const earlier = await deps.store.reviewsByTitle(patch.mail.from.address.toLowerCase(), titleKey(patch.subject.title));
  findings = markAlsoRaised(patch.subject.version, findings, earlier.filter((e) => e.messageId !== id));
  findings = await withoutHumanPoints(deps, patch, findings);
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
    const payload: HeldPayload = { patch, findings, all: r.analysis.findings };
    const fresh = await deps.store.deferPut({ messageId: id, listId: patch.mail.listId, dueAt: due.toISOString(), payload: JSON.stringify(payload) });
    await saveReview(deps, { patch, findings, reply: null, replied: false, analysis: r.analysis, durationMs: r.durationMs });
    deps.log(`policy: ${id}: reply held until ${due.toISOString()} by ${policy.embargoMs.rule} "${policy.embargoText}"`);
    return { line: `${what}; reply ${fresh ? "held" : "already held"} until ${due.toISOString()}`, replied: false };
  }
  const reply = findings.length > 0 ? composeWithPlan(deps, patch, findings, policy, true) : null;
  const done = await deliverReply(reply, patch, r.analysis.findings, mode, {
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
      const findings = positiveOnly ? payload.findings : await withoutHumanPoints(deps, patch, payload.findings);
      if (findings.length === 0 || mode === "off") {
        await deps.store.deferDone(held.messageId, "dropped");
        await saveReview(deps, { patch, findings, reply: null, replied: false });
        deps.log(`policy: ${held.messageId}: held reply dropped, ${mode === "off" ? "replies are now off" : "humans in the thread already made every point"}`);
        continue;
      }
      const reply = composeWithPlan(deps, patch, findings, policy, true);
      const done = await deliverReply(reply, patch, payload.all, mode === "queue" ? "queue" : mode, {
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
