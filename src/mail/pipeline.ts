import { analysePatch } from "../analyse/analyse.js";
import type { ModelReviewer } from "../analyse/analyse.js";
import type { Rule } from "../analyse/rule-api.js";
import type { Config } from "../config.js";
import { describeError, LkreviewError } from "../errors.js";
import type { ImapMessage } from "../ingest/imap.js";
import type { Mail, Patch, Series } from "../model.js";
import { parseMail } from "../parse/mime.js";
import { classifyMail } from "../parse/patch.js";
import { observeReply } from "../etiquette/inbound.js";
import { authorMutedBy, resolvePolicy } from "../etiquette/policy.js";
import { releaseHeld, replyStep } from "../etiquette/reply-step.js";
import type { ReplyDeps } from "../etiquette/reply-step.js";
import type { Store } from "../store/store.js";
import type { DeliverMode } from "./deliver.js";
import { bareAddress, excludedMail, makeSelector } from "./select.js";
import { SeriesCollector } from "./series-collector.js";

export interface PipelineDeps {
  config: Config;
  store: Store;
  mode: DeliverMode;
  log: (line: string) => void;
  /** Where dry-run replies are printed (stdout of the command). */
  print?: (text: string) => void;
  /** Rules to run; default the registry (tests pass a tiny rule of their own). */
  rules?: readonly Rule[];
  model?: ModelReviewer | null;
  version: string;
  /** The clock (embargoes, held replies); tests move it forward. */
  now?: () => Date;
}

export interface ReviewOutcome {
  /** UIDs that are done with: the checkpoint may pass them. */
  settled: number[];
  /** UIDs of patches that were reviewed: they get the keyword. */
  reviewed: number[];
}

/**
 * Errors that mean "the state store or the disk is broken": the message is
 * not settled, the session ends, and the next one retries it. Anything else
 * (a malformed mail, a diff that cannot be parsed) belongs to that one message:
 * it is logged and the loop goes on.
 */
function isFatal(err: unknown): boolean {
  return err instanceof LkreviewError && (err.code === "STORE" || err.code === "IO");
}

/**
 * parse -> classify -> collect into series -> analyse -> compose -> deliver,
 * for messages the IMAP source hands over. Every handled Message-ID is
 * recorded in the store (markSeen), which is what makes restarts, rescans and
 * a second `--once` review nothing twice.
 */
export class WatchPipeline {
  readonly collector: SeriesCollector;
  /** Per-message errors so far (logged, not fatal). */
  errors = 0;
  /** Replies handed to the delivery mode so far. */
  replies = 0;
  private readonly select: (patch: Patch) => { review: boolean; reason: string };
  private readonly bot: string;

  constructor(private readonly deps: PipelineDeps) {
    this.collector = new SeriesCollector(deps.config.watch.seriesWaitSeconds * 1000);
    this.bot = bareAddress(deps.config.from);
    this.select = makeSelector({ botAddress: this.bot, listIds: deps.config.watch.listIds, paths: deps.config.watch.paths });
  }

  /** Parses and sorts new messages: series parts wait in the collector, the rest is settled at once. */
  async ingest(messages: ImapMessage[]): Promise<number[]> {
    const settled: number[] = [];
    for (const msg of messages) {
      let mail: Mail;
      try {
        mail = await parseMail(msg, this.deps.config.limits);
      } catch (err) {
        if (isFatal(err)) throw err;
        this.errors++;
        this.deps.log(`${msg.source}: ${describeError(err)}`);
        settled.push(msg.uid);
        continue;
      }
      if (await this.deps.store.hasSeen(mail.messageId)) {
        settled.push(msg.uid);
        continue;
      }
      if (excludedMail(mail, this.bot) !== null) {
        await this.deps.store.markSeen(mail.messageId, msg.source);
        settled.push(msg.uid);
        continue;
      }
      let c: ReturnType<typeof classifyMail>;
      try {
        c = classifyMail(mail, this.deps.config.limits);
      } catch (err) {
        // Over a limit or an unreadable diff: one line, and the mailbox moves on.
        this.errors++;
        this.deps.log(describeError(err));
        await this.deps.store.markSeen(mail.messageId, msg.source);
        settled.push(msg.uid);
        continue;
      }
      if ((c.kind !== "patch" && c.kind !== "cover") || !c.patch) {
        try {
          // Replies in patch threads: feedback on our reviews, and points humans made.
          await observeReply(mail, { config: this.deps.config, store: this.deps.store, bot: this.bot, log: this.deps.log });
        } catch (err) {
          if (isFatal(err)) throw err;
          this.errors++;
          this.deps.log(`${mail.messageId}: ${describeError(err)}`);
        }
        await this.deps.store.markSeen(mail.messageId, msg.source);
        settled.push(msg.uid);
        continue;
      }
      this.collector.add({
        source: msg.source,
        uid: msg.uid,
        arrival: msg.arrival,
        mail,
        patch: c.kind === "patch" ? c.patch : null,
        index: c.subject.index,
        total: c.subject.total,
        version: c.subject.version,
      });
    }
    return settled;
  }

  /** Reviews every series that is complete or has waited long enough. */
  async reviewReady(now: Date): Promise<ReviewOutcome> {
    const out: ReviewOutcome = { settled: [], reviewed: [] };
    for (const { series, parts, complete } of this.collector.takeReady(now)) {
      const have = series.patches.length;
      if (!complete) this.deps.log(`series ${series.rootMessageId}: ${have} of ${series.total} parts arrived; reviewing what is here`);
      for (const part of parts) {
        if (part.patch) {
          const sel = this.select(part.patch);
          if (sel.review) {
            try {
              await this.reviewOne(part.patch, series);
              out.reviewed.push(part.uid);
            } catch (err) {
              // The checkpoint has not moved past this series (nor any
              // other taken here), so the next session fetches whatever was
              // not marked seen and collects it again.
              if (isFatal(err)) throw err;
              this.errors++;
              this.deps.log(`${part.mail.messageId}: ${describeError(err)}`);
            }
          }
        }
        await this.deps.store.markSeen(part.mail.messageId, part.source);
        out.settled.push(part.uid);
      }
    }
    return out;
  }

  /** Sends the replies whose embargo is over (after reading the thread again). */
  async releaseHeld(): Promise<number> {
    const n = await releaseHeld(this.replyDeps());
    this.replies += n;
    return n;
  }

  private replyDeps(): ReplyDeps {
    return {
      config: this.deps.config,
      store: this.deps.store,
      mode: this.deps.mode,
      bot: this.bot,
      log: this.deps.log,
      ...(this.deps.print ? { print: this.deps.print } : {}),
      version: this.deps.version,
      now: this.deps.now ?? (() => new Date()),
    };
  }

  private async reviewOne(patch: Patch, series: Series): Promise<void> {
    const { config, store } = this.deps;
    // A muted author's patches are not reviewed at all (first matching mute wins).
    const muted = authorMutedBy(resolvePolicy(config, patch.mail), patch.mail);
    if (muted) {
      this.deps.log(`policy: ${patch.mail.messageId}: muted by ${muted}; not reviewed`);
      return;
    }
    const started = Date.now();
    const analysis = await analysePatch(patch, series, {
      config,
      ...(this.deps.rules ? { rules: this.deps.rules } : {}),
      model: this.deps.model ?? null,
      isSuppressed: (rule, fp) => store.isSuppressed(rule, fp),
    });
    const { line, replied } = await replyStep({ patch, series, analysis, durationMs: Date.now() - started }, this.replyDeps());
    if (replied) this.replies++;
    this.deps.log(line);
  }
}
