import { FIELDS, cFunction, comment, prose, wrap } from "./kernel-text.js";
import type { Rng } from "./kernel-text.js";
import type { Subsystem } from "./kernel-text.js";

/**
 * The shapes of the file diffs the benchmark generator writes. Real list
 * traffic is mostly edits to existing code: a few changed lines in a window
 * of context, now and then a deleted line, plus Kconfig, Makefile, header
 * and documentation changes beside the C. Measured over the real patches
 * we compare against, about half of all diff lines are added, a tenth
 * deleted and the rest context, and about 70% of the diff bytes are C; the
 * mix below is tuned to land near those figures (bench/README.md).
 */

/** One change to an old file: at old line `at` (0-based), `del` lines go and `add` lines take their place. */
export interface Edit {
  at: number;
  del: number;
  add: string[];
}

export interface FileDiffText {
  path: string;
  /** `diff --git` through the last hunk line, prefixes included. */
  lines: string[];
  added: number;
  deleted: number;
}

const CONTEXT = 3;

/** What git shows after `@@` for a C file: the last line above the hunk that starts like a definition. */
function functionContext(old: readonly string[], before: number): string {
  for (let i = before - 1; i >= 0; i--) {
    const l = old[i] ?? "";
    if (/^[A-Za-z_]/.test(l) && l.includes("(")) return ` ${l}`;
  }
  return "";
}

/** The unified diff of applying `edits` (sorted, not overlapping) to `old`, hunks merged where their context meets. */
export function editDiff(path: string, old: readonly string[], edits: readonly Edit[]): FileDiffText {
  const lines = [`diff --git a/${path} b/${path}`, "index 5d6e7f8..9a8b7c6 100644", `--- a/${path}`, `+++ b/${path}`];
  let added = 0;
  let deleted = 0;
  let shift = 0;
  let i = 0;
  while (i < edits.length) {
    let j = i;
    while (j + 1 < edits.length && (edits[j + 1] as Edit).at - ((edits[j] as Edit).at + (edits[j] as Edit).del) <= 2 * CONTEXT) j++;
    const first = edits[i] as Edit;
    const last = edits[j] as Edit;
    const from = Math.max(0, first.at - CONTEXT);
    const to = Math.min(old.length, last.at + last.del + CONTEXT);
    const body: string[] = [];
    let oldLen = 0;
    let newLen = 0;
    let k = i;
    for (let n = from; n < to || (k <= j && (edits[k] as Edit).at === n);) {
      const e = k <= j ? (edits[k] as Edit) : undefined;
      if (e?.at === n) {
        for (let d = 0; d < e.del; d++) body.push(`-${old[n + d] ?? ""}`);
        for (const a of e.add) body.push(`+${a}`);
        oldLen += e.del;
        newLen += e.add.length;
        added += e.add.length;
        deleted += e.del;
        n += e.del;
        k++;
        continue;
      }
      body.push(` ${old[n] ?? ""}`);
      oldLen++;
      newLen++;
      n++;
    }
    lines.push(`@@ -${from + 1},${oldLen} +${from + 1 + shift},${newLen} @@${functionContext(old, from)}`, ...body);
    for (let m = i; m <= j; m++) shift += (edits[m] as Edit).add.length - (edits[m] as Edit).del;
    i = j + 1;
  }
  return { path, lines, added, deleted };
}

/** A file the patch creates. */
export function newFileDiff(path: string, content: readonly string[]): FileDiffText {
  const lines = [`diff --git a/${path} b/${path}`, "new file mode 100644", "index 0000000..1a2b3c4", "--- /dev/null", `+++ b/${path}`];
  lines.push(`@@ -0,0 +1,${content.length} @@`, ...content.map((l) => `+${l}`));
  return { path, lines, added: content.length, deleted: 0 };
}

