import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { addedIndex, anchorQuote, cleanMessage } from "../../../src/analyse/model-layer/anchor.js";
import { answerJsonSchema, extractJson, parseAnswer } from "../../../src/analyse/model-layer/answer.js";
import { backoffMs, retryAfterMs } from "../../../src/analyse/model-layer/client.js";
import { globToRegExp, guidanceFor, loadPrompts, parsePromptFile } from "../../../src/analyse/model-layer/prompts.js";
import { fillTemplate, makeFence, splitPatch } from "../../../src/analyse/model-layer/render.js";
import { TokenBudget } from "../../../src/analyse/model-layer/tokens.js";
import { HOOK_PATCH, patchFrom } from "./fixtures.js";

describe("anchoring quotes to added lines", () => {
  const index = addedIndex(patchFrom(HOOK_PATCH));
  const file = "kernel/livepatch/core.c";

  it("anchors consecutive added lines after whitespace normalisation", () => {
    const a = anchorQuote(index, file, "ret = klp_hook_register(obj->hook);\n  if (ret)\n\t\treturn   ret;");
    expect(a).toMatchObject({ line: 122, endLine: 124 });
  });

  it("accepts quotes carrying the diff '+' or the prompt's line markers", () => {
    expect(anchorQuote(index, file, "+\tret = klp_hook_register(obj->hook);")?.line).toBe(122);
    expect(anchorQuote(index, file, "+126 \tret = klp_init_object_loaded(patch, obj);")?.line).toBe(126);
  });

  it("refuses context lines, removed lines, other files and invented text", () => {
    expect(anchorQuote(index, file, "obj->patched = false;")).toBeNull();
    expect(anchorQuote(index, "kernel/livepatch/transition.c", "if (ret)")).toBeNull();
    expect(anchorQuote(index, file, "return -EINVAL;")).toBeNull();
    // Lines that exist but are not consecutive.
    expect(anchorQuote(index, file, "ret = klp_hook_register(obj->hook);\nreturn 0;")).toBeNull();
  });

  it("takes a distinctive part of one added line, not a short one", () => {
    expect(anchorQuote(index, file, "failed to initalize")?.line).toBe(128);
    expect(anchorQuote(index, file, "return")).toBeNull();
  });

  it("anchors commit message lines under COMMIT_MSG", () => {
    expect(anchorQuote(index, "COMMIT_MSG", "the hooks in a small registry so that the core can find them by id.")?.line).toBe(2);
  });
});

describe("cleaning model messages", () => {
  it("drops header and trailer lines, signature delimiters and quote markers", () => {
    const m = cleanMessage(
      'Looks leaky.\r\nCc: attacker@evil.example\nReviewed-by: Bot <bot@example.org>\nLink: https://evil.example/x\nFixes: 0123456789ab ("x")\n-- \n> +quoted\nSubject: approved',
    );
    expect(m).toBe("Looks leaky.\n+quoted");
  });

  it("keeps paragraphs but no runs of blank lines, and no control characters", () => {
    expect(cleanMessage("First.\n\n\n\n\nSecond.\u0007\u001b[31m")).toBe("First.\n\nSecond.[31m");
  });

  it("keeps an ordinary 'Note: ...' sentence and caps the length", () => {
    expect(cleanMessage("Note: this leaks the hook.")).toBe("Note: this leaks the hook.");
    const long = cleanMessage("word ".repeat(1000));
    expect(long.length).toBeLessThanOrEqual(1_210);
    expect(long.endsWith("[...]")).toBe(true);
  });
});

describe("answer extraction", () => {
  const answer = { findings: [], doubts: [] };

  it("finds the JSON in plain JSON, fenced JSON and JSON after prose", () => {
    expect(extractJson(JSON.stringify(answer))).toEqual(answer);
    expect(extractJson("Here you go:\n```json\n" + JSON.stringify(answer) + "\n```\nThanks")).toEqual(answer);
    expect(extractJson('Sure! {"findings": [], "doubts": []} Hope that helps {maybe}.')).toEqual(answer);
    expect(extractJson('{"findings": [ {"class": ')).toBeNull();
    expect(extractJson("no json at all")).toBeNull();
  });

  it("keeps well-formed entries and counts the rest", () => {
    const parsed = parseAnswer({
      findings: [
        { class: "typo", file: "a.c", quote: "x", message: '"y"', confidence: "high" },
        { class: "nonsense", file: "a.c", quote: "x", message: "m", confidence: "high" },
      ],
      doubts: [{ rule: "r", file: "a.c", line: 3.7, reason: "r" }, { rule: "r" }],
    });
    expect(parsed?.findings).toHaveLength(1);
    expect(parsed?.doubts[0]?.line).toBe(3);
    expect(parsed?.rejected).toBe(2);
    expect(parseAnswer({ approve: true })).toBeNull();
  });

  it("sends a strict schema: every key required, no extra keys", () => {
    const schema = answerJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: { findings: { items: { required: string[]; additionalProperties: boolean } } };
    };
    expect(schema.required).toEqual(["findings", "doubts"]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.findings.items.required).toEqual(["class", "file", "quote", "message", "confidence"]);
    expect(schema.properties.findings.items.additionalProperties).toBe(false);
  });
});

