import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { Config } from "../../config.js";
import { describeError } from "../../errors.js";
import type { Finding, Patch, Series } from "../../model.js";
import { fingerprintOf, stableHash } from "../../report/fingerprint.js";
import { sortFindings } from "../engine.js";
import { addedIndex, anchorQuote, cleanMessage } from "./anchor.js";
import type { DoubtAnswer, FindingAnswer } from "./answer.js";
import { extractJson, parseAnswer } from "./answer.js";
import { createChatClient } from "./client.js";
import type { RetryOptions } from "./client.js";
import { createLimiter } from "./limiter.js";
import { loadPrompts, promptVersions } from "./prompts.js";
import type { PromptSet } from "./prompts.js";
import { planRequests } from "./requests.js";
import { estimateTokens, TokenBudget } from "./tokens.js";

/** Where model answers are kept between runs; the lead adapts the Store's cacheGet/cachePut to it. */
export interface ModelCache {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
}

export interface ModelReviewResult {
  findings: Finding[];
  /** Rule findings the model doubts, by fingerprint. */
  doubts: { fingerprint: string; reason: string }[];
  usage: { promptTokens: number; completionTokens: number; cached: boolean };
  stats: {
    /** Requests sent (one per part of the patch). */
    requests: number;
    /** Model findings whose quote matched no added line. */
    unanchored: number;
    /** Entries dropped otherwise: bad shape, empty after cleaning, duplicates, over the cap, doubts of no rule finding. */
    dropped: number;
    /** Parts not sent because the per-run token budget was spent. */
    skipped: number;
    /** One line per failure; a failure never fails the review. */
    errors: string[];
  };
}

export interface ModelReviewerDeps {
  cache?: ModelCache;
  /** Skip reading the cache for this run (answers are still written). */
  noCache?: boolean;
  /** Per-run budget shared by every review; default: one from `cfg.maxTokensTotal`. */
  budget?: TokenBudget;
  retry?: RetryOptions;
  /** How to wait between attempts (default: a timer); tests pass one that records the waits. */
  sleep?: (ms: number) => Promise<void>;
  /** Ask for server-sent event chunks instead of one JSON body. */
  stream?: boolean;
  /** Default: `<package root>/prompts`. */
  promptsDir?: string;
}

/** Most model findings kept per patch: a reply with more is noise. */
export const MAX_MODEL_FINDINGS = 30;
/** Completion tokens reserved per request when checking the budget (answers are short JSON). */
const COMPLETION_ESTIMATE = 600;
/** Bumped when what is cached (not the prompts) changes shape. */
const CACHE_FORMAT = "model-review/1";

const emptyResult = (): ModelReviewResult => ({
  findings: [],
  doubts: [],
  usage: { promptTokens: 0, completionTokens: 0, cached: false },
  stats: { requests: 0, unanchored: 0, dropped: 0, skipped: 0, errors: [] },
});

/** Hash of what the model is shown of the patch: title, message and every hunk line as sent. */
function patchContentHash(patch: Patch): string {
  const parts = [patch.subject.title, ...patch.commitMessage];
  for (const f of patch.files) {
    parts.push(`FILE ${f.path} ${f.isNew} ${f.isDeleted} ${f.isBinary}`);
    for (const h of f.hunks) parts.push(h.header, ...h.lines.map((l) => l.raw));
  }
  return stableHash(...parts);
}

