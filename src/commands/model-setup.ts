import type { Config } from "../config.js";
import type { ModelReviewer } from "../analyse/analyse.js";
import type { ModelReviewerDeps } from "../analyse/model-layer/index.js";
import { modelStatus } from "../analyse/model-layer/status.js";
import type { Store } from "../store/store.js";
import type { CommandIo } from "./io.js";

/**
 * The model layer for this run, or null for rules only. When it is off it
 * says so once, in one line, on stderr. The store (when open) is its cache.
 * The layer (and the OpenAI SDK under it) is loaded only when it is on.
 */
export async function setUpModel(
  config: Config,
  flags: { noModel: boolean; model?: string; noCache: boolean },
  store: Store | null,
  io: CommandIo,
): Promise<ModelReviewer | null> {
  const statusFlags: { noModel: boolean; model?: string } = { noModel: flags.noModel };
  if (flags.model) statusFlags.model = flags.model;
  const status = modelStatus(config.model, statusFlags);
  if (!status.enabled) {
    // Saying nothing on --no-model: the user asked for rules only.
    if (!flags.noModel) io.stderr.write(`${status.reason}\n`);
    return null;
  }
  const { TokenBudget, createModelReviewer, mergeFindings } = await import("../analyse/model-layer/index.js");
  const cfg = { ...config.model, name: flags.model ?? config.model.name };
  const deps: ModelReviewerDeps = { noCache: flags.noCache };
  if (cfg.maxTokensTotal) deps.budget = new TokenBudget(cfg.maxTokensTotal);
  if (store && cfg.cache) deps.cache = { get: (k) => store.cacheGet(k), put: (k, v) => store.cachePut(k, v) };
  const reviewer = createModelReviewer(cfg, deps);
  return {
    async review(patch, series, ruleFindings) {
      const result = await reviewer.review(patch, series, ruleFindings);
      // A model failure never fails the review, but the user must hear of it.
      for (const line of result.stats.errors) io.stderr.write(`lkreview: model: ${patch.mail.messageId}: ${line.replace(/[\r\n]+/g, " ")}\n`);
      if (result.stats.skipped > 0) {
        io.stderr.write(`lkreview: model: ${patch.mail.messageId}: ${result.stats.skipped} part(s) not sent, the run's token budget is spent\n`);
      }
      return {
        findings: result.findings,
        merged: mergeFindings(ruleFindings, result, patch),
        usage: result.usage,
        errors: result.stats.errors,
      };
    },
  };
}
