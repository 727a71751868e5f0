import { html, raw } from "../html.js";
import type { Html } from "../html.js";

/** Per-request things every view needs: where the app is mounted and the form token. */
export interface ViewContext {
  /** `""` or `/prefix` (no trailing slash). */
  base: string;
  csrf: string;
  /** Whether a token guards the page (shows a logout hint). */
  authed: boolean;
}

/** Our own constant CSS; the CSP allows inline styles and nothing else. */
const CSS = raw(`
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2125; background: #f6f7f9; }
header.top { background: #23313f; color: #fff; padding: 8px 20px; display: flex; gap: 20px; align-items: baseline; }
header.top a { color: #fff; text-decoration: none; }
header.top strong { font-size: 16px; margin-right: 12px; }
main { padding: 16px 20px; max-width: 1500px; }
h1 { font-size: 18px; margin: 4px 0 12px; overflow-wrap: anywhere; }
table.queue { border-collapse: collapse; width: 100%; background: #fff; }
table.queue th, table.queue td { border-bottom: 1px solid #dde1e6; padding: 5px 8px; text-align: left; vertical-align: top; }
table.queue th a { color: inherit; }
table.queue td.subject { overflow-wrap: anywhere; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 12px; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: #555; }
.state { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; background: #e4e7eb; white-space: nowrap; }
.state-needs-attention { background: #ffe2b3; } .state-approved { background: #c9f2d0; }
.state-sent { background: #cfe3ff; } .state-dismissed { background: #eee; color: #777; } .state-clean { background: #e8f6ea; }
.sev { font-weight: 600; font-size: 12px; text-transform: uppercase; }
.sev-error { color: #b3261e; } .sev-warning { color: #9a5b00; } .sev-note { color: #35618f; }
.columns { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); gap: 18px; }
.card { background: #fff; border: 1px solid #dde1e6; border-radius: 4px; padding: 10px 12px; margin-bottom: 12px; }
.card.suppressed { opacity: .6; }
.where { font-family: ui-monospace, monospace; font-size: 12px; color: #555; overflow-wrap: anywhere; }
pre { font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: #f3f4f6; padding: 6px 8px; margin: 6px 0; overflow-x: auto; tab-size: 8; }
pre .add { background: #e6f6e8; display: block; } pre .del { background: #fbe9e9; display: block; } pre .hunk { color: #6b5ba8; display: block; }
pre .hit { outline: 1px solid #e0a100; }
p.message { margin: 6px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
textarea { width: 100%; box-sizing: border-box; min-height: 420px; font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; tab-size: 8; }
.actions { display: flex; gap: 8px; margin: 8px 0 14px; flex-wrap: wrap; }
.actions form { margin: 0; }
button { font: inherit; padding: 3px 12px; cursor: pointer; }
button.primary { background: #1f6f3f; color: #fff; border: 1px solid #175a32; border-radius: 3px; }
button.danger { background: #fff; color: #b3261e; border: 1px solid #b3261e; border-radius: 3px; }
.flash { background: #e7f3ff; border: 1px solid #9cc6f0; padding: 6px 10px; margin-bottom: 12px; }
.error { background: #fdecea; border: 1px solid #f1a9a0; padding: 6px 10px; margin-bottom: 12px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 10px; }
dl.meta dt { color: #555; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
form.fp { display: flex; gap: 6px; margin-top: 6px; } form.fp input { flex: 1; }
`);

/** The page frame; `body` is already-safe `Html`. */
export function layout(ctx: ViewContext, title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - lkreview</title>
<style>${CSS}</style>
</head>
<body>
<header class="top"><strong><a href="${ctx.base}/">lkreview</a></strong><a href="${ctx.base}/">Queue</a><a href="${ctx.base}/suppressions">False positives</a></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The hidden field every POST form carries. */
export function csrfField(ctx: ViewContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

/** A one-button POST form. */
export function postButton(ctx: ViewContext, action: string, label: string, cls = "", hidden: Record<string, string> = {}): Html {
  return html`<form method="post" action="${action}">${csrfField(ctx)}${Object.entries(hidden).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit" class="${cls}">${label}</button></form>`;
}

export function errorPage(ctx: ViewContext, status: number, message: string): Html {
  return layout(ctx, `Error ${status}`, html`<h1>Error ${status}</h1><div class="error">${message}</div><p><a href="${ctx.base}/">Back to the queue</a></p>`);
}

export function loginPage(ctx: ViewContext, failed: boolean): Html {
  return layout(
    ctx,
    "Log in",
    html`<h1>Log in</h1>${failed ? html`<div class="error">Wrong token.</div>` : ""}
<form method="post" action="${ctx.base}/login">${csrfField(ctx)}
<label>Token <input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit" class="primary">Log in</button></form>`,
  );
}