/** Lines of an old C file a one-line change can sensibly touch: statements, not braces or blanks. */
function statementLines(old: readonly string[]): number[] {
  const out: number[] = [];
  old.forEach((l, i) => {
    if (/^\t+[a-z_(*]/.test(l) && !/^\t+(case|default)\b/.test(l) && !l.includes("/*")) out.push(i);
  });
  return out;
}

/** The same statement, changed the way small fixes change a line: another field, another constant, another flag. */
function tweak(rng: Rng, line: string): string {
  const field = FIELDS.find((f) => new RegExp(`\\b${f}\\b`).test(line));
  if (field) return line.replace(new RegExp(`\\b${field}\\b`), rng.pick(FIELDS.filter((f) => f !== field)));
  if (line.includes("GFP_KERNEL")) return line.replace("GFP_KERNEL", "GFP_ATOMIC");
  if (/\d/.test(line)) return line.replace(/\d+/, (d) => String(Number(d) + rng.int(1, 7)));
  return line.replace(/;$/, ` /* ${rng.pick(["checked by the caller", "see above", "paired below"])} */;`);
}

/** A few statements a fix adds after `line`, indented like it. */
function insertion(rng: Rng, sub: Subsystem, line: string): string[] {
  const ind = /^\t*/.exec(line)?.[0] ?? "\t";
  const f = rng.pick(FIELDS);
  switch (rng.int(0, 4)) {
    case 0:
      return [`${ind}if (!d->${f})`, `${ind}\treturn -EINVAL;`];
    case 1:
      return [`${ind}dev_dbg(dev, "${f} now %u\\n", d->${f});`];
    case 2:
      return comment(rng, ind);
    case 3:
      return [
        `${ind}ret = ${sub.prefix}_sync_${f}(d);`,
        `${ind}if (ret) {`,
        `${ind}\tdev_err(dev, "sync of ${f} failed: %d\\n", ret);`,
        `${ind}\tgoto out;`,
        `${ind}}`,
      ];
    default:
      return [`${ind}WRITE_ONCE(d->${f}, 0);`, ""];
  }
}

/**
 * A C file the patch edits: `sites` places changed by a line or a few
 * (replaced, inserted or deleted), and `newFns` whole functions added
 * between existing ones, as a feature patch does.
 */
export function editedCFile(rng: Rng, sub: Subsystem, path: string, old: readonly string[], sites: number, newFns: number): FileDiffText {
  const stmts = statementLines(old);
  const ends = old.flatMap((l, i) => (l === "}" && old[i + 1] === "" ? [i + 2] : []));
  const edits: Edit[] = [];
  const taken = new Set<number>();
  const place = (e: Edit): void => {
    for (let n = e.at - 1; n <= e.at + e.del; n++) if (taken.has(n)) return;
    for (let n = e.at - 1; n <= e.at + e.del; n++) taken.add(n);
    edits.push(e);
  };
  for (let s = 0; s < sites && stmts.length > 0; s++) {
    const at = rng.pick(stmts);
    const line = old[at] ?? "";
    const kind = rng.next();
    if (kind < 0.35) place({ at, del: 1, add: [tweak(rng, line)] });
    else if (kind < 0.65) place({ at: at + 1, del: 0, add: insertion(rng, sub, line) });
    else if (kind < 0.8) place({ at, del: rng.int(1, 2), add: [] });
    else {
      // A statement or two rewritten: the old lines go, changed ones and a new check come in.
      const del = Math.min(rng.int(2, 4), old.length - at);
      const kept = old.slice(at, at + del).map((l) => (l.startsWith("\t") ? tweak(rng, l) : l));
      place({ at, del, add: [...kept.slice(0, rng.int(1, del)), ...insertion(rng, sub, line)] });
    }
  }
  for (let s = 0; s < newFns && ends.length > 0; s++) place({ at: rng.pick(ends), del: 0, add: [...cFunction(rng, sub), ""] });
  edits.sort((a, b) => a.at - b.at);
  return editDiff(path, old, edits);
}

/** A header the patch edits: prototypes for what the C side adds. */
export function editedHeader(rng: Rng, sub: Subsystem, path: string): FileDiffText {
  const guard = `_${sub.prefix.toUpperCase()}_H`;
  const old = [`/* SPDX-License-Identifier: GPL-2.0 */`, `#ifndef ${guard}`, `#define ${guard}`, "", `struct ${sub.prefix}_dev;`, ""];
  for (let i = 0; i < 6; i++) old.push(`int ${sub.prefix}_${rng.pick(FIELDS)}_get(struct ${sub.prefix}_dev *d);`);
  old.push("", `#endif /* ${guard} */`);
  const add = Array.from({ length: rng.int(1, 3) }, () => `int ${sub.prefix}_${rng.pick(FIELDS)}_set(struct ${sub.prefix}_dev *d, u32 val);`);
  return editDiff(path, old, [{ at: old.length - 2, del: 0, add }]);
}

/** Kconfig and Makefile entries for a new driver or option. */
export function buildGlue(rng: Rng, sub: Subsystem, name: string): FileDiffText[] {
  const sym = `${sub.prefix}_${name}`.toUpperCase();
  const kOld = ["config ACME_BASE", '\ttristate "Base support"', "\tdepends on HAS_IOMEM", "\thelp", "\t  Say Y here to build the base support.", ""];
  const kAdd = [`config ${sym}`, `\ttristate "${name} support"`, `\tdepends on ${sub.prefix.toUpperCase()}_CORE`, "\thelp", `\t  ${prose(rng, 1)}`, ""];
  const mOld = ["# SPDX-License-Identifier: GPL-2.0", "obj-$(CONFIG_ACME_BASE) += base.o", "obj-$(CONFIG_ACME_EXTRA) += extra.o"];
  return [
    editDiff(`${sub.dir}/Kconfig`, kOld, [{ at: kOld.length, del: 0, add: kAdd }]),
    editDiff(`${sub.dir}/Makefile`, mOld, [{ at: mOld.length, del: 0, add: [`obj-$(CONFIG_${sym}) += ${sub.prefix}_${name}.o`] }]),
  ];
}

/** A documentation page the patch updates: a paragraph rewritten, another added. */
export function editedDoc(rng: Rng, sub: Subsystem): FileDiffText {
  const old = [sub.tag, "=".repeat(sub.tag.length), ""];
  for (let p = 0; p < 8; p++) old.push(...wrap(prose(rng, 3)), "");
  const para = 3 + rng.int(0, 3) * 4;
  return editDiff(`Documentation/${sub.prefix}.rst`, old, [
    { at: para, del: 2, add: wrap(prose(rng, 2)) },
    { at: para + 8, del: 3, add: wrap(prose(rng, 3)) },
    { at: old.length - 1, del: 0, add: ["", ...wrap(prose(rng, rng.int(2, 8)))] },
  ]);
}
