import { approveItem, assignItem, dismissItem, markFalsePositive, noteItem, saveDraft, unmarkFalsePositive } from "../queue/actions.js";
import { describeError, LkreviewError } from "../errors.js";
import { isItemState } from "../store/queue-rules.js";
import type { QueueFilter, QueueSort, Store } from "../store/store.js";
import type { Html } from "./html.js";
import { itemPage } from "./views/item.js";
import { errorPage } from "./views/layout.js";
import type { ViewContext } from "./views/layout.js";
import { listPage } from "./views/list.js";
import type { ListQuery } from "./views/list.js";
import { suppressionsPage } from "./views/suppressions.js";

/** What a page handler answers: a page with a status, or a redirect after a POST. */
export type Reply = { status: number; page: Html } | { redirect: string };

const SORTS: readonly QueueSort[] = ["priority", "id", "created", "state", "subject", "author", "findings"];
/** Longest filter value kept from the URL; longer ones are not real searches. */
const MAX_FILTER = 200;

function param(q: URLSearchParams, name: string): string {
  return (q.get(name) ?? "").trim().slice(0, MAX_FILTER);
}

/** GET `/`: the filtered, sorted queue. Bad filter values are reported on the page, not thrown. */
export async function listRoute(store: Store, ctx: ViewContext, q: URLSearchParams): Promise<Reply> {
  const sort = param(q, "sort");
  const lq: ListQuery = {
    state: param(q, "state"),
    list: param(q, "list"),
    author: param(q, "author"),
    assignee: param(q, "assignee"),
    path: param(q, "path"),
    since: param(q, "since"),
    sort: SORTS.includes(sort as QueueSort) ? (sort as QueueSort) : "priority",
    dir: param(q, "dir") === "desc" ? "desc" : "asc",
  };
  const filter: QueueFilter = { sort: lq.sort, dir: lq.dir, limit: 1000 };
  let error: string | null = null;
  if (lq.state) {
    if (isItemState(lq.state)) filter.state = lq.state;
    else {
      error = `Unknown state "${lq.state}".`;
      lq.state = "";
    }
  }
  if (lq.list) filter.listId = lq.list;
  if (lq.author) filter.author = lq.author;
  if (lq.assignee) filter.assignee = lq.assignee === "-" ? null : lq.assignee;
  if (lq.path) filter.path = lq.path;
  if (lq.since) {
    if (Number.isNaN(Date.parse(lq.since))) {
      error = `"${lq.since}" is not a date.`;
      lq.since = "";
    } else filter.since = lq.since;
  }
  return { status: 200, page: listPage(ctx, lq, await store.listItems(filter), error) };
}

export async function itemRoute(store: Store, ctx: ViewContext, id: number, q: URLSearchParams): Promise<Reply> {
  const item = await store.getItem(id);
  if (!item) return { status: 404, page: errorPage(ctx, 404, `No item ${id}.`) };
  return { status: 200, page: itemPage(ctx, item, q.get("done")) };
}

export async function suppressionsRoute(store: Store, ctx: ViewContext, q: URLSearchParams): Promise<Reply> {
  return { status: 200, page: suppressionsPage(ctx, await store.listSuppressions(), q.get("done") === "undone") };
}

/** POST actions on an item; a refused action (illegal transition) is a 409 page naming the reason. */
export async function itemAction(store: Store, ctx: ViewContext, id: number, action: string, form: URLSearchParams, who: string): Promise<Reply> {
  const back = (done: string): Reply => ({ redirect: `${ctx.base}/items/${id}?done=${done}` });
  try {
    switch (action) {
      case "approve":
        await approveItem(store, id, who);
        return back("approved");
      case "dismiss":
        await dismissItem(store, id, who);
        return back("dismissed");
      case "draft":
        await saveDraft(store, id, form.get("draft") ?? "", who);
        return back("saved");
      case "assign":
        await assignItem(store, id, form.get("assignee") ?? "");
        return back("assigned");
      case "note":
        await noteItem(store, id, who, form.get("note") ?? "");
        return back("noted");
      case "false-positive":
        await markFalsePositive(store, id, form.get("fingerprint") ?? "", who, (form.get("reason") ?? "").slice(0, 500));
        return back("suppressed");
      default:
        return { status: 404, page: errorPage(ctx, 404, "No such action.") };
    }
  } catch (err) {
    return refused(ctx, err);
  }
}

export async function undoSuppression(store: Store, ctx: ViewContext, form: URLSearchParams, who: string): Promise<Reply> {
  const rule = form.get("rule") ?? "";
  const fingerprint = form.get("fingerprint") ?? "";
  if (!rule || !fingerprint) return { status: 400, page: errorPage(ctx, 400, "Missing rule or fingerprint.") };
  await unmarkFalsePositive(store, rule, fingerprint, who);
  return { redirect: `${ctx.base}/suppressions?done=undone` };
}

function refused(ctx: ViewContext, err: unknown): Reply {
  if (err instanceof LkreviewError && err.code === "USAGE") {
    const status = err.message.endsWith("no such item") ? 404 : 409;
    return { status, page: errorPage(ctx, status, describeError(err)) };
  }
  throw err;
}
