import type { DiffLine, FileDiff, Hunk, Patch, Series } from "../model.js";
import type { RuleTask } from "./workers.js";

/**
 * The form a rule task travels in to a worker thread. Structured cloning
 * copies every object of a parsed patch one by one, and a diff is mostly
 * small line objects: that copy cost more than the rules saved on a second
 * core. Here each hunk's lines travel as three flat values (their kinds as
 * one string, their texts joined by newlines, their line numbers in one
 * typed array), and the mail without its body, which no rule reads.
 */

interface PackedHunk {
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  functionContext: string;
  /** One character per line: `a`dd, `d`el, `c`ontext. */
  kinds: string;
  /** Line texts joined by "\n" (a diff line never holds one). */
  texts: string;
  /** The raw line where it is not its prefix plus its text (an over-long line), by index. */
  raws: [number, string][];
  /** newLine, oldLine per line; -1 for none. */
  numbers: Int32Array;
}

interface PackedFile extends Omit<FileDiff, "hunks"> {
  hunks: PackedHunk[];
}

interface PackedPatch extends Omit<Patch, "files"> {
  files: PackedFile[];
}

export interface PackedTask {
  patches: PackedPatch[];
  /** Per item: index into `patches`, the series index (-1 none), cover letter or not. */
  items: { patch: number; series: number; cover: boolean }[];
  /** Per series: its fields, with its parts as indexes into `patches`. */
  series: (Omit<Series, "patches"> & { patches: number[] })[];
}

const PREFIX: Record<DiffLine["kind"], string> = { add: "+", del: "-", ctx: " " };
const KIND: Record<DiffLine["kind"], string> = { add: "a", del: "d", ctx: "c" };

function packHunk(h: Hunk): PackedHunk {
  let kinds = "";
  const texts: string[] = [];
  const raws: [number, string][] = [];
  const numbers = new Int32Array(h.lines.length * 2);
  h.lines.forEach((l, i) => {
    kinds += KIND[l.kind];
    texts.push(l.text);
    if (l.raw !== PREFIX[l.kind] + l.text) raws.push([i, l.raw]);
    numbers[2 * i] = l.newLine ?? -1;
    numbers[2 * i + 1] = l.oldLine ?? -1;
  });
  const { lines: _lines, ...rest } = h;
  return { ...rest, kinds, texts: texts.join("\n"), raws, numbers };
}

function unpackHunk(p: PackedHunk): Hunk {
  const texts = p.texts.split("\n");
  const raws = new Map(p.raws);
  const lines: DiffLine[] = [];
  for (let i = 0; i < p.kinds.length; i++) {
    const kind: DiffLine["kind"] = p.kinds[i] === "a" ? "add" : p.kinds[i] === "d" ? "del" : "ctx";
    const text = texts[i] ?? "";
    const n = p.numbers[2 * i] ?? -1;
    const o = p.numbers[2 * i + 1] ?? -1;
    lines.push({ kind, text, raw: raws.get(i) ?? PREFIX[kind] + text, newLine: n < 0 ? null : n, oldLine: o < 0 ? null : o });
  }
  const { kinds: _k, texts: _t, raws: _r, numbers: _n, ...rest } = p;
  return { ...rest, lines };
}

function packPatch(p: Patch): PackedPatch {
  return { ...p, mail: { ...p.mail, body: "" }, files: p.files.map((f) => ({ ...f, hunks: f.hunks.map(packHunk) })) };
}

function unpackPatch(p: PackedPatch): Patch {
  return { ...p, files: p.files.map((f) => ({ ...f, hunks: f.hunks.map(unpackHunk) })) };
}

/** The task in its travelling form; a patch shared by a series and an item travels once. */
export function packTask(task: RuleTask): PackedTask {
  const index = new Map<Patch, number>();
  const patches: PackedPatch[] = [];
  const at = (p: Patch): number => {
    let i = index.get(p);
    if (i === undefined) {
      i = patches.push(packPatch(p)) - 1;
      index.set(p, i);
    }
    return i;
  };
  const items = task.items.map((it) => ({ patch: at(it.patch), series: it.series, cover: it.cover }));
  const series = task.series.map((s) => ({ ...s, patches: s.patches.map(at) }));
  return { patches, items, series };
}

/** The task as the rules see it, rebuilt in the worker. */
export function unpackTask(packed: PackedTask): RuleTask {
  const patches = packed.patches.map(unpackPatch);
  const pick = (i: number): Patch => {
    const p = patches[i];
    if (!p) throw new Error(`packed rule task: no patch ${i}`);
    return p;
  };
  return {
    items: packed.items.map((it) => ({ patch: pick(it.patch), series: it.series, cover: it.cover })),
    series: packed.series.map((s) => ({ ...s, patches: s.patches.map(pick) })),
  };
}

/** The typed arrays of a packed task: moved to the worker, not copied. */
export function transferables(packed: PackedTask): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const p of packed.patches) for (const f of p.files) for (const h of f.hunks) out.push(h.numbers.buffer as ArrayBuffer);
  return out;
}
