/**
 * Data-only types shared by every stage: ingest -> parse -> analyse -> report.
 * Nothing here has behaviour; each stage owns the functions that make these.
 */

/** One raw message as a source hands it over, before any parsing. */
export interface RawMessage {
  /** Where it came from, for error lines: `path`, `path#3` (mbox index), `imap:INBOX/42`. */
  source: string;
  raw: Uint8Array;
}

export interface Address {
  /** Display name, decoded from RFC 2047; "" when absent. */
  name: string;
  /** Bare addr-spec, e.g. `jane@example.org`. */
  address: string;
}

/** A parsed mail: the headers we use and the text that carries the patch. */
export interface Mail {
  source: string;
  /** With angle brackets, e.g. `<20250304081507.1234-3-jane@example.org>`. */
  messageId: string;
  /** Decoded subject, unfolded. */
  subject: string;
  from: Address;
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  /** The Date header exactly as sent (its own time zone matters for the attribution line). */
  date: string;
  inReplyTo: string | null;
  /** Message-IDs, in order, with angle brackets. */
  references: string[];
  /** `List-Id` value without the descriptive phrase, e.g. `live-patching.vger.kernel.org`; null when absent. */
  listId: string | null;
  /** `Auto-Submitted` value lower-cased, null when absent or `no`. */
  autoSubmitted: string | null;
  /**
   * The text that holds commit message and diff: the first text/plain part,
   * followed by any patch attachments (text/x-patch, text/x-diff, text/plain
   * attachments that contain a diff), each separated by a newline.
   */
  body: string;
}

/** What the subject line says about the patch. */
export interface SubjectInfo {
  /** Bracketed prefix words, e.g. ["RFC", "PATCH", "net-next", "v4", "1/2"]. */
  tags: string[];
  isPatch: boolean;
  isRfc: boolean;
  /** Starts with `Re:` (or `Aw:`/`Sv:`...): a reply, never reviewed as a patch. */
  isReply: boolean;
  /** 1 when no `vN` tag. */
  version: number;
  /** 0 for a cover letter; 1 for a lone patch. */
  index: number;
  /** 1 for a lone patch. */
  total: number;
  /** The subject after the bracketed tags, e.g. `livepatch: Track callback states`. */
  title: string;
}

export type LineKind = "add" | "del" | "ctx";

export interface DiffLine {
  kind: LineKind;
  /** The line without its diff prefix. */
  text: string;
  /**
   * The line exactly as sent, prefix included (what a reply quotes). The diff
   * walk's lines work it out when read (a getter, see WalkedLine in
   * parse/diff-walk.ts; JSON has it), so a spread copy (`{ ...line }`) does
   * not carry it: name it (`{ ...line, raw: line.raw }`).
   */
  raw: string;
  /** New-side line number for `add` and `ctx`; null for `del`. */
  newLine: number | null;
  /** Old-side line number for `del` and `ctx`; null for `add`. */
  oldLine: number | null;
}

export interface Hunk {
  /** The `@@ -a,b +c,d @@ context` line exactly as sent. */
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The text after the second `@@` (git's function context), trimmed; "" when none. */
  functionContext: string;
  lines: DiffLine[];
}

export interface FileDiff {
  /** New-side path (`b/` stripped); the old path for a deletion. */
  path: string;
  oldPath: string;
  isNew: boolean;
  isDeleted: boolean;
  isBinary: boolean;
  /** The `+++ b/path` line as sent, for quoting; "" for binary diffs. */
  plusLine: string;
  hunks: Hunk[];
}

/** A patch mail after parsing. */
export interface Patch {
  mail: Mail;
  subject: SubjectInfo;
  /**
   * Commit message lines: the body above the first `---` separator (or the
   * diff), without trailers' trailing blank lines. Line 1 is the first body line.
   */
  commitMessage: string[];
  files: FileDiff[];
}

/** Messages that belong to one posted series. */
export interface Series {
  /** Message-ID of the cover letter or the first patch: the root of the thread. */
  rootMessageId: string;
  version: number;
  total: number;
  cover: Mail | null;
  /** Patches in index order. */
  patches: Patch[];
}

/** Pseudo path under which commit-message findings are filed (Gerrit's convention). */
export const COMMIT_MSG = "COMMIT_MSG";

export type DefectClass = "unreleased" | "errcode" | "typo" | "warn" | "doc" | "style" | "design" | "other";

export type Severity = "error" | "warning" | "note";

export interface Finding {
  /** Rule id (`unreleased`) or `model:<prompt id>` for model findings. */
  rule: string;
  class: DefectClass;
  severity: Severity;
  /** Path in the patch, or COMMIT_MSG. */
  file: string;
  /** New-side line (commit message: 1-based line of the message). */
  line: number;
  endLine: number;
  /** The comment, in the reviewer's voice; plain text, may span sentences. */
  message: string;
  source: "rule" | "model";
  /** Typos: the correction shown as `"word"` or `"a" -> "b"`, and used for GitHub suggestions. */
  fix?: { from: string; to: string };
  /** Content fingerprint: rule, path and normalised anchored text (never line numbers). */
  fingerprint: string;
  /** The rule's message template key (rules only); not part of the JSON output. */
  messageId?: string;
  /** Extra labels: `doubtful`, `pre-existing`, `model-confirmed`, ... */
  tags: string[];
}

export interface Review {
  messageId: string;
  subject: string;
  series: { version: number; index: number; total: number };
  findings: Finding[];
  /** The raw RFC 5322 reply, or null when there is nothing worth saying. */
  reply: string | null;
  usage?: { promptTokens: number; completionTokens: number; cached: boolean };
}

export interface ReviewError {
  /** File path or Message-ID. */
  source: string;
  message: string;
}

export interface ReviewRun {
  reviews: Review[];
  errors: ReviewError[];
}