/** `"give" -> "given"` in a typo message becomes a fix when the word is on the anchored line. */
function typoFix(message: string, anchored: string): { from: string; to: string } | null {
  const m = /^"([^"\n]{1,60})"\s*->\s*"([^"\n]{1,60})"$/.exec(message.trim());
  return m?.[1] && m[2] && anchored.includes(m[1]) ? { from: m[1], to: m[2] } : null;
}

export interface ModelReviewer {
  /** Reviews one patch; never throws for a model, network or cache failure (see `stats.errors`). */
  review(patch: Patch, series: Series | null, ruleFindings: Finding[]): Promise<ModelReviewResult>;
}

/**
 * A reviewer for one run: its concurrency limit and (unless `deps.budget`
 * is shared) its token budget cover every patch it reviews. Answers are
 * cached by patch content, prompt versions and model name.
 */
export function createModelReviewer(cfg: Config["model"], deps: ModelReviewerDeps = {}): ModelReviewer {
  const client = createChatClient(cfg, {
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.stream ? { stream: true } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const budget = deps.budget ?? new TokenBudget(cfg.maxTokensTotal);
  const limit = createLimiter(cfg.concurrency);
  const rule = (prompts: PromptSet): string => `model:${prompts.review.id}`;

  async function review(patch: Patch, series: Series | null, ruleFindings: Finding[]): Promise<ModelReviewResult> {
    const result = emptyResult();
    const item = patch.mail.messageId || patch.mail.source;
    let prompts: PromptSet;
    try {
      prompts = loadPrompts(deps.promptsDir);
    } catch (err) {
      result.stats.errors.push(describeError(err));
      return result;
    }
    const key = stableHash(CACHE_FORMAT, cfg.name, promptVersions(prompts), patchContentHash(patch), ...ruleFindings.map((f) => f.fingerprint).sort());
    const useCache = deps.cache && cfg.cache;
    if (useCache && !deps.noCache) {
      try {
        const hit = await deps.cache?.get(key);
        if (hit) {
          const cached = JSON.parse(hit) as Pick<ModelReviewResult, "findings" | "doubts">;
          return { ...result, findings: cached.findings, doubts: cached.doubts, usage: { promptTokens: 0, completionTokens: 0, cached: true } };
        }
      } catch (err) {
        result.stats.errors.push(`${item}: model cache read failed: ${describeError(err)}`);
      }
    }

    const planned = planRequests(patch, series, ruleFindings, prompts, cfg.requestTokenBudget);
    // Sparse: a part skipped for budget or failed leaves its slot empty.
    const answers: ({ findings: FindingAnswer[]; doubts: DoubtAnswer[] } | undefined)[] = [];

    await Promise.all(
      planned.map((req, i) =>
        limit(async () => {
          const estimate = req.promptTokens + COMPLETION_ESTIMATE;
          if (!budget.reserve(estimate)) {
            result.stats.skipped++;
            return;
          }
          const messages: ChatCompletionMessageParam[] = [
            { role: "system", content: req.system },
            { role: "user", content: req.user },
          ];
          result.stats.requests++;
          try {
            const res = await client.complete(messages, `${item} part ${i + 1}/${planned.length}`);
            const prompt = res.usageReported ? res.promptTokens : estimate - COMPLETION_ESTIMATE;
            const completion = res.usageReported ? res.completionTokens : estimateTokens(res.text);
            budget.settle(estimate, prompt + completion);
            result.usage.promptTokens += prompt;
            result.usage.completionTokens += completion;
            const parsed = parseAnswer(extractJson(res.text));
            if (!parsed) {
              result.stats.errors.push(`${item} part ${i + 1}/${planned.length}: model answer is not JSON in the agreed shape`);
              return;
            }
            result.stats.dropped += parsed.rejected;
            answers[i] = parsed;
          } catch (err) {
            // A failed request spent nothing we know of; give its reservation back.
            budget.settle(estimate, 0);
            result.stats.errors.push(describeError(err));
          }
        }),
      ),
    );
    if (result.stats.skipped > 0) {
      result.stats.errors.push(
        `${item}: model token budget (${budget.limit ?? 0}) spent, ${result.stats.skipped} of ${planned.length} parts not reviewed by the model`,
      );
    }

    const index = addedIndex(patch);
    const seen = new Set<string>();
    for (const a of answers) {
      for (const f of a?.findings ?? []) {
        const anchor = anchorQuote(index, f.file, f.quote);
        if (!anchor) {
          result.stats.unanchored++;
          continue;
        }
        const message = cleanMessage(f.message);
        const fingerprint = fingerprintOf(rule(prompts), f.file, anchor.text, f.class);
        if (!message || seen.has(fingerprint) || result.findings.length >= MAX_MODEL_FINDINGS) {
          result.stats.dropped++;
          continue;
        }
        seen.add(fingerprint);
        const finding: Finding = {
          rule: rule(prompts),
          class: f.class,
          severity: f.confidence === "high" ? "warning" : "note",
          file: f.file,
          line: anchor.line,
          endLine: anchor.endLine,
          message,
          source: "model",
          fingerprint,
          tags: f.confidence === "low" ? ["doubtful"] : [],
        };
        const fix = f.class === "typo" ? typoFix(message, anchor.text) : null;
        if (fix) finding.fix = fix;
        result.findings.push(finding);
      }
      for (const d of a?.doubts ?? []) {
        const target = ruleFindings.find((r) => r.rule === d.rule && r.file === d.file && d.line >= r.line && d.line <= r.endLine);
        const reason = cleanMessage(d.reason);
        if (!target || !reason || result.doubts.some((x) => x.fingerprint === target.fingerprint)) {
          result.stats.dropped++;
          continue;
        }
        result.doubts.push({ fingerprint: target.fingerprint, reason });
      }
    }
    result.findings = sortFindings(result.findings, patch);

    // Only complete answers are cached: a partial one would hide the missing parts on the next run.
    if (useCache && result.stats.errors.length === 0) {
      try {
        await deps.cache?.put(key, JSON.stringify({ findings: result.findings, doubts: result.doubts }));
      } catch (err) {
        result.stats.errors.push(`${item}: model cache write failed: ${describeError(err)}`);
      }
    }
    return result;
  }

  return { review };
}
