import { DEFAULT_LIMITS } from "../limits.js";
import type { Mail, Patch, SubjectInfo } from "../model.js";
import { parsePatchBody } from "./diff.js";
import type { ParseLimits } from "./diff.js";
import { parseSubject } from "./subject.js";

export type MailKind = "patch" | "cover" | "reply" | "other";

/** What a mail is, for the pipeline: only `patch` is reviewed in full, `cover` for typos. */
export interface Classified {
  kind: MailKind;
  subject: SubjectInfo;
  /** Set for `patch` and `cover` (a cover's files are []). */
  patch: Patch | null;
  /** Why, in a few words: shown in verbose output and JSON errors. */
  reason: string;
}

/**
 * Decide what a parsed mail is:
 * - `reply`: a `Re:` (or `AW:`, `Sv:`...) subject. Never a patch, even when it
 *   quotes or carries a diff (that is discussion, not a submission);
 * - `cover`: `[PATCH 0/N]`; its Patch has no files and its body lines (up to
 *   the signature) as commit message, so it is reviewed for typos only;
 * - `patch`: a PATCH or RFC tag, or a subject without any tag but a
 *   `diff --git` body (git format-patch `-k`/`-N`), and a unified diff in the body;
 * - `other`: everything else, e.g. a forward, `[GIT PULL]`, or a PATCH mail
 *   without a diff (reason `no unified diff found`).
 *
 * `limits` (default `DEFAULT_LIMITS`) bounds the diff: see `parsePatchBody`.
 *
 * @throws LkreviewError `BAD_DIFF` when a diff is present but malformed;
 *   `LIMIT` when it has more than `limits.maxDiffLines` lines.
 */
export function classifyMail(mail: Mail, limits?: ParseLimits): Classified {
  const detail = parseSubject(mail.subject);
  const { isForward, ...subject } = detail;
  if (subject.isReply) return { kind: "reply", subject, patch: null, reason: "a reply, not a submission" };
  if (isForward) return { kind: "other", subject, patch: null, reason: "a forwarded message, not a submission" };

  const tagged = subject.isPatch || subject.isRfc;
  if (tagged && subject.index === 0) {
    const patch: Patch = { mail, subject, commitMessage: coverLines(mail.body, (limits ?? DEFAULT_LIMITS).maxLineLength), files: [] };
    return { kind: "cover", subject, patch, reason: "cover letter" };
  }
  const untaggedGit = subject.tags.length === 0 && /^diff --git /m.test(mail.body);
  if (!tagged && !untaggedGit) {
    return { kind: "other", subject, patch: null, reason: "no PATCH or RFC tag in the subject" };
  }
  const parsed = parsePatchBody(mail.body, mail.messageId, limits);
  if (!parsed.hasDiff) return { kind: "other", subject, patch: null, reason: "no unified diff found" };
  const patch: Patch = { mail, subject, commitMessage: parsed.commitMessage, files: parsed.files };
  return { kind: "patch", subject, patch, reason: tagged ? "patch" : "untagged git patch" };
}

/**
 * Body lines of a cover letter, without the `-- ` signature and trailing blank
 * lines; an over-long line is "" so the typo rule skips it (as in a patch).
 */
function coverLines(body: string, maxLineLength: number): string[] {
  const lines = body.split("\n");
  const sig = lines.indexOf("-- ");
  const kept = sig === -1 ? lines : lines.slice(0, sig);
  while (kept.length > 0 && (kept[kept.length - 1] ?? "").trim() === "") kept.pop();
  return kept.map((l) => (l.length > maxLineLength ? "" : l));
}
