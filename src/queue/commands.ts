import { parseArgs } from "node:util";
import { describeError, LkreviewError } from "../errors.js";
import { isItemState } from "../store/queue-rules.js";
import type { OpenStoreOptions, QueueFilter, QueueSort, Store } from "../store/store.js";
import { approveItem, assignItem, dismissItem, markFalsePositive, noteItem, parseItemId, saveDraft, unmarkFalsePositive } from "./actions.js";
import { editText } from "./editor.js";
import { clean, listJson, listText, showText, suppressionsText } from "./format.js";
import { sendApproved } from "./send.js";
import type { Deliver } from "./send.js";

/** Where a command writes; `process.stdout` fits. */
export interface Out {
  write(text: string): unknown;
}

export interface QueueIo {
  stdout: Out;
  stderr: Out;
  env: NodeJS.ProcessEnv;
  /** The mail transport for `queue send`; without it drafts only reach the outbox. */
  deliver?: Deliver;
}

export interface ListOptions {
  state?: string;
  list?: string;
  author?: string;
  /** Exact assignee; `-` for unassigned. */
  assignee?: string;
  path?: string;
  since?: string;
  sort?: string;
  limit?: string;
  format?: string;
}

const SORTS: readonly QueueSort[] = ["priority", "id", "created", "state", "subject", "author", "findings"];

/** `queue list`: the filtered queue as a table or as `[{ id, state, subject, messageId, findings, priority }]`. */
export async function queueList(store: Store, o: ListOptions): Promise<string> {
  const filter: QueueFilter = {};
  if (o.state !== undefined) {
    if (!isItemState(o.state)) throw new LkreviewError("USAGE", o.state, "not a queue state (new, needs-attention, clean, approved, sent, dismissed)");
    filter.state = o.state;
  }
  if (o.list) filter.listId = o.list;
  if (o.author) filter.author = o.author;
  if (o.assignee) filter.assignee = o.assignee === "-" ? null : o.assignee;
  if (o.path) filter.path = o.path;
  if (o.since) filter.since = o.since;
  if (o.sort !== undefined) {
    const [col, dir] = o.sort.split(":");
    if (!SORTS.includes(col as QueueSort)) throw new LkreviewError("USAGE", o.sort, `not a sort column (${SORTS.join(", ")})`);
    filter.sort = col as QueueSort;
    if (dir === "desc" || dir === "asc") filter.dir = dir;
  }
  if (o.limit !== undefined) filter.limit = parseItemId(o.limit);
  const items = await store.listItems(filter);
  return o.format === "json" ? `${listJson(items)}\n` : listText(items);
}

/** `queue show ID`: findings and the draft reply. */
export async function queueShow(store: Store, id: number, format = "text"): Promise<string> {
  const item = await store.getItem(id);
  if (!item) throw new LkreviewError("USAGE", `item ${id}`, "no such item");
  return format === "json" ? `${JSON.stringify(item, null, 2)}\n` : showText(item);
}

export async function queueApprove(store: Store, id: number, who: string): Promise<string> {
  await approveItem(store, id, who);
  return `item ${id}: approved\n`;
}

export async function queueDismiss(store: Store, id: number, who: string): Promise<string> {
  await dismissItem(store, id, who);
  return `item ${id}: dismissed\n`;
}

/** `queue edit ID`: the draft in `$VISUAL`/`$EDITOR`, saved when changed. */
export async function queueEdit(store: Store, id: number, env: NodeJS.ProcessEnv, who: string): Promise<string> {
  const item = await store.getItem(id);
  if (!item) throw new LkreviewError("USAGE", `item ${id}`, "no such item");
  if (item.state === "sent") throw new LkreviewError("USAGE", `item ${id}`, "the reply was already sent; its draft cannot change");
  const before = item.draft ?? "";
  const after = await editText(before, env, `item ${id}`);
  if (after === before) return `item ${id}: draft unchanged\n`;
  await saveDraft(store, id, after, who);
  return `item ${id}: draft saved\n`;
}

export async function queueSuppressions(store: Store): Promise<string> {
  return suppressionsText(await store.listSuppressions());
}

export async function queueSuppress(store: Store, id: number, fingerprint: string, who: string, reason: string): Promise<string> {
  const item = await markFalsePositive(store, id, fingerprint, who, reason);
  return `item ${id}: ${fingerprint} marked false positive; item is ${item.state}\n`;
}

export async function queueUnsuppress(store: Store, rule: string, fingerprint: string, who: string): Promise<string> {
  await unmarkFalsePositive(store, rule, fingerprint, who);
  return `${clean(rule)} ${clean(fingerprint)}: no longer suppressed\n`;
}

/** `queue assign ID WHO`: `-` unassigns. */
export async function queueAssign(store: Store, id: number, assignee: string): Promise<string> {
  const item = await assignItem(store, id, assignee);
  return item.assignee === null ? `item ${id}: unassigned\n` : `item ${id}: assigned to ${clean(item.assignee)}\n`;
}

/** `queue note ID TEXT`. */
export async function queueNote(store: Store, id: number, who: string, text: string): Promise<string> {
  const item = await noteItem(store, id, who, text);
  return `item ${id}: note added (${item.notes.length} in all)\n`;
}

/**
 * How `lkreview queue CMD` opens its store. Every subcommand works on an
 * existing queue, so a `--db` path that does not exist is a mistake to
 * report (exit 2), never a fresh empty store created in its place.
 */
