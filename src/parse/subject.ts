import type { SubjectInfo } from "../model.js";

/** SubjectInfo plus what only the classifier needs. */
export interface SubjectDetail extends SubjectInfo {
  /** Starts with `Fwd:`/`Fw:`/`WG:`/`TR:`: a forwarded copy, not a submission to review. */
  isForward: boolean;
}

/**
 * Read the kernel's subject conventions
 * (Documentation/process/submitting-patches.rst, "The canonical patch format"):
 * `[PATCH]`, `[PATCH v2 3/5]`, `[RFC PATCH net-next v4 1/2]`, `[PATCH 0/4]`
 * (cover letter), `[PATCH RESEND v2]`, `[PATCHv3]`, several bracket groups
 * (`[PATCH] [net]`), after any number of reply or forward prefixes
 * (`Re:`, `Re: Re:`, `AW:`, `Sv:`, `Fwd:` ...).
 *
 * Defaults follow git format-patch: version 1, and a lone patch is 1/1.
 * The title is the text after the leading bracket groups.
 */
export function parseSubject(subject: string): SubjectDetail {
  let rest = subject.replace(/[\t\r\n]+/g, " ").trim();
  let isReply = false;
  let isForward = false;
  const tags: string[] = [];
  let sawGroup = false;

  // Prefixes and bracket groups may interleave (`[net] Re: [PATCH] ...` from
  // list software that tags subjects), so consume both until neither matches.
  // After a group, a prefix counts only before another group: in
  // `[PATCH] tr: fix ...` the `tr:` is the title's subsystem, not a forward.
  for (;;) {
    const prefix = PREFIX.exec(rest);
    if (prefix && (!sawGroup || rest.charAt(prefix[0].length) === "[")) {
      const word = (prefix[1] ?? "").toLowerCase();
      if (FORWARD_WORDS.has(word)) isForward = true;
      else isReply = true;
      rest = rest.slice(prefix[0].length);
      continue;
    }
    const group = GROUP.exec(rest);
    if (group) {
      for (const word of (group[1] ?? "").split(/[\s,]+/)) if (word) tags.push(word);
      rest = rest.slice(group[0].length);
      sawGroup = true;
      continue;
    }
    break;
  }

  let isPatch = false;
  let isRfc = false;
  let version = 1;
  let index = 1;
  let total = 1;
  for (const tag of tags) {
    let m: RegExpExecArray | null;
    if (/^PATCH$/i.test(tag)) isPatch = true;
    else if (/^RFC$/i.test(tag)) isRfc = true;
    else if ((m = /^PATCH-?v(\d+)$/i.exec(tag))) {
      // `[PATCHv3]`, `[PATCH-v3]`: older but still common spellings.
      isPatch = true;
      version = positive(m[1], version);
    } else if ((m = /^v(\d+)(?:\.\d+)?$/i.exec(tag))) version = positive(m[1], version);
    else if ((m = /^(\d{1,4})\/(\d{1,4})$/.exec(tag))) {
      const i = Number(m[1]);
      const n = Number(m[2]);
      // `0/4` is a cover letter; `5/4` or `x/0` is a typo we do not trust.
      if (n > 0 && i <= n) {
        index = i;
        total = n;
      }
    }
  }

  return { tags, isPatch, isRfc, isReply, isForward, version, index, total, title: rest.trim() };
}

/** Reply and forward markers used by mail clients in the languages seen on kernel lists. */
const REPLY_WORDS = ["re", "aw", "sv", "vs", "antw", "odp", "rif", "r", "res", "ynt"];
const FORWARD_WORDS = new Set(["fwd", "fw", "wg", "tr", "enc", "rv"]);
const PREFIX = new RegExp(`^(${[...REPLY_WORDS, ...FORWARD_WORDS].join("|")})\\s*(?:\\[\\d+\\]|\\(\\d+\\))?\\s*:\\s*`, "i");
const GROUP = /^\[([^\]]*)\]\s*/;

function positive(digits: string | undefined, fallback: number): number {
  const n = Number(digits);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}
