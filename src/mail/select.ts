import type { Mail, Patch } from "../model.js";
import { globMatcher } from "./glob.js";

/** What decides whether a mail is reviewed (the `watch` section of the config, plus the bot's address). */
export interface SelectionPolicy {
  /** The bot's own address (bare addr-spec); its mail is never reviewed. */
  botAddress: string;
  /** List-Id allowlist: a patch posted to one of these lists is reviewed. */
  listIds: readonly string[];
  /** Path globs: a patch whose diff touches one of them is reviewed. */
  paths: readonly string[];
}

export interface Selection {
  review: boolean;
  /** Why, in a few words, for the log. */
  reason: string;
}

/** Extracts the bare address from `Name <addr>` or returns the input trimmed. */
export function bareAddress(s: string): string {
  const m = /<([^<>]*)>\s*$/.exec(s);
  return (m ? (m[1] ?? "") : s).trim().toLowerCase();
}

/**
 * Mail-level exclusions that apply before any parsing of the diff: the bot's
 * own mail (a list echoes it back) and automated mail (RFC 3834
 * `Auto-Submitted` other than `no`). `Precedence: bulk` and `List-Id` sit on
 * every list post, human or not, so they are deliberately not reasons here.
 */
export function excludedMail(mail: Mail, botAddress: string): string | null {
  if (mail.from.address.toLowerCase() === botAddress.toLowerCase()) return "the bot's own mail";
  if (mail.autoSubmitted !== null && mail.autoSubmitted !== "no") return `Auto-Submitted: ${mail.autoSubmitted}`;
  return null;
}

/** Builds the selection function once (globs compiled once). */
export function makeSelector(policy: SelectionPolicy): (patch: Patch) => Selection {
  const matches = globMatcher(policy.paths);
  const lists = new Set(policy.listIds.map((l) => l.toLowerCase()));
  return (patch) => {
    const excluded = excludedMail(patch.mail, policy.botAddress);
    if (excluded) return { review: false, reason: excluded };
    if (patch.subject.isReply) return { review: false, reason: "a reply" };
    const listId = patch.mail.listId?.toLowerCase() ?? null;
    if (listId !== null && lists.has(listId)) return { review: true, reason: `List-Id ${listId}` };
    for (const f of patch.files) {
      if (matches(f.path) || matches(f.oldPath)) return { review: true, reason: `touches ${f.path}` };
    }
    return { review: false, reason: "not on a watched list and touches no watched path" };
  };
}
