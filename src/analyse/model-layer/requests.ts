import type { Finding, Patch, Series } from "../../model.js";
import { guidanceFor } from "./prompts.js";
import type { PromptSet } from "./prompts.js";
import { fillTemplate, makeFence, renderCommitMessage, renderRuleFindings, splitPatch } from "./render.js";
import { estimateTokens } from "./tokens.js";

/** One request as it will be sent, before any network: what the reviewer sends and the benchmark measures. */
export interface PlannedRequest {
  /** 1-based part number, of `of`. */
  part: number;
  of: number;
  files: string[];
  system: string;
  user: string;
  /** Estimated prompt tokens (system + user). */
  promptTokens: number;
  /** Estimated tokens of the patch text itself in this request (commit message and diff lines as sent). */
  patchTokens: number;
}

/** The system message: the discipline, then the guidance of every subsystem the patch touches. */
export function systemMessage(prompts: PromptSet, patch: Patch): string {
  const guidance = guidanceFor(
    prompts,
    patch.files.map((f) => f.path),
  );
  return [prompts.system.body, ...guidance.map((g) => g.body)].join("\n\n");
}

/**
 * The requests that review `patch`: one per chunk of at most
 * `requestTokenBudget` tokens of diff, each with the commit message and the
 * rule findings on its files, all inside a fresh fence.
 */
export function planRequests(
  patch: Patch,
  series: Series | null,
  ruleFindings: readonly Finding[],
  prompts: PromptSet,
  requestTokenBudget: number,
): PlannedRequest[] {
  const system = systemMessage(prompts, patch);
  const commit = renderCommitMessage(patch, series);
  const commitRaw = [patch.subject.title, "", ...patch.commitMessage].join("\n").length;
  const chunks = splitPatch(patch, requestTokenBudget);
  if (chunks.length === 0) chunks.push({ diff: "(no text diff)", files: [], rawChars: 0 });
  return chunks.map((chunk, i) => {
    const part = `${i + 1} of ${chunks.length}`;
    const ruleText = renderRuleFindings(ruleFindings, chunk.files, i === 0);
    const fence = makeFence([commit, chunk.diff, ruleText].join("\n"));
    const user = fillTemplate(prompts.review.body, { fence, part, commit_message: commit, hunks: chunk.diff, rule_findings: ruleText });
    return {
      part: i + 1,
      of: chunks.length,
      files: chunk.files,
      system,
      user,
      promptTokens: estimateTokens(system) + estimateTokens(user),
      patchTokens: Math.ceil((Math.min(commitRaw, commit.length) + chunk.rawChars) / 4),
    };
  });
}
