import { once } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LkreviewError, describeError } from "../errors.js";
import type { Finding, Review, ReviewError, ReviewRun, Severity } from "../model.js";
import type { ReviewedPatch } from "../pipeline.js";
import { toEml, toMbox } from "../report/lkml/mbox.js";
import { toSarif } from "../report/sarif.js";
import { terseLine } from "../report/terse.js";
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
      const tally: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
      return {
        add: async (r) => {
          let text = "";
          for (const f of r.review.findings) {
            tally[f.severity]++;
            text += `${terseLine(f)}\n`;
          }
          if (text) await put(io.stdout, text);
        },
        // Same closing line as terseTally(), from counts: the findings themselves are gone by now.
        end: async () => put(io.stdout, `total: ${tally.error} errors, ${tally.warning} warnings, ${tally.note} notes\n`),
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

function emlSink(outDir: string, io: CommandIo): ReviewSink {
  let count = 0;
  let made = false;
  const fail = (err: unknown): LkreviewError => new LkreviewError("IO", outDir, `cannot write replies: ${describeError(err)}`, { cause: err });
  return {
    add: async (r) => {
      try {
        if (!made) {
          await mkdir(outDir, { recursive: true });
          made = true;
        }
        if (!r.composed) return;
        const name = r.composed.messageId.replace(/[<>]/g, "").replace(/[^A-Za-z0-9._-]/g, "_");
        await writeFile(join(outDir, `${name}.eml`), toEml(r.composed));
        count++;
      } catch (err) {
        throw fail(err);
      }
    },
    end: async () => {
      try {
        await mkdir(outDir, { recursive: true });
      } catch (err) {
        throw fail(err);
      }
      io.stderr.write(`lkreview: wrote ${count} ${count === 1 ? "reply" : "replies"} to ${outDir}\n`);
    },
  };
}
