import { describe, expect, it } from "vitest";
import { COMMIT_MSG } from "../../src/model.js";
import { escapeHtml, html, raw } from "../../src/web/html.js";
import { indexPatch, quoteFor } from "../../src/web/views/patch-lines.js";
import { PATCH_BODY } from "../store/fixtures.js";

describe("html template", () => {
  it("escapes every interpolation unless explicitly raw", () => {
    const evil = `<script>alert("x")</script>' \`&`;
    expect(String(html`<p title="${evil}">${evil}</p>`)).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &#96;&amp;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &#96;&amp;</p>',
    );
    expect(String(html`<ul>${["<a>", html`<li>ok</li>`, null, undefined, false, 3]}</ul>`)).toBe("<ul>&lt;a&gt;<li>ok</li>3</ul>");
    expect(String(html`${raw("<b>ours</b>")}`)).toBe("<b>ours</b>");
    expect(escapeHtml("a&b")).toBe("a&amp;b");
  });
});

describe("quoting the patch beside a finding", () => {
  const index = indexPatch(PATCH_BODY);

  it("numbers commit-message lines from the first body line and file lines from the hunk", () => {
    expect(index.get(COMMIT_MSG)?.[0]?.raw).toBe("Track the state of each callback per object, so a failed load can be");
    expect(quoteFor(index, "kernel/livepatch/state.c", 13, 13).map((l) => l.raw)).toEqual([
      " {",
      "+\tif (val < 0) {",
      '+\t\tpr_err("invalid hook value %ld\\n", val);',
      "+\t\treturn 0;",
    ]);
  });

  it("stops at the hunk header and at the end of the range", () => {
    expect(quoteFor(index, "kernel/livepatch/state.c", 9, 10, 5).map((l) => l.raw)).toEqual([
      "@@ -8,3 +8,9 @@ static int klp_hook_count;",
      " ",
      " int klp_hook_set(struct klp_hook *hook, long val)",
      " {",
    ]);
    expect(quoteFor(index, "no/such/file.c", 1, 1)).toEqual([]);
    expect(quoteFor(index, "kernel/livepatch/state.c", 999, 999)).toEqual([]);
  });
});
