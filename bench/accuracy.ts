import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { RULES } from "../rules/index.js";
import { runRules } from "../src/analyse/engine.js";
import type { Rule } from "../src/analyse/rule-api.js";
import { describeError } from "../src/errors.js";
import { isIngestFailure } from "../src/ingest/item.js";
import { readInputs } from "../src/ingest/files.js";
import { DEFAULT_LIMITS } from "../src/limits.js";
import type { Finding, Patch } from "../src/model.js";
import { parseMail } from "../src/parse/mime.js";
import { classifyMail } from "../src/parse/patch.js";
import { isClean, loadCorpus } from "./corpus.js";
import { scoreEntry } from "./score.js";
import type { ClassCounts, Miss } from "./score.js";

/**
 * `npm run bench:accuracy -- DIR [--verbose]`: reviews every patch a labelled
 * corpus lists and reports, per class and overall, true and false positives,
 * false negatives, precision, recall and false positives per clean patch.
 * The last line is the one other tools read:
 * `accuracy: precision=P recall=R fp_per_clean=F`.
 */

/** The classes the headline figures are about; others (doc, style...) are shown apart. */
export const HEADLINE_CLASSES = ["unreleased", "errcode", "typo", "warn"] as const;

export interface AccuracyReport {
  perClass: Map<string, ClassCounts>;
  overall: ClassCounts;
  precision: number;
  recall: number;
  cleanPatches: number;
  /** False positives (headline classes) on clean patches, per clean patch. */
  fpPerClean: number;
  /** Clean patches that got at least one headline finding. */
  cleanWithFindings: number;
  falsePositives: (Miss & { message: string })[];
  falseNegatives: Miss[];
  /** Corpus files that could not be read or parsed, one line each. */
  errors: string[];
}

export interface AccuracyOptions {
  rules?: readonly Rule[];
}

/** Reviews the patches of one corpus file: every message that is a patch (cover letters for typos only). */
async function reviewFile(path: string, rules: readonly Rule[]): Promise<{ patches: Patch[]; findings: Finding[]; errors: string[] }> {
  const patches: Patch[] = [];
  const findings: Finding[] = [];
  const errors: string[] = [];
  for await (const item of readInputs([path], DEFAULT_LIMITS)) {
    if (isIngestFailure(item)) {
      errors.push(describeError(item.error));
      continue;
    }
    try {
      const mail = await parseMail(item, DEFAULT_LIMITS);
      const c = classifyMail(mail);
      if (!c.patch || (c.kind !== "patch" && c.kind !== "cover")) continue;
      patches.push(c.patch);
      const opts: Parameters<typeof runRules>[2] = { rules };
      if (c.kind === "cover") opts.onlyClasses = ["typo"];
      findings.push(...runRules(c.patch, null, opts).findings);
    } catch (err) {
      errors.push(describeError(err));
    }
  }
  return { patches, findings, errors };
}

function ratio(num: number, den: number): number {
  return den === 0 ? 1 : num / den;
}

