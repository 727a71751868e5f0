import type { ListPolicy } from "../config.js";
import { LkreviewError } from "../errors.js";
import type { OutboxEntry, Store } from "../store/store.js";
import type { SmtpSender } from "./smtp.js";

/**
 * `lastError` of an entry whose SMTP attempt is under way. It is written
 * (with `attempts` incremented) BEFORE the message goes to the server, so
 * after a crash an entry carrying it means "outcome unknown".
 */
export const IN_FLIGHT = "sending: outcome unknown (interrupted before it was recorded)";

/**
 * Test-only hook: when this variable is "1" the process kills itself right
 * after the SMTP server accepted a message and before that is recorded, the
 * worst moment for a crash. Inert unless set.
 */
export const CRASH_AFTER_SMTP_ENV = "LKREVIEW_TEST_CRASH_AFTER_SMTP";

export interface OutboxDeps {
  store: Store;
  sender: SmtpSender;
  /** Envelope sender (bare address of the bot). */
  from: string;
  lists: readonly ListPolicy[];
  log: (line: string) => void;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
  /**
   * Whether a reply with this Message-ID already reached the list (the list
   * echoes it into the watched mailbox). Asked only for an entry whose last
   * attempt has an unknown outcome.
   */
  alreadyDelivered?: (messageId: string) => Promise<boolean>;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A reply still undelivered this long after it was written is given up (MTAs use days too). */
  giveUpAfterMs?: number;
}

export interface FlushResult {
  sent: number;
  retry: number;
  failed: number;
  /** Left pending by the per-list hourly limit. */
  held: number;
}

const HOUR = 60 * 60 * 1000;
/** Replies per hour when no list policy names the list (the schema's default for a policy). */
const DEFAULT_MAX_PER_HOUR = 20;

/** The policy for a list: its own entry, else the `*` entry. */
export function policyFor(lists: readonly ListPolicy[], listId: string | null): ListPolicy | null {
  return lists.find((p) => listId !== null && p.list.toLowerCase() === listId.toLowerCase()) ?? lists.find((p) => p.list === "*") ?? null;
}

/**
 * Sends what is due in the persistent outbox. Every reply was written there
 * before this runs, keyed by its own stable Message-ID; each attempt is
 * recorded before the SMTP transaction, and its outcome after it:
 * accepted -> sent; 4xx or a network fault -> retried later with backoff;
 * 5xx -> failed with the server's answer; refused credentials -> stop the
 * whole flush (nothing else can succeed), the entry stays pending.
 */
export async function flushOutbox(deps: OutboxDeps): Promise<FlushResult> {
  const now = deps.now ?? (() => new Date());
  const env = deps.env ?? process.env;
  const base = deps.backoffMs ?? 60_000;
  const maxBackoff = deps.maxBackoffMs ?? 6 * HOUR;
  const giveUp = deps.giveUpAfterMs ?? 48 * HOUR;
  const result: FlushResult = { sent: 0, retry: 0, failed: 0, held: 0 };
  const due = await deps.store.outboxDue(now());
  for (const entry of due) {
    if (entry.lastError === IN_FLIGHT && (await settleUnknown(entry, deps, now()))) {
      result.sent++;
      continue;
    }
    const policy = policyFor(deps.lists, entry.listId);
    const max = policy?.max_per_hour ?? DEFAULT_MAX_PER_HOUR;
    const recent = await deps.store.outboxSentSince(entry.listId, new Date(now().getTime() - HOUR));
    if (recent >= max) {
      deps.log(`outbox ${entry.messageId}: held, ${recent} replies to ${entry.listId ?? "(no list)"} in the last hour (limit ${max})`);
      result.held++;
      continue;
    }
    if (now().getTime() - Date.parse(entry.createdAt) > giveUp) {
      const error = `gave up after ${entry.attempts} attempts: ${entry.lastError ?? "no answer"}`;
      await deps.store.outboxMarkFailed(entry.messageId, error);
      deps.log(`outbox ${entry.messageId}: failed, ${error}`);
      result.failed++;
      continue;
    }
    // Record the attempt first: if we die during or right after the SMTP
    // transaction, the next run knows the outcome is unknown.
    await deps.store.outboxMarkRetry(entry.messageId, IN_FLIGHT, now());
    const outcome = await deps.sender.send({ from: deps.from, recipients: entry.recipients, raw: entry.raw });
    if (outcome.kind === "sent" && env[CRASH_AFTER_SMTP_ENV] === "1") process.kill(process.pid, "SIGKILL");
    switch (outcome.kind) {
      case "sent":
        await deps.store.outboxMarkSent(entry.messageId, now());
        deps.log(`outbox ${entry.messageId}: sent to ${entry.recipients.join(", ")} via ${deps.sender.display} (${outcome.response})`);
        result.sent++;
        break;
      case "retry": {
        const delay = Math.min(maxBackoff, base * 2 ** Math.max(0, entry.attempts));
        await deps.store.outboxMarkRetry(entry.messageId, outcome.error, new Date(now().getTime() + delay));
        deps.log(`outbox ${entry.messageId}: will retry in ${Math.round(delay / 1000)}s, ${outcome.error}`);
        result.retry++;
        break;
      }
      case "failed":
        await deps.store.outboxMarkFailed(entry.messageId, outcome.error);
        deps.log(`outbox ${entry.messageId}: failed, ${outcome.error}`);
        result.failed++;
        break;
      case "auth":
        await deps.store.outboxMarkRetry(entry.messageId, outcome.error, now());
        throw new LkreviewError("MAIL", deps.sender.display, outcome.error);
    }
  }
  return result;
}

/**
 * An entry whose last attempt was interrupted: the server may or may not
 * have taken it. If the list's echo of it is in the mailbox it was
 * delivered, so it is recorded as sent. If not, it is sent again. That can
 * still double a reply when the list is slow to echo, but the only
 * alternative is to drop replies after every crash; a resend carries the
 * same Message-ID, which MTAs, list servers (mlmmj, Mailman) and lore
 * deduplicate, so the trade-off favours never losing a reply.
 */
async function settleUnknown(entry: OutboxEntry, deps: OutboxDeps, now: Date): Promise<boolean> {
  if (!deps.alreadyDelivered) return false;
  let found: boolean;
  try {
    found = await deps.alreadyDelivered(entry.messageId);
  } catch (err) {
    deps.log(`outbox ${entry.messageId}: could not check the mailbox for an earlier delivery: ${(err as Error).message}`);
    return false;
  }
  if (!found) {
    deps.log(`outbox ${entry.messageId}: last attempt was interrupted and no copy is in the mailbox; sending again`);
    return false;
  }
  await deps.store.outboxMarkSent(entry.messageId, now);
  deps.log(`outbox ${entry.messageId}: last attempt was interrupted, but the list already echoed it; recorded as sent`);
  return true;
}
