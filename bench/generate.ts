import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { buildGlue, editedCFile, editedDoc, editedHeader, newFileDiff } from "./diff-shapes.js";
import type { FileDiffText } from "./diff-shapes.js";
import { Rng, SUBSYSTEMS, cSource, commitProse } from "./kernel-text.js";
import type { Subsystem } from "./kernel-text.js";

/**
 * `node dist/bench/generate.js --mb 50 OUT.mbox [--seed N]`: writes a
 * realistic list archive for the throughput benchmark. The mix: mostly small
 * one-file fixes, a good share of medium multi-file changes, series of 2-6
 * parts with a cover letter (their parts interleaved with other mail), review
 * replies, and now and then a huge patch (10,000-20,000 lines). All text comes
 * from the templates in kernel-text.ts; nothing is copied from a real tree.
 */

export interface GenerateOptions {
  /** Stop once this many bytes are written (the last message may pass it). */
  bytes: number;
  seed?: number;
  /** Chance that a post is a huge patch; default 0.004. One huge patch is always included from 4 MB up. */
  hugeRate?: number;
  /** How often authors slip (typos, bugs), as a factor on the templates' chances; default DEFAULT_SLIPS, 1 for the old mix. */
  slips?: number;
}

/**
 * Typos and bugs at this factor on the templates' chances give about one
 * patch in five a reply, as in the real livepatch and modules patches we
 * measure accuracy on (8 of 44), which were picked for their review
 * comments: a whole list has fewer. At 1 (the mix until November 2026)
 * half of all comment sentences were misspelled and 96% of the patches drew
 * a reply, so the benchmark timed composing replies more than reviewing.
 */
export const DEFAULT_SLIPS = 0.04;

export interface CorpusStats {
  messages: number;
  /** Patch mails (cover letters and replies not counted). */
  patches: number;
  bytes: number;
  /** Diff lines of the largest patch. */
  largestPatchLines: number;
}

const AUTHORS = [
  ["Jane Developer", "jane@example.org"],
  ["Mei Lin", "mei.lin@example.com"],
  ["Rui Okafor", "rui.okafor@example.org"],
  ["Tomas Berg", "tberg@example.net"],
  ["Ana Ruiz", "ana.ruiz@example.com"],
  ["Kofi Mensah", "kofi@example.org"],
] as const;

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

interface Post {
  messages: string[];
  patches: number;
  largest: number;
}

/** Everything a generator run shares: the random source and a clock for Date and Message-ID. */
class Writer {
  private serial = 0;
  private minutes = 0;

  constructor(readonly rng: Rng) {}

  nextId(author: string): string {
    this.serial++;
    return `<20250301${String(this.serial).padStart(9, "0")}.${this.serial % 9973}-${author}>`;
  }

  date(): string {
    this.minutes += this.rng.int(1, 9);
    const d = Math.floor(this.minutes / 1440);
    const h = Math.floor((this.minutes % 1440) / 60);
    const m = this.minutes % 60;
    const p2 = (n: number): string => String(n).padStart(2, "0");
    return `${DAYS[d % 7] ?? "Mon"}, ${1 + (d % 28)} Mar 2025 ${p2(h)}:${p2(m)}:${p2(this.serial % 60)} +0100`;
  }
}

function envelope(w: Writer, author: readonly [string, string], subject: string, id: string, parent: string | null, root: string | null): string[] {
  const lines = ["From git@z Thu Jan  1 00:00:00 1970", `From: ${author[0]} <${author[1]}>`, `Date: ${w.date()}`, `Subject: ${subject}`, `Message-ID: ${id}`];
  if (parent) lines.push(`In-Reply-To: ${parent}`, `References: ${root && root !== parent ? `${root} ` : ""}${parent}`);
  lines.push("To: linux-kernel@vger.kernel.org", "Cc: Some Maintainer <maint@example.com>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8", "");
  return lines;
}

/** Finishes an mbox message: mboxrd escaping of `From ` lines in the body, and the blank separator line. */
function toMessage(head: string[], body: string[]): string {
  const escaped = body.map((l) => (/^>*From /.test(l) ? `>${l}` : l));
  return `${head.join("\n")}\n${escaped.join("\n")}\n\n`;
}

/** The path of the `f`-th C file of a subsystem. */
function cPath(sub: Subsystem, f: number): string {
  return `${sub.dir}/${sub.prefix}_${["core", "main", "hw", "dev", "irq"][f] ?? `part${f}`}.c`;
}

/**
 * The files of one patch of about `target` diff lines. Small patches are
 * fixes (a few changed lines in one or two files, now and then a header or
 * a doc page), medium ones features (edits plus new functions over several
 * files, sometimes a new file with its Kconfig and Makefile entries), huge
 * ones new drivers (new files).
 */
