import { ImapFlow } from "imapflow";
import { LkreviewError } from "../errors.js";
import type { RawMessage } from "../model.js";
import type { Store } from "../store/store.js";
import { parseServerUrl } from "../mail/urls.js";
import type { ServerUrl } from "../mail/urls.js";

export interface ImapSourceOptions {
  /** `imap://` or `imaps://`; user and password in the URL or from the environment. */
  url: string;
  mailbox: string;
  /** Keyword set on processed messages where PERMANENTFLAGS allow it. */
  keyword: string;
  /** Poll interval when the server does not offer IDLE. */
  pollSeconds: number;
  store: Store;
  env?: NodeJS.ProcessEnv;
  /** Messages larger than this are settled without download (limits.maxMessageBytes). */
  maxMessageBytes: number;
  log: (line: string) => void;
}

/** One new message taken from the mailbox. */
export interface ImapMessage extends RawMessage {
  uid: number;
  /** INTERNALDATE: when the server received it. */
  arrival: Date;
}

export interface FetchResult {
  /** Messages to process. */
  messages: ImapMessage[];
  /** UIDs settled without download: Message-ID already seen, or over the size cap. */
  settled: number[];
}

/** RFC 2177: servers may drop an IDLE after 30 minutes; re-issue it before that. */
const MAX_IDLE_MS = 25 * 60 * 1000;

/**
 * A mailbox watched over IMAP (imapflow). It hands out messages above the
 * checkpointed UID, checkpoints through the Store per account+mailbox, and
 * notices a UIDVALIDITY change (the mailbox was recreated, UIDs mean nothing
 * any more) by starting again from UID 1: the caller deduplicates by
 * Message-ID, so that rescan reviews nothing twice. One instance is one
 * connection; after any drop the caller makes a new one.
 */
export class ImapSource {
  private readonly server: ServerUrl;
  private client: ImapFlow | null = null;
  private closed = false;
  private uidValidity = "";
  /** Highest UID handed out in this session. */
  private cursor = 0;
  private keywordAllowed = false;
  private wake: (() => void) | null = null;
  /** EXISTS arrived while we were not waiting: the next wait returns at once, so no new mail is slept through. */
  private changed = false;

  constructor(private readonly opts: ImapSourceOptions) {
    this.server = parseServerUrl(opts.url, "imap", opts.env ?? process.env);
  }

  /** `user@host:port`: the checkpoint key, never the password. */
  get account(): string {
    return `${this.server.user ?? ""}@${this.server.host}:${this.server.port}`;
  }

  get display(): string {
    return `${this.server.display}/${this.opts.mailbox}`;
  }

  /** True once the connection dropped; the caller reconnects with a new source. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Highest UID handed out (or settled) in this session. */
  get position(): number {
    return this.cursor;
  }

  get supportsIdle(): boolean {
    return this.client?.capabilities.has("IDLE") ?? false;
  }

  /** Connects, selects the mailbox and positions the cursor from the checkpoint. */
  async connect(): Promise<void> {
    const s = this.server;
    const client = new ImapFlow({
      host: s.host,
      port: s.port,
      secure: s.secure,
      auth: { user: s.user ?? "", pass: s.pass ?? "" },
      logger: false,
      disableAutoIdle: true,
    });
    client.on("error", (err: Error) => {
      this.opts.log(`imap ${this.display}: ${oneLine(err.message)}`);
    });
    client.on("close", () => {
      this.closed = true;
      this.wake?.();
    });
    client.on("exists", () => {
      this.changed = true;
      this.wake?.();
    });
    this.client = client;
    try {
      await client.connect();
    } catch (err) {
      this.closed = true;
      throw new LkreviewError("MAIL", this.server.display, `IMAP connect failed: ${describe(err)}`, { cause: err });
    }
    let box;
    try {
      box = await client.mailboxOpen(this.opts.mailbox);
    } catch (err) {
      await this.close();
      throw new LkreviewError("MAIL", this.display, `cannot open the mailbox: ${describe(err)}`, { cause: err });
    }
    this.uidValidity = box.uidValidity.toString();
    const flags = box.permanentFlags;
    // PERMANENTFLAGS with `\*` allows new keywords (RFC 3501 7.1).
    this.keywordAllowed = !!flags && (flags.has("\\*") || flags.has(this.opts.keyword));
    const cp = await this.opts.store.getImapCheckpoint(this.account, this.opts.mailbox);
    if (cp?.uidValidity === this.uidValidity) {
      this.cursor = cp.lastUid;
    } else {
      if (cp) {
        this.opts.log(`imap ${this.display}: UIDVALIDITY changed (${cp.uidValidity} -> ${this.uidValidity}); rescanning, deduplicated by Message-ID`);
      }
      this.cursor = 0;
      await this.checkpoint(0);
    }
  }

