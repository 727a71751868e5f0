import { GITHUB_LIMITS } from "../limits.js";
import { COMMIT_MSG } from "../model.js";
import type { Finding } from "../model.js";
import { escapeMarkdownText, fingerprintMarker, inlineCode, reviewMarker } from "./markers.js";
import { placeFinding } from "./placement.js";
import type { CommentableIndex } from "./placement.js";

/**
 * Builds the one review a run posts: inline comments for findings on lines
 * the diff shows, everything else (commit messages, lines outside the diff)
 * as points in the review body. Every comment and body point carries its
 * fingerprint marker; the body ends with the reviewed head.
 */

/** A finding and, for commit-message findings, the commit it was found in. */
export interface LocatedFinding {
  finding: Finding;
  commit?: { sha: string; lines: readonly string[] };
}

export type ReviewEvent = "COMMENT" | "REQUEST_CHANGES";

/** One entry of `comments` in `POST /repos/{owner}/{repo}/pulls/{n}/reviews`. */
export interface ReviewComment {
  path: string;
  line: number;
  side: "RIGHT";
  start_line?: number;
  start_side?: "RIGHT";
  body: string;
}

/** The parameters of `pulls.createReview` (minus owner, repo, pull_number). */
export interface ReviewPayload {
  commit_id: string;
  event: ReviewEvent;
  body: string;
  comments: ReviewComment[];
}

export interface ComposeInput {
  headSha: string;
  event: ReviewEvent;
  findings: readonly LocatedFinding[];
  index: CommentableIndex;
  /** Put every finding in the body (the fallback after GitHub refused a placement). */
  allInBody?: boolean;
}

/** The full line after applying a typo fix, or null when the word is not on the line. */
export function suggestedLine(text: string, fix: { from: string; to: string }): string | null {
  if (!fix.from || fix.from === fix.to) return null;
  const escaped = fix.from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`);
  if (!re.test(text)) return null;
  return text.replace(re, () => fix.to);
}

function heading(f: Finding): string {
  return `**${f.severity}** ${inlineCode(f.rule)}`;
}

function suggestionBlock(line: string): string {
  // A fence longer than any backtick run in the line, so patch text cannot close it early.
  const longest = Math.max(2, ...[...line.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}suggestion\n${line}\n${fence}`;
}

function inlineBody(f: Finding, text: string, single: boolean): string {
  const parts = [`${heading(f)}: ${escapeMarkdownText(f.message)}`];
  const fixed = single && f.fix ? suggestedLine(text, f.fix) : null;
  if (fixed !== null) parts.push(suggestionBlock(fixed));
  parts.push(fingerprintMarker(f.fingerprint));
  return parts.join("\n\n");
}

function bodyPoint(lf: LocatedFinding, index: CommentableIndex): string {
  const f = lf.finding;
  let where: string;
  let quoted: string | undefined;
  if (f.file === COMMIT_MSG && lf.commit) {
    where = `commit ${inlineCode(lf.commit.sha.slice(0, 12))}, message line ${f.line}`;
    quoted = lf.commit.lines[f.line - 1];
  } else if (f.file === COMMIT_MSG) {
    where = `commit message, line ${f.line}`;
  } else {
    where = `${inlineCode(f.file)} line ${f.line === f.endLine ? f.line : `${f.line}-${f.endLine}`}`;
    quoted = index.get(f.file)?.get(f.line)?.text;
  }
  const lines = [`- ${where} — ${heading(f)}: ${escapeMarkdownText(f.message)}`];
  if (quoted !== undefined && quoted.trim() !== "") lines.push(`  ${inlineCode(quoted.slice(0, 300))}`);
  if (f.fix) {
    lines.push(`  ${inlineCode(f.fix.from)} -> ${inlineCode(f.fix.to)}`);
  }
  return lines.join("\n");
}

/** Composes the review. With no findings the body still names the head (callers decide whether to post). */
export function composeReview(input: ComposeInput): ReviewPayload {
  const comments: ReviewComment[] = [];
  const inBody: LocatedFinding[] = [];
  for (const lf of input.findings) {
    const placed = input.allInBody ? ({ kind: "body" } as const) : placeFinding(lf.finding, input.index);
    if (placed.kind === "body" || comments.length >= GITHUB_LIMITS.maxInlineComments) {
      inBody.push(lf);
      continue;
    }
    const c: ReviewComment = {
      path: placed.path,
      line: placed.line,
      side: "RIGHT",
      body: inlineBody(lf.finding, placed.text, placed.startLine === null && lf.finding.line === lf.finding.endLine),
    };
    if (placed.startLine !== null) {
      c.start_line = placed.startLine;
      c.start_side = "RIGHT";
    }
    comments.push(c);
  }

  const total = input.findings.length;
  const head = [`lkreview: ${total} point${total === 1 ? "" : "s"} on ${inlineCode(input.headSha.slice(0, 12))}.`];
  const points: string[] = [];
  const markers: string[] = [];
  let size = head[0]?.length ?? 0;
  let dropped = 0;
  for (const lf of inBody) {
    const p = bodyPoint(lf, input.index);
    if (points.length >= GITHUB_LIMITS.maxBodyPoints || size + p.length + 200 > GITHUB_LIMITS.maxBodyChars) {
      // Not recorded as posted: a later run will post it.
      dropped++;
      continue;
    }
    size += p.length + 100;
    points.push(p);
    markers.push(fingerprintMarker(lf.finding.fingerprint));
  }
  const sections = [head.join("\n")];
  if (points.length > 0) sections.push(`Not on a line of the diff:\n\n${points.join("\n")}`);
  if (dropped > 0) sections.push(`${dropped} more point${dropped === 1 ? "" : "s"} not shown here.`);
  // Markers last, one per line: only this trailing block is read back (markers.ts).
  sections.push([...markers, reviewMarker(input.headSha)].join("\n"));
  return { commit_id: input.headSha, event: input.event, body: sections.join("\n\n"), comments };
}
