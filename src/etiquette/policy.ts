import type { Config, ListPolicy, PersonPolicy } from "../config.js";
import { LkreviewError } from "../errors.js";
import type { Mail } from "../model.js";
import { globToRegExp } from "../mail/glob.js";

/**
 * The recipient policy for one patch: the list's entry (or the `*` entry),
 * overlaid by the first matching per-person entry. Every value carries the
 * config rule that set it, so each decision can be logged with its reason
 * (`policy: <msgid>: muted by lists[live-patching].mute "*@example.com"`).
 */

/** A value and the configuration rule it came from (`default` when none). */
export interface Ruled<T> {
  value: T;
  rule: string;
}

export interface EffectivePolicy {
  mode: Ruled<"off" | "queue" | "send" | null>;
  replyToAuthor: Ruled<boolean>;
  replyAll: Ruled<boolean>;
  cc: Ruled<string[]>;
  embargoMs: Ruled<number>;
  /** The embargo as written, for the log. */
  embargoText: string;
  positive: Ruled<boolean>;
  maintainers: string[];
  /** What `mutedBy` checks, in order: first match wins. */
  mutes: { rule: string; pattern: RegExp }[];
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `24h`, `30m`, `1d`, `90s`, or a plain number of seconds; "" or "0" is no embargo. */
export function parseDuration(text: string, where: string): number {
  const t = text.trim().toLowerCase();
  if (t === "" || t === "0") return 0;
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(t);
  if (!m) throw new LkreviewError("CONFIG", where, `not a duration: ${JSON.stringify(text.slice(0, 40))} (use e.g. 24h, 30m, 1d)`);
  return Math.round(Number(m[1]) * (UNITS[m[2] || "s"] ?? 1000));
}

/** Address globs are matched case-insensitively; `*` never spans an `@`-less slash, which addresses do not have anyway. */
function addressPattern(glob: string): RegExp {
  return new RegExp(globToRegExp(glob.trim().toLowerCase()).source, "i");
}

/** The list's own policy, else `*`, with its label for the log. */
export function listPolicy(lists: readonly ListPolicy[], listId: string | null): { policy: ListPolicy; label: string } | null {
  const own = listId !== null ? lists.find((p) => p.list.toLowerCase() === listId.toLowerCase()) : undefined;
  if (own) return { policy: own, label: `lists[${own.list}]` };
  const star = lists.find((p) => p.list === "*");
  return star ? { policy: star, label: "lists[*]" } : null;
}

/** Author addresses: Reply-To (when present) and From, lower case. */
export function authorAddresses(mail: Mail): string[] {
  return [...new Set([...mail.replyTo.map((a) => a.address), mail.from.address].map((a) => a.toLowerCase()).filter((a) => a !== ""))];
}

function personFor(people: readonly PersonPolicy[], authors: readonly string[]): PersonPolicy | null {
  for (const p of people) {
    const re = addressPattern(p.match);
    if (authors.some((a) => re.test(a))) return p;
  }
  return null;
}

/** Resolves the policy for a patch mail; throws CONFIG for a bad embargo. */
export function resolvePolicy(config: Config, mail: Mail): EffectivePolicy {
  const found = listPolicy(config.lists, mail.listId);
  const list = found?.policy ?? null;
  const label = found?.label ?? "default";
  const person = personFor(config.people, authorAddresses(mail));
  const plabel = person ? `people[${person.match}]` : "";
  const pick = <T>(personValue: T | undefined, key: string, listValue: T | undefined, fallback: T): Ruled<T> => {
    if (person && personValue !== undefined) return { value: personValue, rule: `${plabel}.${key}` };
    if (list && listValue !== undefined) return { value: listValue, rule: `${label}.${key}` };
    return { value: fallback, rule: "default" };
  };
  const embargo = pick(person?.embargo, "embargo", list?.embargo, "");
  const mutes: EffectivePolicy["mutes"] = [];
  if (person?.mute) mutes.push({ rule: `${plabel}.mute`, pattern: addressPattern(person.match) });
  // The list's own entry first, then the `*` default: first match wins.
  const star = config.lists.find((p) => p.list === "*");
  for (const entry of [list, star !== list ? star : undefined]) {
    if (!entry) continue;
    for (const glob of entry.mute) mutes.push({ rule: `lists[${entry.list}].mute "${glob}"`, pattern: addressPattern(glob) });
  }
  for (const p of config.people) {
    if (p.mute && p !== person) mutes.push({ rule: `people[${p.match}].mute`, pattern: addressPattern(p.match) });
  }
  return {
    mode: pick<"off" | "queue" | "send" | null>(person?.mode, "mode", list?.mode, null),
    replyToAuthor: pick(person?.reply_to_author, "reply_to_author", list?.reply_to_author, true),
    replyAll: pick(person?.reply_all, "reply_all", list?.reply_all, true),
    cc: pick(person?.cc, "cc", list?.cc, []),
    embargoMs: { value: parseDuration(embargo.value, embargo.rule), rule: embargo.rule },
    embargoText: embargo.value,
    positive: pick(person?.positive, "positive", list?.positive, false),
    maintainers: list?.maintainers ?? [],
    mutes,
  };
}

/** The rule that mutes `address`, or null: the first matching mute wins. */
export function mutedBy(policy: EffectivePolicy, address: string): string | null {
  const a = address.toLowerCase();
  for (const m of policy.mutes) if (m.pattern.test(a)) return m.rule;
  return null;
}

/** The rule that mutes the patch's author (From or Reply-To), or null. */
export function authorMutedBy(policy: EffectivePolicy, mail: Mail): string | null {
  for (const a of authorAddresses(mail)) {
    const rule = mutedBy(policy, a);
    if (rule) return rule;
  }
  return null;
}

/** True when `address` is one of the configured maintainers (`Name <addr>`, bare addresses or globs). */
export function isMaintainer(maintainers: readonly string[], address: string): boolean {
  return maintainers.some((m) => addressPattern(m.replace(/^.*<([^<>]*)>\s*$/, "$1")).test(address.toLowerCase()));
}
