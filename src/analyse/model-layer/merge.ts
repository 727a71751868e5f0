import { COMMIT_MSG } from "../../model.js";
import type { Finding, Patch } from "../../model.js";
import { sortFindings } from "../engine.js";

/** The parts of a model review that merging needs. */
export interface MergeInput {
  findings: Finding[];
  doubts: { fingerprint: string; reason: string }[];
}

function overlaps(a: Finding, b: Finding): boolean {
  return a.file === b.file && a.line <= b.endLine && b.line <= a.endLine;
}

function addTag(f: Finding, tag: string): Finding {
  return f.tags.includes(tag) ? f : { ...f, tags: [...f.tags, tag] };
}

/**
 * Folds model findings into rule findings. A model finding of the same class
 * on overlapping lines of the same file confirms the rule finding (tag
 * `model-confirmed`) instead of repeating it; a rule finding the model
 * doubted gets the tag `doubtful` (it stays in the JSON and the triage queue,
 * and out of automatic replies). Other model findings are added. With
 * `patch`, the result is in patch order; without, rule findings keep their
 * order and model findings follow.
 */
export function mergeFindings(ruleFindings: Finding[], model: MergeInput, patch?: Patch): Finding[] {
  const doubted = new Set(model.doubts.map((d) => d.fingerprint));
  const merged = ruleFindings.map((f) => (doubted.has(f.fingerprint) ? addTag(f, "doubtful") : f));
  const added: Finding[] = [];
  for (const m of model.findings) {
    const i = merged.findIndex((r) => r.source === "rule" && r.class === m.class && overlaps(r, m));
    const target = i >= 0 ? merged[i] : undefined;
    if (target) merged[i] = addTag(target, "model-confirmed");
    else added.push(m);
  }
  const all = [...merged, ...added];
  if (patch) return sortFindings(all, patch);
  // Without the patch, keep the commit message first as the engine does.
  return [...all.filter((f) => f.file === COMMIT_MSG), ...all.filter((f) => f.file !== COMMIT_MSG)];
}
