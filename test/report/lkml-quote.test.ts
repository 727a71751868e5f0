import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/model.js";
import { composeReply } from "../../src/report/lkml/compose.js";
import { buildPatch, COMPOSE_OPTS, fileDiff, finding } from "./fixtures.js";

/**
 * Where a reply's quote starts: never on a lone `> +{` or halfway into a
 * split signature, but at the line that says which function the point is in
 * (REVIEW-FORMAT.md, Body 2: the statement and a few lines before it).
 */

const HOOK = "kernel/livepatch/hook.c";

/** The quoted lines of the reply's first block (up to the first blank line after the attribution). */
function firstQuote(findings: Finding[], files?: string[]): string[] {
  const reply = composeReply(buildPatch(files ? { files } : {}), findings, COMPOSE_OPTS);
  if (!reply) throw new Error("expected a reply");
  const lines = reply.body.split("\n").slice(1);
  return lines.slice(0, lines.indexOf(""));
}

const errcode = (file: string, line: number): Finding =>
  finding({ file, line, rule: "errcode", class: "errcode", severity: "error", message: "This reports an error but returns 0. Shouldn't it return -EINVAL?" });

describe("where a quote starts", () => {
  it("starts an error-exit quote at the function's signature, not at its lone opening brace", () => {
    // The point is the `return 0;` on line 25; three lines of context would open on `+{`.
    expect(firstQuote([errcode(HOOK, 25)])).toEqual([
      "> +++ b/kernel/livepatch/hook.c",
      "> +int klp_hook_store(struct klp_hook *hook, long val)",
      "> +{",
      "> +\tif (val < 0) {",
      '> +\t\tpr_err("bad hook value %ld\\n", val);',
      "> +\t\treturn 0;",
    ]);
  });

  it("quotes the whole of a signature split over two lines", () => {
    const file = fileDiff(
      "drivers/misc/hook.c",
      [
        {
          start: 40,
          lines: [
            "+static int misc_hook_apply(struct misc_hook *hook,",
            "+\t\t\t   unsigned long flags)",
            "+{",
            "+\tif (flags & ~MISC_HOOK_FLAGS)",
            "+\t\treturn 0;",
            "+\treturn misc_hook_run(hook, flags);",
            "+}",
          ],
        },
      ],
      true,
    );
    expect(firstQuote([errcode("drivers/misc/hook.c", 44)], [file])).toEqual([
      "> +++ b/drivers/misc/hook.c",
      "> +static int misc_hook_apply(struct misc_hook *hook,",
      "> +\t\t\t   unsigned long flags)",
      "> +{",
      "> +\tif (flags & ~MISC_HOOK_FLAGS)",
      "> +\t\treturn 0;",
    ]);
  });

  it("cuts a lone brace that opens the hunk and lets the @@ line name the function", () => {
    const file = fileDiff("drivers/misc/hook.c", [
      {
        start: 60,
        fn: "int misc_hook_set(struct misc_hook *hook, long val)",
        lines: [" {", "+\tif (val < 0)", "+\t\treturn 0;", " \thook->val = val;"],
      },
    ]);
    expect(firstQuote([errcode("drivers/misc/hook.c", 62)], [file])).toEqual([
      "> +++ b/drivers/misc/hook.c",
      "> @@ -60,2 +60,4 @@ int misc_hook_set(struct misc_hook *hook, long val)",
      "> +\tif (val < 0)",
      "> +\t\treturn 0;",
    ]);
  });

  it("still quotes a lone brace when it is the point itself", () => {
    const file = fileDiff("drivers/misc/hook.c", [{ start: 60, lines: [" {", "+\treturn 0;"] }]);
    expect(firstQuote([finding({ file: "drivers/misc/hook.c", line: 60 })], [file])).toEqual(["> +++ b/drivers/misc/hook.c", ">  {"]);
  });
});

describe("which hunk a quote comes from", () => {
  const MULTI = "drivers/misc/multi.c";
  const multi = fileDiff(MULTI, [
    { start: 10, fn: "static int first(void)", lines: ["\tint a;", "+\ta = 1;", "\treturn a;"] },
    { start: 50, fn: "static int second(void)", lines: ["\tint b;", "+\tb = 2;", "\treturn b;"] },
    { start: 90, fn: "static int third(void)", lines: ["\tint c;", "+\tc = 3;", "\treturn c;"] },
  ]);

  it("quotes the hunk that holds the point, past hunks that end before it and not from ones after", () => {
    expect(firstQuote([errcode(MULTI, 51)], [multi])).toEqual([
      "> +++ b/drivers/misc/multi.c",
      "> @@ -49,2 +50,3 @@ static int second(void)",
      "> \tint b;",
      "> +\tb = 2;",
    ]);
    expect(firstQuote([errcode(MULTI, 91)], [multi])).toEqual([
      "> +++ b/drivers/misc/multi.c",
      "> @@ -88,2 +90,3 @@ static int third(void)",
      "> \tint c;",
      "> +\tc = 3;",
    ]);
  });

  it("leaves a point between hunks unquoted", () => {
    const reply = composeReply(buildPatch({ files: [multi] }), [errcode(MULTI, 30)], COMPOSE_OPTS);
    expect(reply?.body).not.toContain("> +++ b/drivers/misc/multi.c");
    expect(reply?.body).toContain("This reports an error but returns 0.");
  });
});
