import type { Address, Finding, Patch } from "../model.js";
import { COMMIT_MSG } from "../model.js";
import { parseIdentity } from "../report/lkml/addresses.js";
import { composeReply } from "../report/lkml/compose.js";
import type { ComposedReply, ComposeOptions } from "../report/lkml/compose.js";
import { mutedBy } from "./policy.js";
import type { EffectivePolicy } from "./policy.js";

/**
 * Who gets the bot's reply under a policy: the author in To when
 * `reply_to_author` (the default: bots that left the author off were the
 * first complaint), the patch's To and Cc when `reply_all`, the extra `cc`,
 * never a muted address and never the bot.
 */
export interface RecipientPlan {
  to: Address[];
  cc: Address[];
  /** Addresses left out by a mute, with the rule. */
  muted: { address: string; rule: string }[];
  /** Log lines: each decision and the rule that made it. */
  decisions: string[];
}

function dedupe(list: Address[], seen: Set<string>): Address[] {
  const out: Address[] = [];
  for (const a of list) {
    const key = a.address.toLowerCase();
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}

export function planRecipients(patch: Patch, policy: EffectivePolicy, botAddress: string): RecipientPlan {
  const mail = patch.mail;
  const muted: RecipientPlan["muted"] = [];
  const keep = (a: Address): boolean => {
    const rule = mutedBy(policy, a.address);
    if (rule && !muted.some((m) => m.address === a.address.toLowerCase())) muted.push({ address: a.address.toLowerCase(), rule });
    return rule === null;
  };
  const author = mail.replyTo.length > 0 ? mail.replyTo : [mail.from];
  const authorKeys = new Set([...author, mail.from].map((a) => a.address.toLowerCase()));
  const seen = new Set<string>([botAddress.toLowerCase()]);
  const decisions: string[] = [];
  let to: Address[] = [];
  if (policy.replyToAuthor.value) {
    to = dedupe(author.filter(keep), seen);
    decisions.push(`author in To by ${policy.replyToAuthor.rule}`);
  } else {
    authorKeys.forEach((k) => seen.add(k));
    decisions.push(`author left out by ${policy.replyToAuthor.rule}`);
  }
  const others = policy.replyAll.value ? [...mail.to, ...mail.cc] : [];
  decisions.push(policy.replyAll.value ? `list and Cc copied by ${policy.replyAll.rule}` : `list and Cc not copied by ${policy.replyAll.rule}`);
  const extra = policy.cc.value.map((c, i) => {
    const id = parseIdentity(c, `cc[${i}]`);
    return { name: id.name, address: id.address };
  });
  if (extra.length > 0) decisions.push(`extra Cc ${extra.map((a) => a.address).join(", ")} by ${policy.cc.rule}`);
  let cc = dedupe([...others, ...extra].filter(keep), seen);
  if (to.length === 0 && cc.length > 0) {
    // Without the author, the reply is addressed to where the patch was sent.
    const sentTo = new Set(mail.to.map((a) => a.address.toLowerCase()));
    const first = cc.filter((a) => sentTo.has(a.address.toLowerCase()));
    to = first.length > 0 ? first : cc.slice(0, 1);
    cc = cc.filter((a) => !to.includes(a));
  }
  for (const m of muted) decisions.push(`${m.address} gets no mail, muted by ${m.rule}`);
  return { to, cc, muted, decisions };
}

/**
 * Composes the reply for an explicit recipient plan. The composer's own rule
 * (author in To, everyone else in Cc) is kept by handing it a view of the
 * mail whose Reply-To is the planned To and whose To/Cc is the planned Cc;
 * threading, quoting and the Message-ID still come from the real patch.
 */
export function composeFor(patch: Patch, findings: Finding[], plan: RecipientPlan, opts: ComposeOptions): ComposedReply | null {
  if (plan.to.length === 0) return null;
  const view: Patch = { ...patch, mail: { ...patch.mail, replyTo: plan.to, to: [], cc: plan.cc } };
  return composeReply(view, findings, {
    ...opts,
    replyAll: true,
    botAddresses: [...(opts.botAddresses ?? []), ...plan.muted.map((m) => m.address)],
  });
}

/** The finding a positive reply carries: a comment without a quote, never a rule's point. */
export function positiveFinding(): Finding {
  return {
    rule: "lkreview:positive",
    class: "other",
    severity: "note",
    file: COMMIT_MSG,
    line: 0,
    endLine: 0,
    message: "lkreview's checks found no issues in this patch.",
    source: "rule",
    fingerprint: "positive",
    tags: ["positive"],
  };
}