function patchFiles(rng: Rng, sub: Subsystem, target: number): FileDiffText[] {
  const out: FileDiffText[] = [];
  if (target >= 5_000) {
    const files = rng.int(2, 5);
    for (let f = 0; f < files; f++) out.push(newFileDiff(cPath(sub, f), cSource(rng, sub, Math.floor(target / files))));
    out.push(...buildGlue(rng, sub, "drv"));
    return out;
  }
  const medium = target > 200;
  const files = medium ? rng.int(2, 5) : rng.chance(0.25) ? 2 : 1;
  // Lines of new functions each file gets: a fix adds little, a feature most of its size.
  const perFile = medium ? (0.3 * target) / files : rng.chance(0.3) ? target / 2 : 0;
  for (let f = 0; f < files; f++) {
    const newFns = Math.round(perFile / 24);
    if (medium && f === files - 1 && rng.chance(0.3)) {
      out.push(newFileDiff(cPath(sub, f), cSource(rng, sub, Math.max(12, Math.floor(perFile)))));
      out.push(...buildGlue(rng, sub, `part${f}`));
      continue;
    }
    const old = cSource(rng, sub, rng.int(80, 600));
    out.push(editedCFile(rng, sub, cPath(sub, f), old, medium ? rng.int(3, 10) : rng.int(1, 3), newFns));
  }
  if (rng.chance(medium ? 0.5 : 0.15)) out.push(editedHeader(rng, sub, `${sub.dir}/${sub.prefix}.h`));
  if (rng.chance(medium ? 0.6 : 0.2)) out.push(editedDoc(rng, sub));
  return out;
}

/** A patch's diff, its diffstat and its size in hunk lines. */
function diffOf(rng: Rng, sub: Subsystem, target: number): { lines: string[]; stat: string[]; count: number } {
  const files = patchFiles(rng, sub, target);
  const lines: string[] = [];
  const stat: string[] = [];
  let count = 0;
  let added = 0;
  let deleted = 0;
  for (const f of files) {
    lines.push(...f.lines);
    const changed = f.added + f.deleted;
    const bar = Math.min(40, changed);
    const plus = changed === 0 ? 0 : Math.round((bar * f.added) / changed);
    stat.push(` ${f.path} | ${changed} ${"+".repeat(plus)}${"-".repeat(bar - plus)}`);
    count += f.lines.filter((l) => /^[-+ ]/.test(l) && !/^(---|\+\+\+) /.test(l)).length;
    added += f.added;
    deleted += f.deleted;
  }
  const n = files.length;
  stat.push(` ${n} file${n === 1 ? "" : "s"} changed, ${added} insertions(+)${deleted > 0 ? `, ${deleted} deletions(-)` : ""}`);
  return { lines, stat, count };
}

function patchMessage(
  w: Writer,
  o: { sub: Subsystem; author: readonly [string, string]; tag: string; id: string; parent: string | null; root: string | null; size: number },
): { text: string; lines: number } {
  const { rng } = w;
  const title = `${o.sub.tag}: ${rng.pick(["Fix", "Add", "Rework", "Clean up", "Handle"])} ${rng.pick(["queue", "reset", "probe", "teardown", "buffer"])} ${rng.pick(["handling", "setup", "error path", "locking"])}`;
  const diff = diffOf(rng, o.sub, o.size);
  const body = [
    ...commitProse(rng, o.sub, rng.int(2, 6)),
    "",
    `Signed-off-by: ${o.author[0]} <${o.author[1]}>`,
    "---",
    ...diff.stat,
    "",
    ...diff.lines,
    "-- ",
    "2.47.1",
  ];
  return { text: toMessage(envelope(w, o.author, `${o.tag} ${title}`, o.id, o.parent, o.root), body), lines: diff.count };
}

function sizeFor(rng: Rng, hugeRate: number, forceHuge: boolean): number {
  if (forceHuge || rng.chance(hugeRate)) return rng.int(10_000, 20_000);
  return rng.chance(0.72) ? rng.int(15, 120) : rng.int(250, 1_500);
}

