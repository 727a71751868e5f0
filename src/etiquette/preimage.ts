import { runRules } from "../analyse/engine.js";
import type { EngineOptions } from "../analyse/engine.js";
import type { FileDiff, Finding, Hunk, Patch, Series } from "../model.js";
import { extractFunctions } from "../parse/c/functions.js";
import { applyHunks, loadTreeView } from "../parse/c/tree.js";
import type { CFunction } from "../parse/c/types.js";
import { normaliseText } from "../report/fingerprint.js";
import { PRE_EXISTING } from "./moved.js";

/**
 * `--tree`: was it there before? The rules judge whole touched functions
 * with a tree, so a patch that changes one line of a function can draw a
 * point about a fault the function always had (an acquisition whose
 * argument changed, say, leaking on an error path nobody touched). Such a
 * point is not the author's to fix. Here the same rules run on the
 * pre-image of the touched files (the file as the tree has it before this
 * patch, earlier parts of the series applied), and a finding is tagged
 * `pre-existing` when the pre-image has the same thing: same rule, same
 * function name, same message, on the same line of the old file (the line
 * the point ends at: the error path, the return), with the same text. A
 * point that ends on a line the patch adds is the patch's own.
 */

const C_FILE = /\.(c|h)$/;

interface Line {
  text: string;
  added: boolean;
}

/** The patch's hunks turned around: applied to the post-image they give the pre-image. */
function reversed(hunks: readonly Hunk[]): Hunk[] {
  return hunks.map((h) => ({
    ...h,
    oldStart: h.newStart,
    oldLines: h.newLines,
    newStart: h.oldStart,
    newLines: h.oldLines,
    lines: h.lines.map((l) => ({
      ...l,
      // A walked line works its `raw` out when read, so a spread would not carry it.
      raw: l.raw,
      kind: l.kind === "add" ? ("del" as const) : l.kind === "del" ? ("add" as const) : l.kind,
      newLine: l.oldLine,
      oldLine: l.newLine,
    })),
  }));
}

/** A file diff that shows `lines` as added from line 1: the engine then judges every line of it. */
function allAdded(file: FileDiff, lines: readonly string[]): FileDiff {
  const hunk: Hunk = {
    header: `@@ -0,0 +1,${lines.length} @@`,
    oldStart: 0,
    oldLines: 0,
    newStart: 1,
    newLines: lines.length,
    functionContext: "",
    lines: lines.map((text, i) => ({ kind: "add", text, raw: `+${text}`, newLine: i + 1, oldLine: null })),
  };
  return { ...file, isNew: false, isDeleted: false, hunks: [hunk] };
}

/**
 * The pre-image file with only the functions named `names` shown as added:
 * the engine walks just those (a function the patch adds nothing to cannot
 * yield a point), not every function of a big driver.
 */
function onlyFunctions(file: FileDiff, names: ReadonlySet<string>): FileDiff {
  const wanted = extractFunctions(file).filter((fn) => names.has(fn.name));
  const inWanted = (n: number): boolean => wanted.some((fn) => firstLine(fn) <= n && n <= fn.endLine);
  return {
    ...file,
    hunks: file.hunks.map((h) => ({
      ...h,
      lines: h.lines.map((l) => (l.newLine !== null && inWanted(l.newLine) ? l : { ...l, kind: "ctx" as const, raw: ` ${l.text}`, oldLine: l.newLine })),
    })),
  };
}

/** A function's first line, its kernel-doc included (rules point at the doc too). */
function firstLine(fn: CFunction): number {
  return fn.kernelDoc?.[0]?.newLine ?? fn.startLine;
}

/** Name of the function whose lines, kernel-doc included, hold `from`..`to`; "" for none. */
function holderOf(fns: readonly CFunction[], from: number, to: number): string {
  return fns.find((fn) => firstLine(fn) <= from && to <= fn.endLine)?.name ?? "";
}

/** Name of the function holding lines `from`..`to`; "" outside any function. */
function functionAt(fns: readonly CFunction[], from: number, to: number): string {
  return fns.find((fn) => fn.startLine <= from && to <= fn.endLine)?.name ?? "";
}

function key(rule: string, fn: string, message: string, text: string, line: number): string {
  return `${rule}\0${fn}\0${message}\0${normaliseText(text)}\0${line}`;
}

/**
 * Where post-image line `n` of a file stood before the patch: its old line
 * number, or null for a line the patch adds. Outside the hunks a line only
 * moves by what the hunks above it added or removed.
 */
