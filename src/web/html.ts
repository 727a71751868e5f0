/**
 * HTML that escapes by default: every value interpolated into `html`...``
 * is escaped unless it is already `Html` (made by `html` itself or by the
 * explicit `raw()`). Everything in the store came from strangers' mail, so a
 * view cannot forget to escape by accident; it has to ask for raw on purpose.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** Values a template accepts: nested `Html`, arrays of them, text and numbers (escaped), and nothing. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map((x: HtmlValue) => render(x)).join("");
  return escapeHtml(String(v));
}

/** The one way views build markup. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** Marks trusted markup (our own constants only, never store data) as not to be escaped. */
export function raw(trusted: string): Html {
  return new Html(trusted);
}