export const QUEUE_STORE_OPTIONS: OpenStoreOptions = { mustExist: true };

/**
 * `queue send`: approved drafts to the outbox and, with a sender, out.
 * Before each, the thread is read again: points humans already made are
 * taken out of a bot-written draft (an item left with none is dismissed, not
 * sent) and warned about for a hand-edited one. Failures are listed, not
 * fatal to the rest.
 */
export async function queueSend(store: Store, deliver: Deliver | undefined, who: string): Promise<{ text: string; failed: number }> {
  const r = await sendApproved(store, deliver, who);
  const lines = [
    ...r.warnings.map((w) => `item ${w.id}: warning: ${clean(w.text)}`),
    ...r.sent.map((id) => `item ${id}: sent`),
    ...r.queued.map((id) => `item ${id}: in the outbox, not sent (no mail transport configured)`),
    ...r.withheld.map((w) => `item ${w.id}: not sent, dismissed: ${clean(w.why)}`),
    ...r.failed.map((f) => `item ${f.id}: not sent: ${clean(f.error)}`),
  ];
  if (!lines.length) lines.push("Nothing approved to send.");
  return { text: `${lines.join("\n")}\n`, failed: r.failed.length };
}

const USAGE = `usage: lkreview queue <command>
  list [--state S] [--list LIST-ID] [--author TEXT] [--assignee WHO|-] [--path TEXT] [--since DATE] [--sort COL[:desc]] [--limit N] [--format text|json]
  show ID [--format text|json]
  approve ID | dismiss ID | edit ID
  assign ID WHO                               WHO - to unassign
  note ID TEXT
  suppress ID FINGERPRINT [--reason TEXT]     mark a finding false positive
  unsuppress RULE FINGERPRINT
  suppressions
  send
`;

/**
 * `lkreview queue ...`: parses its own arguments and prints to `io`.
 * Exit status: 0 done, 1 some item failed (send), 2 bad usage or refused
 * action (illegal transition, unknown item).
 */
export async function runQueueCommand(argv: string[], store: Store, io: QueueIo): Promise<number> {
  const [cmd, ...rest] = argv;
  const who = io.env["LKREVIEW_USER"] || io.env["USER"] || "cli";
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        state: { type: "string" },
        list: { type: "string" },
        author: { type: "string" },
        assignee: { type: "string" },
        path: { type: "string" },
        since: { type: "string" },
        sort: { type: "string" },
        limit: { type: "string" },
        format: { type: "string" },
        reason: { type: "string" },
      },
    });
    if (values.format !== undefined && values.format !== "text" && values.format !== "json") {
      throw new LkreviewError("USAGE", values.format, "not a format (text or json)");
    }
    const format = values.format ?? "text";
    const arityError = (n: number): LkreviewError => new LkreviewError("USAGE", `queue ${cmd ?? ""}`, `expects ${n} argument${n === 1 ? "" : "s"}`);
    const arity = (n: number): void => {
      if (positionals.length !== n) throw arityError(n);
    };
    /** Exactly two arguments, both present. */
    const pair = (): [string, string] => {
      const [a, b] = positionals;
      if (positionals.length !== 2 || a === undefined || b === undefined) throw arityError(2);
      return [a, b];
    };
    let text: string;
    switch (cmd) {
      case "list":
        arity(0);
        text = await queueList(store, values);
        break;
      case "show":
        arity(1);
        text = await queueShow(store, parseItemId(positionals[0]), format);
        break;
      case "approve":
        arity(1);
        text = await queueApprove(store, parseItemId(positionals[0]), who);
        break;
      case "dismiss":
        arity(1);
        text = await queueDismiss(store, parseItemId(positionals[0]), who);
        break;
      case "edit":
        arity(1);
        text = await queueEdit(store, parseItemId(positionals[0]), io.env, who);
        break;
      case "suppress": {
        const [id, fingerprint] = pair();
        text = await queueSuppress(store, parseItemId(id), fingerprint, who, values.reason ?? "");
        break;
      }
      case "unsuppress": {
        const [rule, fingerprint] = pair();
        text = await queueUnsuppress(store, rule, fingerprint, who);
        break;
      }
      case "assign": {
        const [id, assignee] = pair();
        text = await queueAssign(store, parseItemId(id), assignee);
        break;
      }
      case "note":
        if (positionals.length < 2) arity(2);
        text = await queueNote(store, parseItemId(positionals[0]), who, positionals.slice(1).join(" "));
        break;
      case "suppressions":
        arity(0);
        text = await queueSuppressions(store);
        break;
      case "send": {
        arity(0);
        const r = await queueSend(store, io.deliver, who);
        io.stdout.write(r.text);
        return r.failed ? 1 : 0;
      }
      default:
        io.stderr.write(cmd === undefined || cmd === "help" ? USAGE : `lkreview queue: unknown command ${clean(cmd)}\n${USAGE}`);
        return cmd === "help" ? 0 : 2;
    }
    io.stdout.write(text);
    return 0;
  } catch (err) {
    io.stderr.write(`lkreview queue: ${clean(describeError(err))}\n`);
    if (err instanceof LkreviewError) return err.code === "USAGE" ? 2 : 1;
    // parseArgs reports unknown options with a plain TypeError (ERR_PARSE_ARGS_*).
    return (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? 2 : 1;
  }
}