/** Runs the benchmark over the corpus in `dir`. */
export async function runAccuracy(dir: string, options: AccuracyOptions = {}): Promise<AccuracyReport> {
  const rules = options.rules ?? RULES;
  const headline = new Set<string>(HEADLINE_CLASSES);
  const entries = await loadCorpus(dir);
  const perClass = new Map<string, ClassCounts>();
  const report: AccuracyReport = {
    perClass,
    overall: { tp: 0, fp: 0, fn: 0 },
    precision: 1,
    recall: 1,
    cleanPatches: 0,
    fpPerClean: 0,
    cleanWithFindings: 0,
    falsePositives: [],
    falseNegatives: [],
    errors: [],
  };
  let cleanFp = 0;
  for (const entry of entries) {
    const { patches, findings, errors } = await reviewFile(join(dir, entry.file), rules);
    report.errors.push(...errors);
    const scored = scoreEntry(entry, patches, findings);
    for (const [cls, c] of scored.counts) {
      const acc = perClass.get(cls) ?? { tp: 0, fp: 0, fn: 0 };
      acc.tp += c.tp;
      acc.fp += c.fp;
      acc.fn += c.fn;
      perClass.set(cls, acc);
    }
    report.falsePositives.push(...scored.falsePositives);
    report.falseNegatives.push(...scored.falseNegatives);
    if (isClean(entry)) {
      report.cleanPatches++;
      const fp = scored.falsePositives.filter((f) => headline.has(f.class)).length;
      cleanFp += fp;
      if (fp > 0) report.cleanWithFindings++;
    }
  }
  for (const [cls, c] of perClass) {
    if (!headline.has(cls)) continue;
    report.overall.tp += c.tp;
    report.overall.fp += c.fp;
    report.overall.fn += c.fn;
  }
  report.precision = ratio(report.overall.tp, report.overall.tp + report.overall.fp);
  report.recall = ratio(report.overall.tp, report.overall.tp + report.overall.fn);
  report.fpPerClean = report.cleanPatches === 0 ? 0 : cleanFp / report.cleanPatches;
  return report;
}

function row(name: string, c: ClassCounts): string {
  const p = ratio(c.tp, c.tp + c.fp).toFixed(2);
  const r = ratio(c.tp, c.tp + c.fn).toFixed(2);
  return `${name.padEnd(12)} ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)} ${p.padStart(9)} ${r.padStart(6)}`;
}

/** The printed report; the last line is the summary line. */
export function formatReport(r: AccuracyReport, verbose = false): string {
  const out: string[] = [];
  const header = `${"class".padEnd(12)} ${"TP".padStart(4)} ${"FP".padStart(4)} ${"FN".padStart(4)} ${"precision".padStart(9)} ${"recall".padStart(6)}`;
  out.push(header);
  for (const cls of HEADLINE_CLASSES) out.push(row(cls, r.perClass.get(cls) ?? { tp: 0, fp: 0, fn: 0 }));
  out.push(row("overall", r.overall));
  const others = [...r.perClass.keys()].filter((c) => !(HEADLINE_CLASSES as readonly string[]).includes(c)).sort();
  if (others.length > 0) {
    out.push("", "other classes (not in the headline):");
    for (const cls of others) out.push(row(cls, r.perClass.get(cls) ?? { tp: 0, fp: 0, fn: 0 }));
  }
  out.push("", `clean patches: ${r.cleanPatches}, with a finding: ${r.cleanWithFindings}, false positives per clean patch: ${r.fpPerClean.toFixed(2)}`);
  if (r.errors.length > 0) out.push(`errors: ${r.errors.length}`, ...r.errors.map((e) => `  ${e}`));
  if (verbose) {
    out.push("", "false positives:");
    for (const f of r.falsePositives) out.push(`  ${f.corpusFile}: ${f.file}:${f.line ?? "?"}: ${f.class}: ${f.message}`, `      | ${f.text.trim()}`);
    out.push("", "false negatives:");
    for (const f of r.falseNegatives) out.push(`  ${f.corpusFile}: ${f.file}:${f.line ?? "not found"}: ${f.class}`, `      | ${f.text.trim()}`);
  }
  out.push("", `accuracy: precision=${r.precision.toFixed(2)} recall=${r.recall.toFixed(2)} fp_per_clean=${r.fpPerClean.toFixed(2)}`);
  return out.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes("--verbose") || argv.includes("-v");
  const dirs = argv.filter((a) => !a.startsWith("-"));
  if (dirs.length !== 1 || !dirs[0]) {
    process.stderr.write("usage: bench:accuracy -- DIR [--verbose]\n");
    return 2;
  }
  try {
    const report = await runAccuracy(resolve(dirs[0]));
    process.stdout.write(formatReport(report, verbose) + "\n");
    return 0;
  } catch (err) {
    process.stderr.write(`bench:accuracy: ${describeError(err)}\n`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
