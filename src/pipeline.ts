import type { Config } from "./config.js";
import { describeError } from "./errors.js";
import { isIngestFailure } from "./ingest/item.js";
import type { IngestItem } from "./ingest/item.js";
import type { Finding, Mail, Patch, Review, ReviewError, Series } from "./model.js";
import { analysePatch } from "./analyse/analyse.js";
import type { AnalyseDeps, ModelReviewer } from "./analyse/analyse.js";
import { parseMail } from "./parse/mime.js";
import { classifyMail } from "./parse/patch.js";
import { groupSeries } from "./parse/series.js";
import { composeReply } from "./report/lkml/compose.js";
import type { ComposedReply } from "./report/lkml/compose.js";
import { VERSION } from "./version.js";

/**
 * ingest -> parse -> analyse -> report for a batch of messages: every patch
 * and cover letter is reviewed, replies are composed, and every message that
 * could not be read or parsed becomes one line in `errors` while the rest of
 * the batch goes on.
 */

export interface ReviewedPatch {
  patch: Patch;
  series: Series | null;
  review: Review;
  /** Everything found, including doubtful, suppressed and pre-existing findings. */
  all: Finding[];
  composed: ComposedReply | null;
}

export interface BatchResult {
  reviewed: ReviewedPatch[];
  errors: ReviewError[];
  /** Messages skipped as replies or non-patch mail, with the reason. */
  skipped: { source: string; messageId: string; reason: string }[];
}

export interface BatchDeps {
  config: Config;
  model?: ModelReviewer | null;
  isSuppressed?: AnalyseDeps["isSuppressed"];
  /** Sending time written into replies; fixed in tests. */
  now?: () => Date;
}

interface Classified {
  mail: Mail;
  patch: Patch;
  cover: boolean;
}

/** Parses and classifies every item; failures go to `errors`. */
async function collect(items: AsyncIterable<IngestItem>, config: Config, result: BatchResult): Promise<Classified[]> {
  const out: Classified[] = [];
  for await (const item of items) {
    if (isIngestFailure(item)) {
      result.errors.push({ source: item.source, message: describeError(item.error) });
      continue;
    }
    let mail: Mail;
    try {
      mail = await parseMail(item, config.limits);
    } catch (err) {
      result.errors.push({ source: item.source, message: describeError(err) });
      continue;
    }
    try {
      const c = classifyMail(mail);
      if ((c.kind === "patch" || c.kind === "cover") && c.patch) {
        out.push({ mail, patch: c.patch, cover: c.kind === "cover" });
      } else if (c.kind === "other" && c.subject.isPatch && !c.subject.isReply) {
        // Tagged as a patch but unusable: that is worth one error line.
        result.errors.push({ source: mail.messageId, message: `${mail.messageId}: ${c.reason}` });
      } else {
        result.skipped.push({ source: item.source, messageId: mail.messageId, reason: c.reason });
      }
    } catch (err) {
      result.errors.push({ source: mail.messageId, message: describeError(err) });
    }
  }
  return out;
}

export async function reviewBatch(items: AsyncIterable<IngestItem>, deps: BatchDeps): Promise<BatchResult> {
  const result: BatchResult = { reviewed: [], errors: [], skipped: [] };
  const classified = await collect(items, deps.config, result);
  const seriesList = groupSeries(classified.map((c) => c.patch));
  const seriesOf = new Map<Patch, Series>();
  for (const s of seriesList) {
    for (const p of s.patches) seriesOf.set(p, s);
  }
  for (const c of classified) {
    const series = seriesOf.get(c.patch) ?? null;
    try {
      result.reviewed.push(await reviewOne(c, series, deps));
    } catch (err) {
      result.errors.push({ source: c.mail.messageId, message: `${c.mail.messageId}: ${describeError(err)}` });
    }
  }
  return result;
}

async function reviewOne(c: Classified, series: Series | null, deps: BatchDeps): Promise<ReviewedPatch> {
  const analyseDeps: AnalyseDeps = { config: deps.config, coverLetter: c.cover };
  if (deps.model) analyseDeps.model = deps.model;
  if (deps.isSuppressed) analyseDeps.isSuppressed = deps.isSuppressed;
  const analysis = await analysePatch(c.patch, series, analyseDeps);
  const composed = composeReply(c.patch, analysis.reportable, {
    from: deps.config.from,
    signature: deps.config.signature,
    version: VERSION,
    date: deps.now ? deps.now() : new Date(),
  });
  const s = c.patch.subject;
  const review: Review = {
    messageId: c.mail.messageId,
    subject: c.mail.subject,
    series: { version: s.version, index: s.index, total: s.total },
    findings: analysis.findings,
    reply: composed ? composed.raw : null,
  };
  if (analysis.usage) review.usage = analysis.usage;
  return { patch: c.patch, series, review, all: analysis.findings, composed };
}
