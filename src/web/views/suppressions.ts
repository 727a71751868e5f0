import type { Suppression } from "../../store/store.js";
import { html } from "../html.js";
import type { Html } from "../html.js";
import { layout, postButton } from "./layout.js";
import type { ViewContext } from "./layout.js";

/** Every rule+fingerprint marked false positive, each with an undo button. */
export function suppressionsPage(ctx: ViewContext, list: Suppression[], undone: boolean): Html {
  return layout(
    ctx,
    "False positives",
    html`${undone ? html`<div class="flash">Undone: the point will be reported again.</div>` : ""}
<h1>False positives</h1>
<p>Findings with these rule and fingerprint pairs are not reported again.</p>
<table class="queue">
<thead><tr><th>Rule</th><th>Fingerprint</th><th>Reason</th><th>By</th><th>When</th><th></th></tr></thead>
<tbody>
${
  list.length
    ? list.map(
        (
          s,
        ) => html`<tr><td>${s.rule}</td><td class="where">${s.fingerprint}</td><td>${s.reason}</td><td>${s.who}</td><td>${s.at.slice(0, 16).replace("T", " ")}</td>
<td>${postButton(ctx, `${ctx.base}/suppressions/undo`, "Undo", "", { rule: s.rule, fingerprint: s.fingerprint })}</td></tr>`,
      )
    : html`<tr><td colspan="6">None.</td></tr>`
}
</tbody>
</table>`,
  );
}