  /**
   * New messages above the cursor. Envelopes come first so a message whose
   * Message-ID was seen before (a rescan, a restart) is not downloaded again.
   */
  async fetchNew(isSeen: (messageId: string) => Promise<boolean>): Promise<FetchResult> {
    const client = this.live();
    this.changed = false;
    if (!this.supportsIdle) await client.noop();
    const heads: { uid: number; messageId: string | null; size: number; arrival: Date }[] = [];
    try {
      // `N:*` returns the last message even when N is above it (RFC 3501 6.4.8): filter.
      for await (const m of client.fetch(`${this.cursor + 1}:*`, { uid: true, envelope: true, internalDate: true, size: true }, { uid: true })) {
        if (m.uid <= this.cursor) continue;
        const arrival = m.internalDate ? new Date(m.internalDate) : new Date();
        heads.push({ uid: m.uid, messageId: m.envelope?.messageId ?? null, size: m.size ?? 0, arrival });
      }
    } catch (err) {
      throw this.fault("UID FETCH failed", err);
    }
    heads.sort((a, b) => a.uid - b.uid);
    const result: FetchResult = { messages: [], settled: [] };
    for (const h of heads) {
      if (h.messageId && (await isSeen(h.messageId))) {
        result.settled.push(h.uid);
      } else if (h.size > this.opts.maxMessageBytes) {
        this.opts.log(`imap:${this.opts.mailbox}/${h.uid}: ${h.size} bytes is over the ${this.opts.maxMessageBytes}-byte limit; skipped`);
        result.settled.push(h.uid);
      } else {
        let msg;
        try {
          msg = await client.fetchOne(String(h.uid), { uid: true, source: true }, { uid: true });
        } catch (err) {
          throw this.fault(`fetching UID ${h.uid} failed`, err);
        }
        if (msg && msg.source) {
          result.messages.push({ source: `imap:${this.opts.mailbox}/${h.uid}`, uid: h.uid, arrival: h.arrival, raw: new Uint8Array(msg.source) });
        } else {
          // Expunged between the two fetches: nothing to process.
          result.settled.push(h.uid);
        }
      }
      this.cursor = Math.max(this.cursor, h.uid);
    }
    return result;
  }

  /** Persists the position: every UID up to `lastUid` is settled. */
  async checkpoint(lastUid: number): Promise<void> {
    await this.opts.store.setImapCheckpoint(this.account, this.opts.mailbox, { uidValidity: this.uidValidity, lastUid });
  }

  /** Marks processed messages with the keyword, when the mailbox keeps keywords. */
  async markProcessed(uids: number[]): Promise<void> {
    if (!this.keywordAllowed || uids.length === 0) return;
    try {
      await this.live().messageFlagsAdd(uids.join(","), [this.opts.keyword], { uid: true });
    } catch (err) {
      // A missing keyword only costs a human a hint; the store has the truth.
      this.opts.log(`imap ${this.display}: could not set ${this.opts.keyword}: ${describe(err)}`);
    }
  }

  /** True when a message with this Message-ID header is in the mailbox (a list echo of our reply). */
  async hasMessageId(messageId: string): Promise<boolean> {
    try {
      const uids = await this.live().search({ header: { "message-id": messageId } }, { uid: true });
      return Array.isArray(uids) && uids.length > 0;
    } catch (err) {
      throw this.fault("SEARCH failed", err);
    }
  }

  /**
   * Waits until the mailbox may have changed, the connection dropped, or
   * `until` passed: IDLE when the server offers it, else a poll interval.
   */
  async waitForChange(until: Date | null, signal?: AbortSignal): Promise<void> {
    const client = this.live();
    const idle = this.supportsIdle;
    const cap = idle ? MAX_IDLE_MS : this.opts.pollSeconds * 1000;
    const ms = Math.max(0, Math.min(cap, until ? until.getTime() - Date.now() : cap));
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done);
      this.wake = done;
      if (signal?.aborted || this.closed || this.changed) done();
      // imapflow ends IDLE by itself before the next command we send.
      else if (idle) client.idle().catch(() => done());
    });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    this.wake?.();
    if (this.closed) {
      client.close();
      return;
    }
    this.closed = true;
    await Promise.race([client.logout().catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
    client.close();
  }

  private live(): ImapFlow {
    if (!this.client || this.closed) throw new LkreviewError("MAIL", this.display, "IMAP connection closed");
    return this.client;
  }

  private fault(what: string, err: unknown): LkreviewError {
    return new LkreviewError("MAIL", this.display, `${what}: ${describe(err)}`, { cause: err });
  }
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ").trim();
}

function describe(err: unknown): string {
  const e = err as { responseText?: string; message?: string; code?: string };
  return oneLine(e.responseText ?? e.message ?? String(err)) + (e.code ? ` (${e.code})` : "");
}
