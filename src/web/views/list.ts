import { reportableFindings } from "../../store/queue-rules.js";
import type { QueueItem, QueueSort } from "../../store/store.js";
import { html } from "../html.js";
import type { Html } from "../html.js";
import { layout } from "./layout.js";
import type { ViewContext } from "./layout.js";

/** The list page's query: filters plus sort, all as typed in the form (already validated). */
export interface ListQuery {
  state: string;
  list: string;
  author: string;
  /** Exact assignee, `-` for unassigned. */
  assignee: string;
  path: string;
  since: string;
  sort: QueueSort;
  dir: "asc" | "desc";
}

const STATES = ["", "new", "needs-attention", "clean", "approved", "sent", "dismissed"];

const COLUMNS: { key: QueueSort; label: string }[] = [
  { key: "id", label: "ID" },
  { key: "state", label: "State" },
  { key: "priority", label: "Priority" },
  { key: "findings", label: "Findings" },
  { key: "created", label: "Received" },
  { key: "author", label: "Author" },
  { key: "subject", label: "Subject" },
];

/** Query string for a link that keeps the filters and changes the sort. */
function sortHref(ctx: ViewContext, q: ListQuery, key: QueueSort): string {
  const dir = q.sort === key && q.dir === "asc" ? "desc" : "asc";
  const p = new URLSearchParams();
  for (const k of ["state", "list", "author", "assignee", "path", "since"] as const) if (q[k]) p.set(k, q[k]);
  p.set("sort", key);
  p.set("dir", dir);
  return `${ctx.base}/?${p.toString()}`;
}

function cell(item: QueueItem, key: QueueSort, ctx: ViewContext): Html {
  switch (key) {
    case "id":
      return html`<td>${item.id}</td>`;
    case "state":
      return html`<td><span class="state state-${item.state}">${item.state}</span></td>`;
    case "priority":
      return html`<td>${item.priority}</td>`;
    case "findings":
      return html`<td>${reportableFindings(item.findings).length}</td>`;
    case "created":
      return html`<td>${item.createdAt.slice(0, 16).replace("T", " ")}</td>`;
    case "author":
      return html`<td>${item.author}</td>`;
    case "subject":
      return html`<td class="subject"><a href="${ctx.base}/items/${item.id}">${item.subject}</a></td>`;
  }
}

/** The queue: a GET filter form and a table sortable by column links. */
export function listPage(ctx: ViewContext, q: ListQuery, items: QueueItem[], error: string | null): Html {
  const arrow = (key: QueueSort): string => (q.sort === key ? (q.dir === "asc" ? " \u25b2" : " \u25bc") : "");
  return layout(
    ctx,
    "Queue",
    html`<h1>Review queue</h1>
${error ? html`<div class="error">${error}</div>` : ""}
<form class="filters" method="get" action="${ctx.base}/">
<label>State <select name="state">${STATES.map((s) => html`<option value="${s}"${s === q.state ? html` selected` : ""}>${s || "any"}</option>`)}</select></label>
<label>List <input name="list" value="${q.list}" placeholder="List-Id"></label>
<label>Author <input name="author" value="${q.author}"></label>
<label>Assignee <input name="assignee" value="${q.assignee}" placeholder="name, or - for nobody"></label>
<label>Path <input name="path" value="${q.path}" placeholder="kernel/livepatch"></label>
<label>Since <input name="since" type="date" value="${q.since}"></label>
<input type="hidden" name="sort" value="${q.sort}"><input type="hidden" name="dir" value="${q.dir}">
<button type="submit">Filter</button> <a href="${ctx.base}/">Reset</a>
</form>
<table class="queue">
<thead><tr>${COLUMNS.map((c) => html`<th><a href="${sortHref(ctx, q, c.key)}">${c.label}${arrow(c.key)}</a></th>`)}</tr></thead>
<tbody>
${items.length ? items.map((i) => html`<tr data-id="${i.id}">${COLUMNS.map((c) => cell(i, c.key, ctx))}</tr>\n`) : html`<tr><td colspan="${COLUMNS.length}">No items match.</td></tr>`}
</tbody>
</table>`,
  );
}
