import { COMMIT_MSG } from "../model.js";
import type { FileDiff, Finding, Patch, Series, Severity } from "../model.js";
import { extractFunctions } from "../parse/c/functions.js";
import { loadTreeView, touchedBy } from "../parse/c/tree.js";
import type { CFunction } from "../parse/c/types.js";
import { fingerprintOf } from "../report/fingerprint.js";
import { lineIndexOf } from "./line-index.js";
import type { LineIndex } from "./line-index.js";
import { formatMessage } from "./rule-api.js";
import type { ReportDescriptor, Rule, RuleContext, RuleVisitors } from "./rule-api.js";

export type RuleLevel = Severity | "off";

export interface EngineOptions {
  rules: readonly Rule[];
  /** Per-rule level from the config; absent means the rule's default. */
  levels?: Readonly<Record<string, RuleLevel>>;
  /** Per-rule options from the config, validated against the rule's schema. */
  ruleOptions?: Readonly<Record<string, unknown>>;
  /** Cover letters are reviewed for typos only. */
  onlyClasses?: readonly string[];
  /** A kernel checkout (`--tree DIR`): C functions are then read whole from the patched file. */
  tree?: string;
}

export interface EngineResult {
  findings: Finding[];
  /** Reports that did not touch an added line and were dropped by the diff filter. */
  offDiff: number;
  /** Files the tree view could not rebuild (judged on the hunks only), one line each. */
  notes?: string[];
}

const C_FILE = /\.(c|h)$/;

/**
 * The functions a file diff shows, kept as long as the parsed patch lives:
 * every part of a series is reviewed with the others in view, so without
 * this an N-part series would parse its C N times over.
 */
const diffFunctions = new WeakMap<FileDiff, CFunction[]>();

function functionsOfDiff(file: FileDiff): CFunction[] {
  let fns = diffFunctions.get(file);
  if (!fns) {
    fns = C_FILE.test(file.path) ? extractFunctions(file) : [];
    diffFunctions.set(file, fns);
  }
  return fns;
}

/**
 * One walk over a patch with every enabled rule. The engine, not the rules,
 * decides what counts: a report is kept only when its range touches a line
 * the patch adds (reviewdog's diff filter), so no rule can comment on code
 * the patch did not write.
 */
export function runRules(patch: Patch, series: Series | null, options: EngineOptions): EngineResult {
  // The line index serves only reports: it is built for the files reported on, when first reported on.
  const lines = new Map<string, LineIndex>();
  const linesFor = (path: string): LineIndex => {
    let index = lines.get(path);
    if (!index) {
      index = lineIndexOf(patch, path);
      lines.set(path, index);
    }
    return index;
  };
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let offDiff = 0;
  const fnCache = new Map<FileDiff, CFunction[]>();
  const tree = options.tree ? loadTreeView(options.tree, patch, series) : null;
  const functions = (file: FileDiff): CFunction[] => {
    let fns = fnCache.get(file);
    if (!fns) {
      const whole = tree?.files.get(file);
      // Every function of the patched file, so rules see the helpers it calls; only touched ones are walked below.
      if (whole) fns = extractFunctions(whole);
      else fns = functionsOfDiff(file);
      fnCache.set(file, fns);
    }
    return fns;
  };

  const active: { rule: Rule; severity: Severity; visitors: RuleVisitors }[] = [];
  for (const rule of options.rules) {
    const level = options.levels?.[rule.meta.id] ?? rule.meta.severity;
    if (level === "off") continue;
    if (options.onlyClasses && !options.onlyClasses.includes(rule.meta.class)) continue;
    const rawOptions = options.ruleOptions?.[rule.meta.id] ?? {};
    const ruleOptions = rule.meta.options ? rule.meta.options.parse(rawOptions) : {};
    const report = (d: ReportDescriptor): void => {
      const endLine = Math.max(d.line, d.endLine ?? d.line);
      const fileLines = linesFor(d.file);
      let touchesAdded = false;
      const anchored: string[] = [];
      // Counted from the start: past 2^53 `n++` leaves n as it is, and a hostile `@@` number must not make this spin.
      for (let k = 0; k <= endLine - d.line; k++) {
        const n = d.line + k;
        const text = fileLines.textAt(n);
        if (text === undefined) continue;
        anchored.push(text);
        if (fileLines.addedAt(n)) touchesAdded = true;
      }
      if (!touchesAdded) {
        offDiff++;
        return;
      }
      const message = formatMessage(rule.meta.messages[d.messageId] ?? d.messageId, d.data);
      const fingerprint = fingerprintOf(rule.meta.id, d.file, anchored.join("\n"), d.fix?.from ?? d.messageId);
      const key = `${fingerprint}:${d.line}`;
      if (seen.has(key)) return;
      seen.add(key);
      const finding: Finding = {
        rule: rule.meta.id,
        class: rule.meta.class,
        severity: level,
        file: d.file,
        line: d.line,
        endLine,
        message,
        source: "rule",
        messageId: d.messageId,
        fingerprint,
        tags: [],
      };
      if (d.fix) finding.fix = d.fix;
      findings.push(finding);
    };
    const ctx: RuleContext = { patch, series, options: ruleOptions, functions, report };
    active.push({ rule, severity: level, visitors: rule.create(ctx) });
  }

  for (const { visitors } of active) visitors.patch?.(patch);
  for (const { visitors } of active) visitors.commitMessage?.(patch.commitMessage);
  for (const file of patch.files) {
    for (const { visitors } of active) visitors.file?.(file);
    for (const hunk of file.hunks) {
      for (const { visitors } of active) visitors.hunk?.(hunk, file);
    }
    if (active.some((a) => a.visitors.cFunction !== undefined)) {
      const whole = tree?.files.has(file) ?? false;
      for (const fn of functions(file)) {
        if (whole && !touchedBy(file, fn.startLine, fn.endLine)) continue;
        // The diff filter keeps only reports that touch an added line, and a
        // rule reports inside the function it walks (or on its kernel-doc):
        // a function the patch adds nothing to cannot yield a finding.
        if (!addsTo(fn)) continue;
        for (const { visitors } of active) visitors.cFunction?.(fn, file);
      }
    }
  }

  const result: EngineResult = { findings: sortFindings(findings, patch), offDiff };
  if (tree && tree.notes.length > 0) result.notes = tree.notes;
  return result;
}

function addsTo(fn: CFunction): boolean {
  return fn.lines.some((l) => l.added) || (fn.kernelDoc?.some((l) => l.added) ?? false);
}

/** Findings in the order their lines appear in the patch: commit message first, then files as sent. */
export function sortFindings(findings: Finding[], patch: Patch): Finding[] {
  const order = new Map<string, number>([[COMMIT_MSG, -1]]);
  patch.files.forEach((f, i) => order.set(f.path, i));
  return [...findings].sort(
    (a, b) => (order.get(a.file) ?? 1e9) - (order.get(b.file) ?? 1e9) || a.line - b.line || a.endLine - b.endLine || a.rule.localeCompare(b.rule),
  );
}