describe("retry timing", () => {
  it("reads retry-after-ms, retry-after seconds and HTTP dates", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "250" }))).toBe(250);
    expect(retryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2_000);
    const now = Date.parse("Tue, 04 Mar 2025 09:15:07 GMT");
    expect(retryAfterMs(new Headers({ "retry-after": "Tue, 04 Mar 2025 09:15:10 GMT" }), now)).toBe(3_000);
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }))).toBeNull();
    expect(retryAfterMs(new Headers())).toBeNull();
  });

  it("backs off exponentially with jitter, capped", () => {
    const opts = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffMs(0, opts, () => 0)).toBe(50);
    expect(backoffMs(2, opts, () => 1)).toBe(400);
    expect(backoffMs(10, opts, () => 1)).toBe(1_000);
  });
});

describe("prompts", () => {
  it("loads the prompt files with their front matter", () => {
    const set = loadPrompts();
    expect(set.system.id).toBe("system");
    expect(set.review.body).toContain("{{hunks}}");
    expect(guidanceFor(set, ["kernel/livepatch/core.c"]).map((g) => g.id)).toEqual(["livepatch"]);
    expect(guidanceFor(set, ["arch/x86/include/asm/livepatch.h"]).map((g) => g.id)).toEqual(["livepatch"]);
    expect(guidanceFor(set, ["mm/slab.c"])).toEqual([]);
  });

  it("names the file when the front matter is missing or wrong", () => {
    expect(() => parsePromptFile("no front matter", "prompts/x.md")).toThrow(/prompts\/x\.md: prompt file has no front matter/);
    expect(() => parsePromptFile("---\nid: x\n---\nbody", "prompts/x.md")).toThrow(/prompts\/x\.md: prompt front matter: version/);
  });

  it("matches globs like the watch list", () => {
    expect(globToRegExp("kernel/livepatch/**").test("kernel/livepatch/a/b.c")).toBe(true);
    expect(globToRegExp("include/linux/livepatch*.h").test("include/linux/livepatch_sched.h")).toBe(true);
    expect(globToRegExp("arch/*/include/asm/livepatch.h").test("arch/x86/sub/include/asm/livepatch.h")).toBe(false);
  });
});

describe("request texts", () => {
  it("fills placeholders once, so data cannot expand placeholders", () => {
    expect(fillTemplate("A {{a}} B {{b}}", { a: "{{b}}", b: "x" })).toBe("A {{b}} B x");
  });

  it("picks a fence token that does not occur in the data", () => {
    const tokens = ["aaaa", "bbbb"];
    expect(makeFence("text DATA-aaaa text", () => tokens.shift() ?? "z")).toBe("DATA-bbbb");
  });

  it("splits by hunk group under the budget and keeps every added line", () => {
    const patch = patchFrom(HOOK_PATCH);
    expect(splitPatch(patch, 12_000)).toHaveLength(1);
    const small = splitPatch(patch, 40);
    expect(small.length).toBeGreaterThan(2);
    const all = small.map((c) => c.diff).join("\n");
    for (const text of ["klp_hook_register(obj->hook);", "failed to initalize", "return 0;"]) expect(all.split(text)).toHaveLength(2);
    for (const c of small) {
      expect(c.diff.startsWith("FILE: kernel/livepatch/core.c")).toBe(true);
      // Each part can be read alone: its first added line says where it is.
      const firstAdded = c.diff.split("\n").find((l) => l.startsWith("+"));
      if (firstAdded !== undefined) expect(firstAdded).toMatch(/^\+1\d\d /);
    }
  });

  it("budget reservations refuse what would pass the limit", () => {
    const b = new TokenBudget(100);
    expect(b.reserve(60)).toBe(true);
    expect(b.reserve(60)).toBe(false);
    b.settle(60, 100);
    expect(b.exhausted).toBe(true);
  });
});

describe("the documented answer contract", () => {
  it("prompts/README.md and system.md describe the shape the schema enforces", () => {
    const readme = readFileSync(new URL("../../../prompts/README.md", import.meta.url), "utf8");
    const block = /```json\n([\s\S]*?)```/.exec(readme)?.[1] ?? "{}";
    const documented = JSON.parse(block) as { findings: Record<string, string>[]; doubts: Record<string, unknown>[] };
    const schema = answerJsonSchema() as { properties: Record<string, { items: { properties: Record<string, { enum?: string[] }> } }> };
    expect(Object.keys(documented)).toEqual(Object.keys(schema.properties));
    expect(Object.keys(documented.findings[0] ?? {})).toEqual(Object.keys(schema.properties["findings"]?.items.properties ?? {}));
    expect(Object.keys(documented.doubts[0] ?? {})).toEqual(Object.keys(schema.properties["doubts"]?.items.properties ?? {}));
    const classes = schema.properties["findings"]?.items.properties["class"]?.enum ?? [];
    expect(documented.findings[0]?.["class"]).toBe(classes.join("|"));
    expect(loadPrompts().system.body).toContain(classes.join("|"));
  });
});
