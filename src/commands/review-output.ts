import { once } from "node:events";
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { LkreviewError, describeError } from "../errors.js";
import type { Finding, Review, ReviewError, ReviewRun } from "../model.js";
import type { ReviewedPatch } from "../pipeline.js";
import { toEml, toMbox } from "../report/lkml/mbox.js";
import { toSarif } from "../report/sarif.js";
import { tallyLine, terseBlock } from "../report/terse.js";
import type { TerseTally } from "../report/terse.js";
import { RULES } from "../../rules/index.js";
import type { CommandIo } from "./io.js";

/**
 * The output of `lkreview review`, written as reviews come out of the
 * pipeline: replies (mbox, or one .eml each under --out) and terse lines go
 * out at once; JSON and SARIF are one document, so they keep the small Review
 * objects (never the parsed patches) until the end.
 */
export interface ReviewSink {
  add(r: ReviewedPatch): Promise<void>;
  end(errors: readonly ReviewError[]): Promise<void>;
}

/** The JSON document: reviews with findings cut to their public fields, and the error lines. */
export function reviewRunJson(reviews: readonly Review[], errors: readonly ReviewError[]): ReviewRun {
  const strip = (f: Finding) => ({
    rule: f.rule,
    class: f.class,
    severity: f.severity,
    file: f.file,
    line: f.line,
    endLine: f.endLine,
    message: f.message,
    source: f.source,
    ...(f.tags.length > 0 ? { tags: f.tags } : {}),
  });
  return {
    reviews: reviews.map((r) => ({ ...r, findings: r.findings.map(strip) as Finding[] })),
    errors: [...errors],
  };
}

/** Writes, waiting for the stream to drain when it asks to (a slow pipe must not make us buffer the run). */
async function put(out: CommandIo["stdout"], text: string): Promise<void> {
  const ok = out.write(text);
  if (ok === false && typeof (out as Partial<NodeJS.WritableStream>).once === "function") {
    await once(out as NodeJS.WritableStream, "drain");
  }
}

/** The sink for `--format` (and `--out`); throws LkreviewError at once when `--out` cannot be used. */
export function reviewSink(format: string, outDir: string | undefined, io: CommandIo): ReviewSink {
  if (outDir && format === "mbox") return emlSink(outDir, io);
  switch (format) {
    case "json":
    case "sarif": {
      const reviews: Review[] = [];
      return {
        add: async (r) => {
          reviews.push(r.review);
        },
        end: async (errors) => {
          const doc = format === "json" ? reviewRunJson(reviews, errors) : toSarif(reviews, RULES);
          await put(io.stdout, `${JSON.stringify(doc, null, 2)}\n`);
        },
      };
    }
    case "terse": {
      const tally: TerseTally = { error: 0, warning: 0, note: 0 };
      return {
        add: async (r) => {
          for (const f of r.review.findings) tally[f.severity]++;
          const text = terseBlock(r.review);
          if (text) await put(io.stdout, text);
        },
        // The tally from counts: the findings themselves are gone by now.
        end: async () => put(io.stdout, `${tallyLine(tally)}\n`),
      };
    }
    default:
      return {
        add: async (r) => {
          if (r.composed) await put(io.stdout, toMbox([r.composed]));
        },
        end: async () => undefined,
      };
  }
}

/** `ENOENT: no such file or directory` from a Node fs error, without the repeated path. */
function fsReason(err: unknown): string {
  const text = describeError(err);
  const cut = text.indexOf(", ");
  return cut > 0 ? text.slice(0, cut) : text;
}

function errno(err: unknown): string | undefined {
  return err instanceof Error && "code" in err && typeof err.code === "string" ? err.code : undefined;
}

/**
 * Makes sure `--out` names a writable directory, creating it and its missing
 * parents, before any patch is reviewed, and fails with one line naming the
 * directory and the fault otherwise.
 *
 * Not `mkdir(dir, { recursive: true })`: on Node 20 it never returns for a
 * path under /proc (mkdir answers ENOENT although the parent exists, and the
 * recursive walk retries forever), so this walks the path itself, one plain
 * mkdir per missing level.
 */
export function prepareOutDir(outDir: string): void {
  const fail = (why: string, cause?: unknown): LkreviewError => new LkreviewError("IO", outDir, `--out: ${why}`, cause === undefined ? undefined : { cause });
  const missing: string[] = [];
  let dir = resolve(outDir);
  for (;;) {
    let st;
    try {
      st = statSync(dir);
    } catch (err) {
      const parent = dirname(dir);
      // ENOTDIR: some level above is a file; walk up to name it.
      const code = errno(err);
      if ((code !== "ENOENT" && code !== "ENOTDIR") || parent === dir) throw fail(`cannot look at ${dir} (${fsReason(err)})`, err);
      missing.unshift(dir);
      dir = parent;
      continue;
    }
    if (!st.isDirectory()) throw fail(missing.length === 0 ? "is a file, not a directory" : `${dir} is not a directory`);
    break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (err) {
      // Another process may have made it meanwhile; a directory is all we need.
      if (errno(err) === "EEXIST" && statSync(level, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw fail(`cannot create ${level === resolve(outDir) ? "the directory" : level} (${fsReason(err)})`, err);
    }
  }
  try {
    // W_OK also answers EROFS for a read-only mount, which permission bits do not show.
    accessSync(outDir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw fail(`the directory is not writable (${fsReason(err)})`, err);
  }
}

function emlSink(outDir: string, io: CommandIo): ReviewSink {
  prepareOutDir(outDir);
  let count = 0;
  const fail = (err: unknown): LkreviewError => new LkreviewError("IO", outDir, `cannot write replies: ${describeError(err)}`, { cause: err });
  return {
    add: async (r) => {
      if (!r.composed) return;
      const name = r.composed.messageId.replace(/[<>]/g, "").replace(/[^A-Za-z0-9._-]/g, "_");
      try {
        await writeFile(join(outDir, `${name}.eml`), toEml(r.composed));
      } catch (err) {
        throw fail(err);
      }
      count++;
    },
    end: async () => {
      io.stderr.write(`lkreview: wrote ${count} ${count === 1 ? "reply" : "replies"} to ${outDir}\n`);
    },
  };
}
