import type { Config } from "../config.js";
import type { Finding, Patch, Series } from "../model.js";
import { RULES } from "../../rules/index.js";
import { runRules } from "./engine.js";
import type { EngineOptions, EngineResult, RuleLevel } from "./engine.js";
import type { Rule } from "./rule-api.js";
import { tagMovedFindings } from "../etiquette/moved.js";
import { tagPreImageFindings } from "../etiquette/preimage.js";

/**
 * Rules, then (when configured) the model layer, for one patch. The result
 * keeps every finding; `reportable` is what an automatic reply may say:
 * nothing doubtful, pre-existing or suppressed by a maintainer.
 */

/** The model layer as the analysis sees it (src/analyse/model-layer implements it). */
export interface ModelReviewer {
  review(
    patch: Patch,
    series: Series | null,
    ruleFindings: Finding[],
  ): Promise<{
    findings: Finding[];
    merged: Finding[];
    usage: { promptTokens: number; completionTokens: number; cached: boolean };
    errors: string[];
  }>;
}

export interface AnalyseDeps {
  config: Config;
  rules?: readonly Rule[];
  model?: ModelReviewer | null;
  /** A maintainer marked this rule+fingerprint a false positive (triage queue). */
  isSuppressed?: (rule: string, fingerprint: string) => Promise<boolean>;
  /** Cover letters are reviewed for typos only. */
  coverLetter?: boolean;
  /** The rules' result when they already ran elsewhere (a worker thread); the rules are then not run again. */
  ruleResult?: EngineResult;
}

export interface Analysis {
  findings: Finding[];
  reportable: Finding[];
  offDiff: number;
  usage?: { promptTokens: number; completionTokens: number; cached: boolean };
  modelErrors: string[];
  /** With `--tree`: files judged on the hunks only because the tree view could not be rebuilt, one line each. */
  treeNotes?: string[];
}

/** Tags that keep a finding out of automatic replies (it stays in JSON and the queue). */
export const NOT_FOR_REPLIES: ReadonlySet<string> = new Set(["doubtful", "pre-existing", "suppressed"]);

/** Turns the config's `rules:` section into engine levels and options. */
export function engineOptionsFrom(config: Config, rules: readonly Rule[]): EngineOptions {
  const levels: Record<string, RuleLevel> = {};
  const ruleOptions: Record<string, unknown> = {};
  for (const [id, setting] of Object.entries(config.rules)) {
    if (typeof setting === "string") levels[id] = setting;
    else {
      if (setting.level) levels[id] = setting.level;
      if (setting.options) ruleOptions[id] = setting.options;
    }
  }
  return { rules, levels, ruleOptions };
}

/** Engine options for one patch: the config's levels and options; typo rules only for a cover letter. */
export function ruleOptionsFor(deps: Pick<AnalyseDeps, "config" | "rules" | "coverLetter">): EngineOptions {
  const options = engineOptionsFrom(deps.config, deps.rules ?? RULES);
  if (deps.coverLetter) options.onlyClasses = ["typo"];
  else if (deps.config.tree) options.tree = deps.config.tree;
  return options;
}

export async function analysePatch(patch: Patch, series: Series | null, deps: AnalyseDeps): Promise<Analysis> {
  const { findings: ruleFindings, offDiff, notes } = deps.ruleResult ?? runRules(patch, series, ruleOptionsFor(deps));

  let findings = ruleFindings;
  let usage: Analysis["usage"];
  const modelErrors: string[] = [];
  if (deps.model && !deps.coverLetter) {
    const result = await deps.model.review(patch, series, ruleFindings);
    findings = result.merged;
    usage = result.usage;
    modelErrors.push(...result.errors);
  }

  // Code the patch only moves is not the author's to fix (tagged pre-existing).
  findings = tagMovedFindings(patch, findings);
  // With a tree: what the rules also find before the patch is not the patch's doing.
  if (deps.config.tree && !deps.coverLetter)
    findings = tagPreImageFindings(patch, series, findings, deps.config.tree, engineOptionsFrom(deps.config, deps.rules ?? RULES));
  if (deps.isSuppressed) {
    for (const f of findings) {
      if (await deps.isSuppressed(f.rule, f.fingerprint)) f.tags = [...f.tags, "suppressed"];
    }
  }
  const reportable = findings.filter((f) => !f.tags.some((t) => NOT_FOR_REPLIES.has(t)));
  const analysis: Analysis = { findings, reportable, offDiff, modelErrors };
  if (usage) analysis.usage = usage;
  if (notes) analysis.treeNotes = notes;
  return analysis;
}
