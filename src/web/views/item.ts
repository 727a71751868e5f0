import type { Finding } from "../../model.js";
import { SUPPRESSED_TAG } from "../../store/queue-rules.js";
import type { QueueItem } from "../../store/store.js";
import { html } from "../html.js";
import type { Html } from "../html.js";
import { csrfField, layout, postButton } from "./layout.js";
import type { ViewContext } from "./layout.js";
import { indexPatch, quoteFor } from "./patch-lines.js";
import type { PatchLine } from "./patch-lines.js";

/** Notices after a POST, chosen by a fixed key so no text from the URL reaches the page. */
const FLASH: Record<string, string> = {
  approved: "Approved: the draft will go out with the next `queue send`.",
  dismissed: "Dismissed.",
  saved: "Draft saved.",
  suppressed: "Marked as a false positive; this point will not be reported again.",
  assigned: "Assignee saved.",
  noted: "Note added.",
};

function quote(lines: PatchLine[], f: Finding): Html {
  if (!lines.length) return html``;
  return html`<pre>${lines.map((l) => {
    const kind = l.hunkHeader ? "hunk" : l.raw.startsWith("+") ? "add" : l.raw.startsWith("-") ? "del" : "ctx";
    const hit = l.newLine !== null && l.newLine >= f.line && l.newLine <= f.endLine ? " hit" : "";
    return kind === "ctx" && !hit ? html`${l.raw}\n` : html`<span class="${kind}${hit}">${l.raw}</span>`;
  })}</pre>`;
}

function findingCard(ctx: ViewContext, item: QueueItem, f: Finding, index: Map<string, PatchLine[]>): Html {
  const suppressed = f.tags.includes(SUPPRESSED_TAG);
  const range = f.endLine > f.line ? `${f.line}-${f.endLine}` : `${f.line}`;
  return html`<div class="card finding${suppressed ? " suppressed" : ""}" data-fingerprint="${f.fingerprint}">
<div><span class="sev sev-${f.severity}">${f.severity}</span> <span class="where">${f.rule} \u00b7 ${f.file}:${range}</span>${
    f.tags.filter((t) => t !== SUPPRESSED_TAG).length ? html` <span class="where">[${f.tags.filter((t) => t !== SUPPRESSED_TAG).join(", ")}]</span>` : ""
  }</div>
${quote(quoteFor(index, f.file, f.line, f.endLine), f)}
<p class="message">${f.fix ? html`<b>"${f.fix.from}" -&gt; "${f.fix.to}"</b>` : f.message}</p>
${
  suppressed
    ? html`<div class="where">Marked false positive. <a href="${ctx.base}/suppressions">Undo on the false-positive list</a></div>`
    : html`<form class="fp" method="post" action="${ctx.base}/items/${item.id}/false-positive">${csrfField(ctx)}
<input type="hidden" name="fingerprint" value="${f.fingerprint}"><input name="reason" placeholder="why it is wrong (optional)" maxlength="500">
<button type="submit">False positive</button></form>`
}
</div>`;
}

/** One item: findings beside the quoted diff on the left, the draft reply and the actions on the right. */
export function itemPage(ctx: ViewContext, item: QueueItem, flash: string | null): Html {
  const index = indexPatch(item.patch ?? "");
  const open = item.state !== "sent" && item.state !== "dismissed";
  const notice = flash ? FLASH[flash] : undefined;
  const counted = item.findings.filter((f) => !f.tags.includes(SUPPRESSED_TAG));
  const rejected = item.findings.filter((f) => f.tags.includes(SUPPRESSED_TAG));
  return layout(
    ctx,
    `Item ${item.id}`,
    html`${notice ? html`<div class="flash">${notice}</div>` : ""}
<h1>${item.subject}</h1>
<dl class="meta">
<dt>State</dt><dd><span class="state state-${item.state}" id="state">${item.state}</span> (priority ${item.priority})</dd>
<dt>From</dt><dd>${item.author}</dd>
<dt>Message-ID</dt><dd class="where">${item.messageId}</dd>
<dt>List</dt><dd>${item.listId ?? "-"}</dd>
<dt>Files</dt><dd class="where">${item.paths.join(", ") || "-"}</dd>
<dt>Assignee</dt><dd id="assignee">${item.assignee ?? "nobody"}</dd>
</dl>
<section class="notes"><h2>Notes (${item.notes.length})</h2>
${item.notes.length ? html`<ul id="notes">${item.notes.map((n) => html`<li><span class="where">${n.at.slice(0, 16).replace("T", " ")} ${n.who}</span>: <span class="note">${n.text}</span></li>`)}</ul>` : ""}
<form class="fp" method="post" action="${ctx.base}/items/${item.id}/assign">${csrfField(ctx)}
<input name="assignee" value="${item.assignee ?? ""}" placeholder="who (empty to unassign)" maxlength="100" aria-label="Assignee">
<button type="submit">Assign</button></form>
<form class="fp" method="post" action="${ctx.base}/items/${item.id}/note">${csrfField(ctx)}
<input name="note" placeholder="a note for the other maintainers" maxlength="2000" aria-label="Note" required>
<button type="submit">Add note</button></form>
</section>
<div class="actions">
${open && item.state !== "approved" && item.draft ? postButton(ctx, `${ctx.base}/items/${item.id}/approve`, "Approve", "primary") : ""}
${item.state !== "dismissed" ? postButton(ctx, `${ctx.base}/items/${item.id}/dismiss`, "Dismiss", "danger") : ""}
<a href="${ctx.base}/">Back to the queue</a>
</div>
<div class="columns">
<section><h2>Findings (${counted.length})</h2>
${counted.length ? counted.map((f) => findingCard(ctx, item, f, index)) : html`<p>No findings: the patch looks clean.</p>`}
${rejected.length ? html`<h2>Marked false positive (${rejected.length})</h2>${rejected.map((f) => findingCard(ctx, item, f, index))}` : ""}
${item.patch ? html`<details><summary>Whole patch</summary><pre>${item.patch}</pre></details>` : ""}
</section>
<section><h2>Draft reply</h2>
${
  item.state === "sent"
    ? html`<pre>${item.draft ?? ""}</pre>`
    : html`<form method="post" action="${ctx.base}/items/${item.id}/draft">${csrfField(ctx)}
<textarea name="draft" spellcheck="false" aria-label="Draft reply">${item.draft ?? ""}</textarea>
<div class="actions"><button type="submit">Save draft</button></div></form>`
}
</section>
</div>`,
  );
}
