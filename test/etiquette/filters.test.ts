import { describe, expect, it } from "vitest";
import { analysePatch } from "../../src/analyse/analyse.js";
import { ConfigSchema } from "../../src/config.js";
import { b4Result } from "../../src/commands/b4-check.js";
import { commentedQuotes } from "../../src/etiquette/thread.js";
import { parseFeedback } from "../../src/etiquette/feedback.js";
import { markFixedLater } from "../../src/etiquette/series.js";
import type { Series } from "../../src/model.js";
import { makePatch } from "../helpers/make-patch.js";
import { TODO_RULE } from "../mail/fixtures.js";

const config = ConfigSchema.parse({});
const analyse = (p: ReturnType<typeof makePatch>, series: Series | null = null) => analysePatch(p, series, { config, rules: [TODO_RULE] });

describe("only what the patch introduces", () => {
  it("a TODO the patch only moves to another function is kept tagged pre-existing, never in the reply", async () => {
    const patch = makePatch({
      files: [
        {
          path: "kernel/livepatch/core.c",
          hunks: [
            { start: 10, lines: [" static void klp_free(void)", " {", "-\t/* TODO: free the shadow variables too */", "-\tkfree(obj);", " }"] },
            {
              start: 40,
              lines: [
                " static void klp_release(void)",
                " {",
                "+\t/* TODO: free the shadow variables too */",
                "+\tkfree(obj);",
                "+\t/* TODO: and the callbacks */",
                " }",
              ],
            },
          ],
        },
      ],
    });
    const a = await analyse(patch);
    expect(a.findings.map((f) => [f.line, f.tags])).toEqual([
      [42, ["pre-existing"]],
      [44, []],
    ]);
    expect(a.reportable.map((f) => f.line)).toEqual([44]);
  });

  it("a TODO moved and re-spaced (tabs, double spaces, a non-ASCII quote) still counts as moved", async () => {
    const patch = makePatch({
      files: [
        {
          path: "kernel/livepatch/core.c",
          hunks: [
            { start: 10, lines: [" {", "-\t/* TODO:  free the \u201cshadow\u201d\tvariables */", " }"] },
            { start: 40, lines: [" {", "+        /* TODO: free the \u201cshadow\u201d variables */ ", "+\t/* TODO:\tand  the callbacks */", " }"] },
          ],
        },
      ],
    });
    const a = await analyse(patch);
    expect(a.findings.map((f) => [f.line, f.tags])).toEqual([
      [41, ["pre-existing"]],
      [42, []],
    ]);
  });

  it("a TODO written anew is reported even when a different line was removed", async () => {
    const patch = makePatch({
      files: [{ path: "kernel/livepatch/core.c", hunks: [{ start: 5, lines: [" {", "-\tkfree(obj);", "+\t/* TODO: free it later */", " }"] }] }],
    });
    expect((await analyse(patch)).reportable).toHaveLength(1);
  });
});

describe("series awareness", () => {
  it("a point in 1/2 on a line that 2/2 removes is asked as 'fixed later in 2/2?'", async () => {
    const one = makePatch({
      subject: "[PATCH 1/2] livepatch: one",
      files: [{ path: "kernel/livepatch/core.c", hunks: [{ start: 5, lines: [" {", "+\t/* TODO: lock this */", "+\tklp_one();", " }"] }] }],
    });
    const two = makePatch({
      subject: "[PATCH 2/2] livepatch: two",
      files: [
        {
          path: "kernel/livepatch/core.c",
          hunks: [{ start: 5, lines: [" {", "-\t/* TODO: lock this */", "+\tmutex_lock(&klp_mutex);", " \tklp_one();", " }"] }],
        },
      ],
    });
    // Subject info as the subject parser gives it for "[PATCH n/2]".
    one.subject = { ...one.subject, index: 1, total: 2 };
    two.subject = { ...two.subject, index: 2, total: 2 };
    const series: Series = { rootMessageId: one.mail.messageId, version: 1, total: 2, cover: null, patches: [one, two] };
    const a = await analyse(one, series);
    const marked = markFixedLater(one, series, a.reportable);
    expect(marked.map((f) => f.message)).toEqual(["Is this TODO meant to stay in the patch? (fixed later in 2/2?)"]);
    expect(marked[0]?.tags).toContain("fixed-later");
    expect(markFixedLater(two, series, [])).toEqual([]);
  });
});

describe("reading replies", () => {
  it("finds the added lines a human quoted and commented on, not the ones merely quoted", () => {
    const quotes = commentedQuotes(
      [
        "On Tue, Mar 04, 2025 at 09:15:07AM +0100, Jane Developer wrote:",
        "> +\tret = klp_hook_register(obj->hook);",
        "> +\tif (ret)",
        "",
        "This leaks the hook on the error path.",
        "",
        "> +\tklp_quiet();",
        "",
        "-- ",
        "> +\tklp_after_signature();",
        "text",
      ].join("\n"),
    );
    expect(quotes).toHaveLength(1);
    expect([...(quotes[0]?.added ?? [])]).toEqual(["ret = klp_hook_register(obj->hook);", "if (ret)"]);
  });

  it("parses lkreview commands with the quote above them, case-insensitively, with an optional rule", () => {
    const cmds = parseFeedback(
      ["> > +\tx();", "> Is this right?", "", "LKReview: false-positive errcode", "", "> Other point", "lkreview: ack", "lkreview: nonsense"].join("\n"),
    );
    expect(cmds).toEqual([
      { verdict: "false-positive", rule: "errcode", quote: ["> +\tx();", "Is this right?"] },
      { verdict: "ack", rule: null, quote: ["Other point"] },
    ]);
  });
});

describe("b4 external check result", () => {
  it("fails on an error, warns otherwise, passes when clean, with terse details", async () => {
    const patch = makePatch({
      files: [{ path: "kernel/livepatch/core.c", hunks: [{ start: 5, lines: [" {", "+\t/* TODO: lock this */", " }"] }] }],
    });
    const warn = b4Result((await analyse(patch)).reportable);
    expect(warn).toEqual({
      tool: "lkreview",
      status: "warn",
      summary: "1 finding: 1 warning",
      details: "kernel/livepatch/core.c:6: WARNING:test-todo: Is this TODO meant to stay in the patch?",
    });
    const fail = b4Result([{ ...(await analyse(patch)).reportable[0]!, severity: "error" }]);
    expect(fail.status).toBe("fail");
    expect(b4Result([])).toEqual({ tool: "lkreview", status: "pass", summary: "no issues found" });
  });
});
