import { NOT_FOR_REPLIES } from "../analyse/analyse.js";
import type { Config } from "../config.js";
import type { Finding, Patch, Series } from "../model.js";
import type { ComposedReply } from "../report/lkml/compose.js";
import type { ReportedFinding, ReviewRecord, Store, ThreadMessage } from "../store/store.js";
import { anchoredLines } from "./anchored.js";
import type { EffectivePolicy } from "./policy.js";
import { composeFor, planRecipients } from "./recipients.js";
import { markAlsoRaised, markFixedLater, titleKey } from "./series.js";
import { dropHumanPoints, RAISED_IN_THREAD } from "./thread.js";
import type { HumanPoint } from "./thread.js";

/**
 * The etiquette steps every way of reviewing shares (the IMAP watch, batch
 * `lkreview review`, the queue's send): what a reply may say once series,
 * earlier versions and the thread are taken into account, how the full
 * finding list records it, and what the store remembers of a review. Pure
 * functions over plain data; the callers fetch from and write to the store.
 */

/** The findings a reply may make: what `analysePatch` calls reportable, less the points a human already made in the thread. Order kept. */
export function replyable(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.tags.some((t) => NOT_FOR_REPLIES.has(t) || t === RAISED_IN_THREAD));
}

/** What the store knows that bears on one patch's reply. */
export interface EtiquetteContext {
  /** Earlier reviews of the same title by the same author (any version; this patch's own record is ignored). */
  earlier: readonly ReviewRecord[];
  /** Replies already seen in the patch's thread. */
  thread: readonly ThreadMessage[];
  /** The bot's own addresses: its mail is never a human point. */
  bots: readonly string[];
}

/** The findings a reply may make after etiquette, and the points humans already made. */
export interface EtiquetteResult {
  findings: Finding[];
  dropped: HumanPoint[];
}

/** Fetches the earlier versions and the thread of `patch` from the store. */
export async function loadEtiquetteContext(store: Store, patch: Patch, bots: readonly string[]): Promise<EtiquetteContext> {
  const id = patch.mail.messageId;
  const earlier = await store.reviewsByTitle(patch.mail.from.address.toLowerCase(), titleKey(patch.subject.title));
  return { earlier: earlier.filter((e) => e.messageId !== id), thread: await store.threadReplies(id), bots };
}

/**
 * Series, versions, thread: a point a later part of the series changes again
 * is asked as "fixed later in n/N?"; a point an earlier version already got
 * is worded "(also raised on vN)" (a point the new version fixed is simply
 * not found again, so it is never repeated); a point a human already made on
 * the same lines is dropped. `reportable` is what the analysis would reply.
 */
export function applyEtiquette(patch: Patch, series: Series | null, reportable: readonly Finding[], ctx: EtiquetteContext): EtiquetteResult {
  let findings = markFixedLater(patch, series, reportable);
  findings = markAlsoRaised(patch.subject.version, findings, ctx.earlier);
  if (ctx.thread.length === 0) return { findings, dropped: [] };
  const { kept, dropped } = dropHumanPoints(patch, findings, ctx.thread, ctx.bots);
  return { findings: kept, dropped };
}

/** One log line per point a human already made. */
export function describeHumanPoints(patch: Patch, dropped: readonly HumanPoint[]): string[] {
  return dropped.map(
    (d) => `thread: ${patch.mail.messageId}: ${d.finding.rule} at ${d.finding.file}:${d.finding.line} dropped, already raised by ${d.by} in ${d.messageId}`,
  );
}

/**
 * Every finding of the analysis as JSON and the queue keep it: the points
 * the reply makes replaced by their reworded form, the ones a human already
 * made tagged `raised-in-thread`, everything else (pre-existing, doubtful,
 * suppressed) as it was. Order is the analysis's.
 */
export function recordedFindings(all: readonly Finding[], reply: readonly Finding[], dropped: readonly HumanPoint[]): Finding[] {
  const key = (f: Finding): string => `${f.rule}\0${f.fingerprint}\0${f.file}\0${f.line}`;
  const worded = new Map(reply.map((f) => [key(f), f]));
  const raised = new Set(dropped.map((d) => key(d.finding)));
  return all.map((f) => {
    const k = key(f);
    if (raised.has(k)) return f.tags.includes(RAISED_IN_THREAD) ? f : { ...f, tags: [...f.tags, RAISED_IN_THREAD] };
    return worded.get(k) ?? f;
  });
}

/** The points of a reply as the store remembers them (the positive note is no point). */
export function reportedFindings(patch: Patch, findings: readonly Finding[]): ReportedFinding[] {
  return findings
    .filter((f) => !f.tags.includes("positive"))
    .map((f) => ({ rule: f.rule, fingerprint: f.fingerprint, file: f.file, line: f.line, message: f.message, anchored: anchoredLines(patch, f) }));
}

/** What one review produced, for `reviewRecordOf`. */
export interface ReviewOutcome {
  patch: Patch;
  findings: readonly Finding[];
  reply: ComposedReply | null;
  /** When the reply was handed to a transport; null when it was not (held, queued, printed). */
  repliedAt: string | null;
  usage?: { promptTokens: number; completionTokens: number } | undefined;
  durationMs?: number | undefined;
}

/**
 * The review record to save. Fields this outcome does not know (a held
 * reply's cost, an earlier reply's Message-ID) are kept from `prev`, the
 * record saved before for the same patch, so saving again never loses them.
 */
export function reviewRecordOf(o: ReviewOutcome, prev: ReviewRecord | null): Omit<ReviewRecord, "createdAt"> {
  const { patch } = o;
  return {
    messageId: patch.mail.messageId,
    listId: patch.mail.listId,
    author: patch.mail.from.address.toLowerCase(),
    titleKey: titleKey(patch.subject.title),
    version: patch.subject.version,
    part: patch.subject.index,
    total: patch.subject.total,
    findings: reportedFindings(patch, o.findings),
    replyMessageId: o.reply?.messageId ?? prev?.replyMessageId ?? null,
    recipients: o.reply ? [...o.reply.to, ...o.reply.cc] : (prev?.recipients ?? []),
    repliedAt: o.repliedAt ?? prev?.repliedAt ?? null,
    promptTokens: o.usage ? o.usage.promptTokens : (prev?.promptTokens ?? 0),
    completionTokens: o.usage ? o.usage.completionTokens : (prev?.completionTokens ?? 0),
    durationMs: o.durationMs ?? prev?.durationMs ?? 0,
  };
}

/** Who composes, for `composeUnderPolicy`. */
export interface ComposeIdentity {
  config: Pick<Config, "from" | "signature">;
  bot: string;
  version: string;
  date: Date;
}

/**
 * The reply for `findings` addressed under the policy (author, reply-all,
 * extra Cc, mutes). `decisions` are the log lines naming the rule behind
 * each choice; the reply is null when the policy leaves nobody to write to.
 */
export function composeUnderPolicy(
  patch: Patch,
  findings: Finding[],
  policy: EffectivePolicy,
  who: ComposeIdentity,
): { reply: ComposedReply | null; decisions: string[] } {
  const plan = planRecipients(patch, policy, who.bot);
  const decisions = [...plan.decisions];
  if (plan.to.length === 0) {
    decisions.push("no recipient left after the policy; no reply");
    return { reply: null, decisions };
  }
  const reply = composeFor(patch, findings, plan, { from: who.config.from, signature: who.config.signature, version: who.version, date: who.date });
  return { reply, decisions };
}
