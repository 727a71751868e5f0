/**
 * Kernel-style C written by the benchmark generator: template functions with
 * allocations, locks, error paths, kernel-doc and comments, and now and
 * then a typo or a bug (see Rng.slip), so the rules see the shapes they were
 * built for. Everything here is made up by the templates below; no real
 * kernel source is used.
 */

/** A small deterministic PRNG (mulberry32), so a seed always yields the same corpus. */
export class Rng {
  private state: number;

  /**
   * @param slips how often authors slip, as a factor on each template's own
   *   chance of a typo or a bug (see `slip`): 1 is the old all-slips mix.
   */
  constructor(
    seed: number,
    private readonly slips = 1,
  ) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A typo or a bug whose template chance is `p`, scaled by how often this archive's authors slip. */
  slip(p: number): boolean {
    return this.next() < Math.min(1, p * this.slips);
  }
}

export const SUBSYSTEMS = [
  { dir: "drivers/net/ethernet/acme", prefix: "acme", tag: "net: acme" },
  { dir: "drivers/gpu/drm/tiny", prefix: "tinydrm", tag: "drm/tiny" },
  { dir: "drivers/iio/adc", prefix: "qadc", tag: "iio: adc: qadc" },
  { dir: "fs/samplefs", prefix: "samplefs", tag: "samplefs" },
  { dir: "kernel/livepatch", prefix: "klp", tag: "livepatch" },
  { dir: "sound/soc/codecs", prefix: "wcodec", tag: "ASoC: wcodec" },
  { dir: "drivers/i2c/busses", prefix: "i2c_demo", tag: "i2c: demo" },
  { dir: "mm", prefix: "pgcache", tag: "mm/pgcache" },
] as const;

export type Subsystem = (typeof SUBSYSTEMS)[number];

const NOUNS = ["queue", "ring", "port", "chan", "buf", "ctx", "node", "entry", "table", "slot", "desc", "stat", "irq", "clk", "map", "hook"];
const VERBS = ["init", "setup", "alloc", "register", "attach", "enable", "start", "config", "prepare", "load", "probe", "open"];
export const FIELDS = ["count", "flags", "len", "state", "id", "size", "mask", "offset", "mode", "limit"];

/** Comment sentences as written with care. */
const COMMENTS = [
  "Make sure the hardware is idle before we touch the ring.",
  "The lock protects the list against concurrent removal.",
  "Callers must hold the device lock when calling this.",
  "Drop the reference taken in the lookup above.",
  "The buffer is freed by the completion handler.",
  "Nothing to do here when the feature is absent.",
];

/** Comment sentences with a typo the typo rule should catch. */
const SLIPPED_COMMENTS = [
  "We recieve the interrupt only after the reset completes.",
  "This is neccessary because the firmware may still be running.",
  "Keep the seperate counters in sync with the hardware.",
  "Report sucess only when every queue came up.",
  "If an error occured, undo what was set up so far.",
  "Wait for the the pending work to finish before freeing.",
];

/** One sentence; half of them slipped in the old mix (`slips` 1). */
function sentence(rng: Rng): string {
  return rng.slip(0.5) ? rng.pick(SLIPPED_COMMENTS) : rng.pick(COMMENTS);
}

export interface Chunk {
  /** Lines without diff prefix. */
  lines: string[];
}

/** Name helper: `acme_queue_init`. */
export function fnName(rng: Rng, sub: Subsystem): string {
  return `${sub.prefix}_${rng.pick(NOUNS)}_${rng.pick(VERBS)}`;
}

/** A comment at `indent`, one line or a block. */
export function comment(rng: Rng, indent: string): string[] {
  const text = sentence(rng);
  return rng.chance(0.5) ? [`${indent}/* ${text} */`] : [`${indent}/*`, `${indent} * ${text}`, `${indent} */`];
}

function kdoc(rng: Rng, name: string, params: string[]): string[] {
  const out = ["/**", ` * ${name}() - ${rng.pick(["set up", "tear down", "look up", "allocate"])} the ${rng.pick(NOUNS)}`];
  for (const p of params) out.push(` * @${p}: the ${rng.pick(NOUNS)} to ${rng.pick(["use", "update", "fill", "check"])}`);
  out.push(" *", ` * ${sentence(rng)}`, " *", " * Return: 0 on success or a negative error code.", " */");
  return out;
}

