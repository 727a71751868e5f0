import { randomBytes } from "node:crypto";
import { COMMIT_MSG } from "../../model.js";
import type { FileDiff, Finding, Hunk, Patch, Series } from "../../model.js";
import { estimateTokens } from "./tokens.js";

/**
 * Turns a patch into request texts. Patch content reaches the model only
 * inside fenced DATA blocks whose fence token is random per request and
 * checked not to occur in the patch, so the patch cannot close a block early
 * and pose as instructions. Large patches are split by file and hunk group
 * so that each request's patch text stays under the token budget.
 */

/** Longest commit message text sent (characters); longer ones are cut, it is context only. */
export const MAX_COMMIT_CHARS = 4_000;
/** Longest rule-finding message sent per finding (characters). */
const MAX_RULE_MESSAGE_CHARS = 300;

/** One hunk (or a slice of a huge hunk) rendered for the model. */
interface Piece {
  file: FileDiff;
  text: string;
  /** Characters of the diff lines as sent (hunk header and lines), for overhead measurement. */
  rawChars: number;
}

/** One request's share of the patch. */
export interface Chunk {
  /** Rendered hunks, grouped under `FILE:` lines. */
  diff: string;
  /** Paths of the files this chunk shows. */
  files: string[];
  /** Characters of this part of the patch as sent (hunk headers and lines with newlines). */
  rawChars: number;
}

/**
 * One diff line for the model: the first added line of each run carries its
 * new-side number (`+121 code`), the rest stay as sent; the model counts on
 * from there. Numbering every line would cost about a token per line, which
 * on a full-budget request is more than the whole prompt around it.
 */
function renderLine(l: Hunk["lines"][number], prev: Hunk["lines"][number] | undefined): string {
  const startsRun = l.kind === "add" && prev?.kind !== "add";
  return startsRun ? `+${l.newLine ?? ""} ${l.text}` : l.raw;
}

function hunkHeading(hunk: Hunk, continued: boolean): string {
  const fn = hunk.functionContext ? ` in ${hunk.functionContext}` : "";
  return `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@${fn}${continued ? " (continued)" : ""}`;
}

/** Hunks as pieces no bigger than `budget` tokens each (a huge hunk is cut between lines). */
function piecesOf(file: FileDiff, budget: number): Piece[] {
  const pieces: Piece[] = [];
  for (const hunk of file.hunks) {
    let lines: string[] = [];
    let size = 0;
    let raw = 0;
    let continued = false;
    const flush = (): void => {
      if (lines.length === 0) return;
      const rawChars = raw + (continued ? 0 : hunk.header.length + 1);
      pieces.push({ file, text: [hunkHeading(hunk, continued), ...lines].join("\n"), rawChars });
      lines = [];
      size = 0;
      raw = 0;
      continued = true;
    };
    let prev: Hunk["lines"][number] | undefined;
    for (const l of hunk.lines) {
      // Sized as if numbered (the upper bound), so the decision to cut comes first.
      const t = estimateTokens(renderLine(l, undefined)) + 1;
      if (size + t > budget && lines.length > 0) flush();
      // A continued piece starts with a number again, so it can be read alone.
      const text = renderLine(l, lines.length === 0 ? undefined : prev);
      prev = l;
      lines.push(text);
      size += t;
      raw += l.raw.length + 1;
    }
    flush();
  }
  return pieces;
}

function fileHeading(file: FileDiff): string {
  const state = file.isNew ? " (new file)" : file.isDeleted ? " (deleted)" : "";
  return `FILE: ${file.path}${state}`;
}

/** The commit message block: subject title, blank line, message (capped); the series' cover title when there is one. */
export function renderCommitMessage(patch: Patch, series: Series | null = null): string {
  const head = [patch.subject.title || patch.mail.subject, "", ...patch.commitMessage];
  if (series?.cover && series.total > 1) head.push("", `(patch ${patch.subject.index} of ${series.total} in the series: ${series.cover.subject})`);
  const text = head.join("\n");
  return text.length > MAX_COMMIT_CHARS ? `${text.slice(0, MAX_COMMIT_CHARS)}\n[commit message cut]` : text;
}

/**
 * Groups the patch's hunks into chunks whose diff text stays under
 * `budget` tokens (estimated), keeping hunk order. Binary files and files
 * without hunks send nothing.
 */
export function splitPatch(patch: Patch, budget: number): Chunk[] {
  const chunks: Chunk[] = [];
  let parts: string[] = [];
  let files: string[] = [];
  let size = 0;
  let rawChars = 0;
  let lastFile: FileDiff | null = null;
  const flush = (): void => {
    if (parts.length > 0) chunks.push({ diff: parts.join("\n"), files, rawChars });
    parts = [];
    files = [];
    size = 0;
    rawChars = 0;
    lastFile = null;
  };
  for (const file of patch.files) {
    if (file.isBinary || file.hunks.length === 0) continue;
    const heading = fileHeading(file);
    // Leave room for the FILE: heading inside the budget.
    for (const piece of piecesOf(file, Math.max(1, budget - estimateTokens(heading) - 1))) {
      const extra = piece.file === lastFile ? 0 : estimateTokens(heading) + 1;
      const t = estimateTokens(piece.text) + 1 + extra;
      if (size + t > budget && parts.length > 0) flush();
      if (piece.file !== lastFile) {
        parts.push(heading);
        files.push(file.path);
        lastFile = piece.file;
        size += estimateTokens(heading) + 1;
      }
      parts.push(piece.text);
      size += estimateTokens(piece.text) + 1;
      rawChars += piece.rawChars;
    }
  }
  flush();
  return chunks;
}

/** Rule findings on the chunk's files (and the commit message in the first chunk), one line each. */
export function renderRuleFindings(findings: readonly Finding[], files: readonly string[], first: boolean): string {
  const lines = findings
    .filter((f) => files.includes(f.file) || (first && f.file === COMMIT_MSG))
    .map((f) => {
      const range = f.endLine > f.line ? `${f.line}-${f.endLine}` : `${f.line}`;
      const msg = f.message.replace(/\s+/g, " ").trim().slice(0, MAX_RULE_MESSAGE_CHARS);
      return `- rule=${f.rule} class=${f.class} file=${f.file} line=${range}: ${msg}`;
    });
  return lines.length > 0 ? lines.join("\n") : "(none)";
}

/** A fence token that occurs nowhere in `data`. */
export function makeFence(data: string, random: () => string = () => randomBytes(6).toString("hex")): string {
  for (;;) {
    const fence = `DATA-${random()}`;
    if (!data.includes(fence)) return fence;
  }
}

/** Fills `{{name}}` placeholders in one pass, so data that contains `{{...}}` is never expanded. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}
