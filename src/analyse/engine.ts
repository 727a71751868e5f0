import { COMMIT_MSG } from "../model.js";
import type { FileDiff, Finding, Patch, Series, Severity } from "../model.js";
import { extractFunctions } from "../parse/c/functions.js";
import { loadTreeView, touchedBy } from "../parse/c/tree.js";
import type { CFunction, CLine } from "../parse/c/types.js";
import { fingerprintOf } from "../report/fingerprint.js";
import { lineIndexOf } from "./line-index.js";
import type { LineIndex } from "./line-index.js";
import { formatMessage } from "./rule-api.js";
import type { ReportDescriptor, Rule, RuleContext, RuleVisitors } from "./rule-api.js";
import { JobCache } from "../job-cache.js";

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
 * The functions a file diff shows, kept for the rule run (see JobCache):
 * every part of a series is reviewed with the others in view, in one run,
 * so without this an N-part series would parse its C N times over.
 */
const diffFunctions = new JobCache<FileDiff, CFunction[]>();

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
  // Reports come in runs on one file, so the last file's index is kept at hand.
  let lines: Map<string, LineIndex> | null = null;
  let lastPath: string | null = null;
  let lastIndex: LineIndex | null = null;
  const linesFor = (path: string): LineIndex => {
    if (path === lastPath && lastIndex) return lastIndex;
    lines ??= new Map<string, LineIndex>();
    let index = lines.get(path);
    if (!index) {
      index = lineIndexOf(patch, path);
      lines.set(path, index);
    }
    lastPath = path;
    lastIndex = index;
    return index;
  };
  const findings: Finding[] = [];
  let seen: Set<string> | null = null;
  let offDiff = 0;
  const tree = options.tree ? loadTreeView(options.tree, patch, series) : null;
  // Without a tree the functions are the diff's own, kept per file diff for the run by functionsOfDiff.
  let functions = functionsOfDiff;
  if (tree) {
    const fnCache = new Map<FileDiff, CFunction[]>();
    functions = (file: FileDiff): CFunction[] => {
      let fns = fnCache.get(file);
      if (!fns) {
        const whole = tree.files.get(file);
        // Every function of the patched file, so rules see the helpers it calls; only touched ones are walked below.
        fns = whole ? extractFunctions(whole) : functionsOfDiff(file);
        fnCache.set(file, fns);
      }
      return fns;
    };
  }

  // Each visitor kind's visitors, listed once: the walk below calls them per hunk and per function.
  const patchVisitors: RuleVisitors[] = [];
  const messageVisitors: RuleVisitors[] = [];
  const fileVisitors: RuleVisitors[] = [];
  const hunkVisitors: RuleVisitors[] = [];
  const fnVisitors: RuleVisitors[] = [];
  for (const rule of options.rules) {
    const level = options.levels?.[rule.meta.id] ?? rule.meta.severity;
    if (level === "off") continue;
    if (options.onlyClasses && !options.onlyClasses.includes(rule.meta.class)) continue;
    const rawOptions = options.ruleOptions?.[rule.meta.id] ?? {};
    const ruleOptions = rule.meta.options ? rule.meta.options.parse(rawOptions) : {};
    const report = (d: ReportDescriptor): void => {
      const endLine = Math.max(d.line, d.endLine ?? d.line);
      const fileLines = linesFor(d.file);
      // Whether the range touches an added line is known before its text is needed: most reports are dropped here.
      let touchesAdded = false;
      // Counted from the start: past 2^53 `n++` leaves n as it is, and a hostile `@@` number must not make this spin.
      for (let k = 0; k <= endLine - d.line; k++) {
        const n = d.line + k;
        if (fileLines.textAt(n) !== undefined && fileLines.addedAt(n)) {
          touchesAdded = true;
          break;
        }
      }
      if (!touchesAdded) {
        offDiff++;
        return;
      }
      // The shown lines of the range, joined by newlines.
      let anchored: string | null = null;
      for (let k = 0; k <= endLine - d.line; k++) {
        const text = fileLines.textAt(d.line + k);
        if (text !== undefined) anchored = anchored === null ? text : `${anchored}\n${text}`;
      }
      const fingerprint = fingerprintOf(rule.meta.id, d.file, anchored ?? "", d.fix?.from ?? d.messageId);
      const key = `${fingerprint}:${d.line}`;
      seen ??= new Set<string>();
      if (seen.has(key)) return;
      seen.add(key);
      const finding: Finding = {
        rule: rule.meta.id,
        class: rule.meta.class,
        severity: level,
        file: d.file,
        line: d.line,
        endLine,
        message: formatMessage(rule.meta.messages[d.messageId] ?? d.messageId, d.data),
        source: "rule",
        messageId: d.messageId,
        fingerprint,
        tags: [],
      };
      if (d.fix) finding.fix = d.fix;
      findings.push(finding);
    };
    const ctx: RuleContext = { patch, series, options: ruleOptions, functions, report };
    const visitors = rule.create(ctx);
    if (visitors.patch) patchVisitors.push(visitors);
    if (visitors.commitMessage) messageVisitors.push(visitors);
    if (visitors.file) fileVisitors.push(visitors);
    if (visitors.hunk) hunkVisitors.push(visitors);
    if (visitors.cFunction) fnVisitors.push(visitors);
  }

  for (const v of patchVisitors) v.patch?.(patch);
  for (const v of messageVisitors) v.commitMessage?.(patch.commitMessage);
  for (const file of patch.files) {
    for (const v of fileVisitors) v.file?.(file);
    if (hunkVisitors.length > 0) {
      for (const hunk of file.hunks) {
        for (const v of hunkVisitors) v.hunk?.(hunk, file);
      }
    }
    if (fnVisitors.length > 0) {
      const whole = tree?.files.has(file) ?? false;
      for (const fn of functions(file)) {
        if (whole && !touchedBy(file, fn.startLine, fn.endLine)) continue;
        // The diff filter keeps only reports that touch an added line, and a
        // rule reports inside the function it walks (or on its kernel-doc):
        // a function the patch adds nothing to cannot yield a finding.
        if (!addsTo(fn)) continue;
        for (const v of fnVisitors) v.cFunction?.(fn, file);
      }
    }
  }

  const result: EngineResult = { findings: sortFindings(findings, patch), offDiff };
  if (tree && tree.notes.length > 0) result.notes = tree.notes;
  return result;
}

function addsTo(fn: CFunction): boolean {
  return anyAdded(fn.lines) || (fn.kernelDoc !== null && anyAdded(fn.kernelDoc));
}

function anyAdded(lines: readonly CLine[]): boolean {
  for (const l of lines) if (l.kind === "add") return true;
  return false;
}

/** Findings in the order their lines appear in the patch: commit message first, then files as sent. */
export function sortFindings(findings: Finding[], patch: Patch): Finding[] {
  const order = new Map<string, number>([[COMMIT_MSG, -1]]);
  patch.files.forEach((f, i) => order.set(f.path, i));
  return [...findings].sort(
    (a, b) => (order.get(a.file) ?? 1e9) - (order.get(b.file) ?? 1e9) || a.line - b.line || a.endLine - b.endLine || a.rule.localeCompare(b.rule),
  );
}