/** A probe-like function with an allocation and a goto ladder; sometimes a leak or a wrong code. */
function ladderFn(rng: Rng, sub: Subsystem): string[] {
  const name = fnName(rng, sub);
  const st = `${sub.prefix}_${rng.pick(NOUNS)}`;
  const field = rng.pick(FIELDS);
  const leak = rng.slip(0.15);
  const wrongCode = rng.slip(0.1);
  const out = [...(rng.chance(0.6) ? kdoc(rng, name, ["dev", "cfg"]) : [])];
  out.push(
    `int ${name}(struct device *dev, const struct ${st}_cfg *cfg)`,
    "{",
    `\tstruct ${st} *p;`,
    "\tint ret;",
    "",
    `\tp = kzalloc(sizeof(*p), GFP_KERNEL);`,
    "\tif (!p)",
    `\t\treturn ${wrongCode ? "-1" : "-ENOMEM"};`,
    "",
    ...comment(rng, "\t"),
    `\tp->${field} = cfg->${field};`,
    `\tret = ${sub.prefix}_hw_reset(dev, p->${field});`,
    "\tif (ret)",
    leak ? "\t\treturn ret;" : "\t\tgoto err_free;",
    "",
    `\tp->buf = kmalloc_array(cfg->${rng.pick(FIELDS)}, sizeof(u32), GFP_KERNEL);`,
    "\tif (!p->buf) {",
    "\t\tret = -ENOMEM;",
    "\t\tgoto err_free;",
    "\t}",
    "",
    `\tdev_set_drvdata(dev, p);`,
    "\treturn 0;",
    "",
    "err_free:",
    "\tkfree(p);",
    "\treturn ret;",
    "}",
  );
  return out;
}

/** A function taking a mutex; sometimes an error exit forgets to unlock. */
function lockFn(rng: Rng, sub: Subsystem): string[] {
  const name = fnName(rng, sub);
  const field = rng.pick(FIELDS);
  const forget = rng.slip(0.15);
  return [
    `static int ${name}(struct ${sub.prefix}_dev *d, unsigned int ${field})`,
    "{",
    "\tint ret = 0;",
    "",
    "\tmutex_lock(&d->lock);",
    ...comment(rng, "\t"),
    `\tif (${field} > d->max_${field}) {`,
    "\t\tret = -EINVAL;",
    forget ? "\t\treturn ret;" : "\t\tgoto out_unlock;",
    "\t}",
    `\td->${field} = ${field};`,
    `\td->${rng.pick(FIELDS)}++;`,
    "",
    "out_unlock:",
    "\tmutex_unlock(&d->lock);",
    "\treturn ret;",
    "}",
  ];
}

/** A teardown function; sometimes it only prints on a refcount bug (the warn rule). */
function teardownFn(rng: Rng, sub: Subsystem): string[] {
  const name = `${sub.prefix}_${rng.pick(NOUNS)}_release`;
  const bug = rng.slip(0.2);
  return [
    `void ${name}(struct ${sub.prefix}_obj *obj)`,
    "{",
    ...(bug ? ["\tif (!obj->refs) {", `\t\tpr_err("%s: released too often\\n", __func__);`, "\t\treturn;", "\t}"] : ["\tif (!obj)", "\t\treturn;"]),
    "\tobj->refs--;",
    "\tif (obj->refs == 0)",
    "\t\tkfree(obj);",
    "}",
  ];
}

/** A plain computation with a loop and a switch: bulk code without findings. */
function loopFn(rng: Rng, sub: Subsystem): string[] {
  const name = fnName(rng, sub);
  const n = rng.int(2, 6);
  const cases: string[] = [];
  for (let i = 0; i < n; i++) cases.push(`\t\tcase ${i}:`, `\t\t\tsum += e->${rng.pick(FIELDS)} << ${i};`, "\t\t\tbreak;");
  return [
    `static u32 ${name}(const struct ${sub.prefix}_table *t)`,
    "{",
    "\tu32 sum = 0;",
    "\tint i;",
    "",
    "\tfor (i = 0; i < t->nr; i++) {",
    `\t\tconst struct ${sub.prefix}_entry *e = &t->entries[i];`,
    "",
    "\t\tswitch (e->kind) {",
    ...cases,
    "\t\tdefault:",
    "\t\t\tbreak;",
    "\t\t}",
    "\t}",
    "\treturn sum;",
    "}",
  ];
}

const MAKERS = [ladderFn, ladderFn, lockFn, teardownFn, loopFn, loopFn];

/** About `target` lines of kernel-style C: a header block, then functions separated by blank lines. */
export function cSource(rng: Rng, sub: Subsystem, target: number): string[] {
  const out = ["// SPDX-License-Identifier: GPL-2.0", `#include <linux/slab.h>`, `#include "${sub.prefix}.h"`, ""];
  while (out.length < target) {
    out.push(...rng.pick(MAKERS)(rng, sub), "");
  }
  return out;
}

/** One function from the templates. */
export function cFunction(rng: Rng, sub: Subsystem): string[] {
  return rng.pick(MAKERS)(rng, sub);
}

/** `sentences` sentences of kernel prose on one line. */
export function prose(rng: Rng, sentences: number, sub?: Subsystem): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const s = sentence(rng);
    out.push(sub ? s.replace("We ", `The ${sub.prefix} driver `) : s);
  }
  return out.join(" ");
}

/** Prose broken at about 72 columns. */
export function wrap(text: string): string[] {
  const out: string[] = [];
  let line = "";
  for (const w of text.split(" ")) {
    if (line.length + w.length + 1 > 72) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

/** Commit-message prose, wrapped at about 72 columns; typos now and then. */
export function commitProse(rng: Rng, sub: Subsystem, sentences: number): string[] {
  return wrap(prose(rng, sentences, sub));
}
