import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ListPolicy } from "../config.js";
import { LkreviewError } from "../errors.js";
import type { Finding, Patch } from "../model.js";
import type { ComposedReply } from "../report/lkml/compose.js";
import { toEml } from "../report/lkml/mbox.js";
import type { Store } from "../store/store.js";

export type DeliverMode = "dry-run" | "queue" | "send";

/** What happened to one review's reply. */
export type Delivered = { how: "dry-run"; file: string } | { how: "queue"; itemId: number } | { how: "outbox"; fresh: boolean } | { how: "none"; why: string };

export interface DeliverDeps {
  mode: DeliverMode;
  store: Store;
  outboxDir: string;
  log: (line: string) => void;
  /** Dry-run replies go here too (the log of a dry run shows what would be sent). */
  print?: (text: string) => void;
}

/**
 * The mode for one list: the global `dry-run` always wins (a safety switch);
 * a list policy may turn replies off or hold them in the queue.
 */
export function modeFor(global: DeliverMode, policy: ListPolicy | null): DeliverMode | "off" {
  if (global === "dry-run") return "dry-run";
  if (policy?.mode === "off") return "off";
  if (policy?.mode === "queue") return "queue";
  return global;
}

/** A file name from a Message-ID: only safe characters, never a path. */
export function emlName(messageId: string): string {
  return `${messageId
    .replace(/^<|>$/g, "")
    .replace(/[^A-Za-z0-9._@+-]/g, "_")
    .slice(0, 200)}.eml`;
}

function authorOf(patch: Patch): string {
  const { name, address } = patch.mail.from;
  return name ? `${name} <${address}>` : address;
}

function pathsOf(patch: Patch): string[] {
  return [...new Set(patch.files.map((f) => f.path))];
}

/**
 * Hands one review's reply to the configured mode:
 * - `dry-run`: the reply is written as `<outbox>/<message-id>.eml` (atomically,
 *   so a crash never leaves half a file) and printed;
 * - `queue`: the review waits in the triage queue with its draft (a clean
 *   patch too, so a maintainer sees it was looked at);
 * - `send`: the reply is put in the persistent outbox; the SMTP flush sends
 *   it. A second put of the same Message-ID is a no-op, so reviewing a patch
 *   again (after a crash, a rescan) never queues a second copy.
 */
export async function deliverReply(
  reply: ComposedReply | null,
  patch: Patch,
  findings: Finding[],
  mode: DeliverMode | "off",
  deps: DeliverDeps,
): Promise<Delivered> {
  if (mode === "off") return { how: "none", why: "replies are off for this list" };
  if (mode === "queue") {
    const item = await deps.store.upsertItem({
      messageId: patch.mail.messageId,
      subject: patch.mail.subject,
      author: authorOf(patch),
      listId: patch.mail.listId,
      paths: pathsOf(patch),
      findings,
      draft: reply ? reply.raw : null,
      patch: patch.mail.body,
    });
    return { how: "queue", itemId: item.id };
  }
  if (!reply) return { how: "none", why: "nothing worth saying" };
  if (mode === "dry-run") {
    const file = join(deps.outboxDir, emlName(reply.messageId));
    const text = toEml(reply);
    try {
      mkdirSync(deps.outboxDir, { recursive: true });
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
    } catch (err) {
      throw new LkreviewError("IO", deps.outboxDir, `cannot write the dry-run reply: ${(err as Error).message}`, { cause: err });
    }
    deps.print?.(text);
    return { how: "dry-run", file };
  }
  const fresh = await deps.store.outboxPut({
    messageId: reply.messageId,
    recipients: [...new Set([...reply.to, ...reply.cc])],
    raw: reply.raw,
    listId: patch.mail.listId,
    itemId: null,
  });
  return { how: "outbox", fresh };
}