/** One post: a lone patch, a series with cover letter, or a review reply. */
function makePost(w: Writer, hugeRate: number, forceHuge: boolean): Post {
  const { rng } = w;
  const sub = rng.pick(SUBSYSTEMS);
  const author = rng.pick(AUTHORS);
  const version = rng.chance(0.3) ? rng.int(2, 5) : 1;
  const vTag = version > 1 ? ` v${version}` : "";
  if (!forceHuge && rng.chance(0.12)) {
    const id = w.nextId(author[1]);
    const parent = w.nextId(rng.pick(AUTHORS)[1]);
    const body = [
      `On ${w.date()}, ${author[0]} wrote:`,
      "> +\tp = kzalloc(sizeof(*p), GFP_KERNEL);",
      "> +\tif (!p)",
      "",
      "Looks fine to me.",
      "",
      `Reviewed-by: ${author[0]} <${author[1]}>`,
    ];
    return {
      messages: [toMessage(envelope(w, author, `Re: [PATCH${vTag}] ${sub.tag}: Rework the queue setup`, id, parent, parent), body)],
      patches: 0,
      largest: 0,
    };
  }
  if (!forceHuge && rng.chance(0.2)) {
    const total = rng.int(2, 6);
    const cover = w.nextId(author[1]);
    const head = envelope(w, author, `[PATCH${vTag} 0/${total}] ${sub.tag}: Rework the error paths`, cover, null, null);
    const messages = [toMessage(head, [...commitProse(rng, sub, 4), "", `${author[0]} (${total}):`, "  the parts", "", "-- ", "2.47.1"])];
    let largest = 0;
    for (let i = 1; i <= total; i++) {
      const m = patchMessage(w, {
        sub,
        author,
        tag: `[PATCH${vTag} ${i}/${total}]`,
        id: w.nextId(author[1]),
        parent: cover,
        root: cover,
        size: sizeFor(rng, 0, false),
      });
      messages.push(m.text);
      largest = Math.max(largest, m.lines);
    }
    return { messages, patches: total, largest };
  }
  const m = patchMessage(w, { sub, author, tag: `[PATCH${vTag}]`, id: w.nextId(author[1]), parent: null, root: null, size: sizeFor(rng, hugeRate, forceHuge) });
  return { messages: [m.text], patches: 1, largest: m.lines };
}

/**
 * Yields mbox messages (each ends with its blank separator line) until about
 * `opts.bytes` are out; `stats` is filled as it goes. Up to three posts are
 * open at a time and their messages interleave, as on a busy list.
 */
export function* generateMessages(opts: GenerateOptions, stats: CorpusStats): Generator<string> {
  const w = new Writer(new Rng(opts.seed ?? 1, opts.slips ?? DEFAULT_SLIPS));
  const hugeRate = opts.hugeRate ?? 0.004;
  let hugeAt = opts.bytes >= 4 * 1024 * 1024 ? Math.floor(opts.bytes / 3) : Infinity;
  const open: string[][] = [];
  while (stats.bytes < opts.bytes || open.length > 0) {
    if (stats.bytes < opts.bytes && (open.length === 0 || (open.length < 3 && w.rng.chance(0.35)))) {
      const force = stats.bytes >= hugeAt;
      if (force) hugeAt = Infinity;
      const post = makePost(w, hugeRate, force);
      stats.patches += post.patches;
      stats.largestPatchLines = Math.max(stats.largestPatchLines, post.largest);
      open.push(post.messages);
    }
    const i = w.rng.int(0, open.length - 1);
    const list = open[i] as string[];
    const msg = list.shift() as string;
    if (list.length === 0) open.splice(i, 1);
    stats.messages++;
    stats.bytes += Buffer.byteLength(msg);
    yield msg;
  }
}

/** Writes the corpus to `path`, respecting the stream's back-pressure (a 1 GB file never sits in memory). */
export async function writeCorpus(path: string, opts: GenerateOptions): Promise<CorpusStats> {
  const stats: CorpusStats = { messages: 0, patches: 0, bytes: 0, largestPatchLines: 0 };
  const out = createWriteStream(path);
  const failed = once(out, "error").then(([err]) => {
    throw err;
  });
  failed.catch(() => undefined);
  let batch = "";
  for (const msg of generateMessages(opts, stats)) {
    batch += msg;
    if (batch.length < 1 << 20) continue;
    if (!out.write(batch)) await Promise.race([once(out, "drain"), failed]);
    batch = "";
  }
  out.end(batch);
  await Promise.race([once(out, "finish"), failed]);
  return stats;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { mb: { type: "string" }, seed: { type: "string" }, slips: { type: "string" } },
  });
  const mb = Number(values.mb ?? "10");
  const slips = Number(values.slips ?? DEFAULT_SLIPS);
  const out = positionals[0];
  if (!out || !(mb > 0) || !(slips >= 0)) {
    process.stderr.write("usage: node dist/bench/generate.js --mb N [--seed S] [--slips F] OUT.mbox\n");
    return 2;
  }
  const stats = await writeCorpus(out, { bytes: Math.round(mb * 1024 * 1024), seed: Number(values.seed ?? "1"), slips });
  process.stdout.write(
    `wrote ${out}: ${(stats.bytes / 1048576).toFixed(1)} MB, ${stats.messages} messages, ${stats.patches} patches, largest patch ${stats.largestPatchLines} lines\n`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`generate: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
