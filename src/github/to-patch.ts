import { LkreviewError } from "../errors.js";
import { DEFAULT_LIMITS } from "../limits.js";
import type { Limits } from "../limits.js";
import type { FileDiff, Mail, Patch, SubjectInfo } from "../model.js";
import { parsePatchBody } from "../parse/diff.js";
import { prLabel } from "./pr-source.js";
import type { PrCommit, PrFile, PrSnapshot } from "./pr-source.js";

/**
 * PR -> Patch: the diff of the whole PR as one Patch (the engine reviews it
 * like a patch mail), and each commit message as its own Patch with no files,
 * so the same rules read commit messages as COMMIT_MSG lines.
 */

export interface CommitPatch {
  sha: string;
  patch: Patch;
}

export interface PrPatches {
  diff: Patch;
  commits: CommitPatch[];
}

/** Control characters in a path would break the diff text we build; such files are not reviewed. */
// eslint-disable-next-line no-control-regex -- it looks for control characters in a path on purpose
const UNSAFE_PATH = /[\u0000-\u001f\u007f]/;

function fileDiff(file: PrFile, item: string): FileDiff | null {
  if (UNSAFE_PATH.test(file.filename) || (file.previousFilename && UNSAFE_PATH.test(file.previousFilename))) return null;
  const isNew = file.status === "added";
  const isDeleted = file.status === "removed";
  const oldPath = file.previousFilename ?? file.filename;
  const base: FileDiff = {
    path: file.filename,
    oldPath,
    isNew,
    isDeleted,
    isBinary: file.patch === null,
    plusLine: isDeleted ? "+++ /dev/null" : `+++ b/${file.filename}`,
    hunks: [],
  };
  if (file.patch === null || file.patch.trim() === "") return base;
  // GitHub's `patch` holds only the hunks: give it the file header a unified diff needs.
  const header = [
    `diff --git a/${oldPath} b/${file.filename}`,
    isNew ? "--- /dev/null" : `--- a/${oldPath}`,
    isDeleted ? "+++ /dev/null" : `+++ b/${file.filename}`,
  ].join("\n");
  const parsed = parsePatchBody(`${header}\n${file.patch}\n`, `${item} ${file.filename}`);
  base.hunks = parsed.files[0]?.hunks ?? [];
  return base;
}

function syntheticMail(pr: PrSnapshot, subject: string, body: string): Mail {
  const author = { name: pr.author, address: "" };
  return {
    source: prLabel(pr),
    messageId: `<${pr.headSha}.${pr.number}.${pr.repo}.${pr.owner}@github>`,
    subject,
    from: author,
    replyTo: [],
    to: [],
    cc: [],
    date: pr.createdAt,
    inReplyTo: null,
    references: [],
    listId: null,
    autoSubmitted: null,
    body,
  };
}

function subjectInfo(title: string): SubjectInfo {
  return { tags: [], isPatch: true, isRfc: false, isReply: false, version: 1, index: 1, total: 1, title };
}

function commitPatch(pr: PrSnapshot, commit: PrCommit, limits: Limits): CommitPatch {
  const lines = commit.message.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length > 0 && (lines[lines.length - 1] ?? "").trim() === "") lines.pop();
  const title = lines[0] ?? "";
  // Line 1 is the subject: a typo there is as visible as one in the body.
  const commitMessage = lines.slice(0, limits.maxDiffLines).map((l) => l.slice(0, limits.maxLineLength));
  return {
    sha: commit.sha,
    patch: { mail: syntheticMail(pr, title, commit.message), subject: subjectInfo(title), commitMessage, files: [] },
  };
}

/** Builds the Patches of a PR; throws LIMIT when the diff is larger than the configured cap. */
export function toPatches(pr: PrSnapshot, limits: Limits = DEFAULT_LIMITS): PrPatches {
  const item = prLabel(pr);
  let diffLines = 0;
  for (const f of pr.files) diffLines += f.patch ? f.patch.split("\n").length : 0;
  if (diffLines > limits.maxDiffLines) {
    throw new LkreviewError("LIMIT", item, `diff has ${diffLines} lines, more than the limit of ${limits.maxDiffLines}`);
  }
  const files: FileDiff[] = [];
  for (const f of pr.files) {
    const fd = fileDiff(f, item);
    if (fd) files.push(fd);
  }
  const diff: Patch = {
    mail: syntheticMail(pr, pr.title, pr.body),
    subject: subjectInfo(pr.title),
    // Commit messages are reviewed one by one (below); the PR description is not a commit message.
    commitMessage: [],
    files,
  };
  return { diff, commits: pr.commits.map((c) => commitPatch(pr, c, limits)) };
}
