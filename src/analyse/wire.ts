import { WalkedLine } from "../parse/diff-walk.js";
import type { DiffLine, FileDiff, Hunk, Patch, Series } from "../model.js";
import type { RuleTask } from "./workers.js";

/**
 * The form a rule task travels in to a worker thread. Structured cloning
 * copies every object of a parsed patch one by one, and a diff is mostly
 * small line objects: that copy cost more than the rules saved on a second
 * core. Here each hunk's lines travel as three flat values (their kinds as
 * one string, their texts joined by newlines, their line numbers in one
 * typed array shared by the whole task, so one buffer moves), and the mail
 * without its body, which no rule reads.
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
  /** Where this hunk's numbers start in `PackedTask.numbers`. */
  at: number;
}

interface PackedFile extends Omit<FileDiff, "hunks"> {
  hunks: PackedHunk[];
}

interface PackedPatch extends Omit<Patch, "files"> {
  files: PackedFile[];
}

export interface PackedTask {
  patches: PackedPatch[];
  /** newLine, oldLine per line of every hunk, one buffer for the whole task (moved, not copied); -1 for none. */
  numbers: Float64Array;
  /** Per item: index into `patches`, the series index (-1 none), cover letter or not. */
  items: { patch: number; series: number; cover: boolean }[];
  /** Per series: its fields, with its parts as indexes into `patches`. */
  series: (Omit<Series, "patches"> & { patches: number[] })[];
}

const KIND: Record<DiffLine["kind"], string> = { add: "a", del: "d", ctx: "c" };

function packHunk(h: Hunk, numbers: Float64Array, at: number): PackedHunk {
  let kinds = "";
  const texts: string[] = [];
  const raws: [number, string][] = [];
  h.lines.forEach((l, i) => {
    kinds += KIND[l.kind];
    texts.push(l.text);
    const apart = WalkedLine.rawApart(l);
    if (apart !== null) raws.push([i, apart]);
    numbers[at + 2 * i] = l.newLine ?? -1;
    numbers[at + 2 * i + 1] = l.oldLine ?? -1;
  });
  const { lines: _lines, ...rest } = h;
  return { ...rest, kinds, texts: texts.join("\n"), raws, at };
}

function unpackHunk(p: PackedHunk, numbers: Float64Array): Hunk {
  const texts = p.texts.split("\n");
  const raws = new Map(p.raws);
  const lines: DiffLine[] = [];
  for (let i = 0; i < p.kinds.length; i++) {
    const kind: DiffLine["kind"] = p.kinds[i] === "a" ? "add" : p.kinds[i] === "d" ? "del" : "ctx";
    const text = texts[i] ?? "";
    const n = numbers[p.at + 2 * i] ?? -1;
    const o = numbers[p.at + 2 * i + 1] ?? -1;
    // The walk's own line class: no raw string put together per line, and the rules see one shape in every thread.
    lines.push(new WalkedLine(kind, text, n < 0 ? null : n, o < 0 ? null : o, raws.get(i) ?? null));
  }
  const { kinds: _k, texts: _t, raws: _r, at: _a, ...rest } = p;
  return { ...rest, lines };
}

function packPatch(p: Patch, numbers: Float64Array, at: { next: number }): PackedPatch {
  const hunk = (h: Hunk): PackedHunk => {
    const packed = packHunk(h, numbers, at.next);
    at.next += 2 * h.lines.length;
    return packed;
  };
  return { ...p, mail: { ...p.mail, body: "" }, files: p.files.map((f) => ({ ...f, hunks: f.hunks.map(hunk) })) };
}

function unpackPatch(p: PackedPatch, numbers: Float64Array): Patch {
  return { ...p, files: p.files.map((f) => ({ ...f, hunks: f.hunks.map((h) => unpackHunk(h, numbers)) })) };
}

/** The task in its travelling form; a patch shared by a series and an item travels once. */
export function packTask(task: RuleTask): PackedTask {
  const distinct = new Set<Patch>();
  for (const it of task.items) distinct.add(it.patch);
  for (const s of task.series) for (const p of s.patches) distinct.add(p);
  let lines = 0;
  for (const p of distinct) for (const f of p.files) for (const h of f.hunks) lines += h.lines.length;
  // Doubles: new-side and old-side numbers may pass 2^31 (a diff may say so), never 2^53.
  const numbers = new Float64Array(2 * lines);
  const cursor = { next: 0 };
  const index = new Map<Patch, number>();
  const patches: PackedPatch[] = [];
  const at = (p: Patch): number => {
    let i = index.get(p);
    if (i === undefined) {
      i = patches.push(packPatch(p, numbers, cursor)) - 1;
      index.set(p, i);
    }
    return i;
  };
  const items = task.items.map((it) => ({ patch: at(it.patch), series: it.series, cover: it.cover }));
  const series = task.series.map((s) => ({ ...s, patches: s.patches.map(at) }));
  return { patches, numbers, items, series };
}

/** The task as the rules see it, rebuilt in the worker. */
export function unpackTask(packed: PackedTask): RuleTask {
  const patches = packed.patches.map((p) => unpackPatch(p, packed.numbers));
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

/** The buffers of a packed task: moved to the worker, not copied. */
export function transferables(packed: PackedTask): ArrayBuffer[] {
  return [packed.numbers.buffer as ArrayBuffer];
}