export function preImageLine(file: FileDiff, n: number): number | null {
  let shift = 0;
  for (const h of file.hunks) {
    if (n < h.newStart) break;
    if (n < h.newStart + h.newLines) {
      const line = h.lines.find((l) => l.newLine === n);
      return line ? line.oldLine : null;
    }
    shift += h.newLines - h.oldLines;
  }
  return n - shift;
}

/** A touched file seen whole: post-image (from the tree view) and pre-image lines. */
interface Images {
  post: Line[];
  pre: string[];
  postFile: FileDiff;
}

function imagesOf(file: FileDiff, whole: FileDiff): Images | null {
  const post: Line[] = (whole.hunks[0]?.lines ?? []).map((l) => ({ text: l.text, added: l.kind === "add" }));
  const pre = applyHunks(
    post.map((l) => ({ text: l.text, added: false })),
    reversed(file.hunks),
  );
  if (!Array.isArray(pre)) return null;
  return { post, pre: pre.map((l) => l.text), postFile: whole };
}

/**
 * Tags the findings the pre-image already has as `pre-existing` (kept in
 * JSON and the queue, never in a reply). `options` are the engine options
 * the analysis used (rules, levels, rule options); the tree at `tree` is
 * read again for the touched C files that carry a candidate finding. Never
 * throws: a file whose images cannot be rebuilt keeps its findings as they are.
 */
export function tagPreImageFindings(patch: Patch, series: Series | null, findings: readonly Finding[], tree: string, options: EngineOptions): Finding[] {
  const candidates = findings.filter((f) => f.source === "rule" && !f.tags.includes(PRE_EXISTING) && C_FILE.test(f.file));
  if (candidates.length === 0) return [...findings];
  const files = patch.files.filter((f) => candidates.some((c) => c.file === f.path) && !f.isNew && !f.isDeleted && !f.isBinary);
  if (files.length === 0) return [...findings];

  let view;
  try {
    view = loadTreeView(tree, patch, series);
  } catch {
    return [...findings];
  }
  const images = new Map<string, Images>();
  for (const file of files) {
    const whole = view.files.get(file);
    const im = whole ? imagesOf(file, whole) : null;
    if (im) images.set(file.path, im);
  }
  if (images.size === 0) return [...findings];

  // The post-image functions that hold a candidate point, by file.
  const postFns = new Map<string, CFunction[]>();
  const postFnsOf = (path: string, im: Images): CFunction[] => {
    let fns = postFns.get(path);
    if (!fns) {
      fns = extractFunctions(im.postFile);
      postFns.set(path, fns);
    }
    return fns;
  };
  const names = new Map<string, Set<string>>();
  for (const f of candidates) {
    const im = images.get(f.file);
    if (!im) continue;
    const set = names.get(f.file) ?? new Set<string>();
    set.add(holderOf(postFnsOf(f.file, im), f.line, f.endLine));
    names.set(f.file, set);
  }

  // One engine run over the pre-images of those functions, with only the rules that made a candidate point.
  const ruleIds = new Set(candidates.map((f) => f.rule));
  const prePatch: Patch = {
    ...patch,
    commitMessage: [],
    files: files.flatMap((f) => {
      const im = images.get(f.path);
      return im ? [onlyFunctions(allAdded(f, im.pre), names.get(f.path) ?? new Set())] : [];
    }),
  };
  const preOptions: EngineOptions = { rules: options.rules.filter((r) => ruleIds.has(r.meta.id)) };
  if (options.levels) preOptions.levels = options.levels;
  if (options.ruleOptions) preOptions.ruleOptions = options.ruleOptions;
  const before = runRules(prePatch, null, preOptions);
  const preFns = new Map(prePatch.files.map((f) => [f.path, extractFunctions(f)]));
  const seen = new Set<string>();
  for (const f of before.findings) {
    const pre = images.get(f.file)?.pre;
    if (!pre) continue;
    seen.add(key(f.rule, functionAt(preFns.get(f.file) ?? [], f.line, f.endLine), f.message, pre[f.endLine - 1] ?? "", f.endLine));
  }
  if (seen.size === 0) return [...findings];

  return findings.map((f) => {
    const im = images.get(f.file);
    if (!im || !candidates.includes(f)) return f;
    const fns = postFnsOf(f.file, im);
    // The same point on the same line of the old file: a line the patch adds was not there before, whatever its text.
    const file = files.find((x) => x.path === f.file);
    const oldLine = file ? preImageLine(file, f.endLine) : null;
    if (oldLine === null) return f;
    const k = key(f.rule, functionAt(fns, f.line, f.endLine), f.message, im.post[f.endLine - 1]?.text ?? "", oldLine);
    return seen.has(k) ? { ...f, tags: [...f.tags, PRE_EXISTING] } : f;
  });
}
