import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createModelReviewer, TokenBudget } from "../../../src/analyse/model-layer/index.js";
import type { ModelCache } from "../../../src/analyse/model-layer/index.js";
import { startOpenAiServer } from "../../helpers/openai-server.js";
import type { OpenAiTestServer, ReceivedRequest } from "../../helpers/openai-server.js";
import { FAST_RETRY, HOOK_PATCH, modelConfig, patchFrom, ruleFinding } from "./fixtures.js";

const FILE = "kernel/livepatch/core.c";
const errcode = {
  class: "errcode",
  file: FILE,
  quote: '\t\tpr_err("object %s failed to initalize\\n", obj->name);\n\t\treturn 0;',
  message: "This reports an error but returns 0, so the caller thinks it worked. Shouldn't it return ret?",
  confidence: "high",
};
const typo = {
  class: "typo",
  file: FILE,
  quote: 'pr_err("object %s failed to initalize\\n", obj->name);',
  message: '"initalize" -> "initialize"',
  confidence: "medium",
};

let server: OpenAiTestServer;
beforeAll(async () => {
  server = await startOpenAiServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

function userText(r: ReceivedRequest | undefined): string {
  return r?.body.messages.find((m) => m.role === "user")?.content ?? "";
}

/** The text between `<<<FENCE NAME` and `FENCE>>>`. */
function dataBlock(user: string, name: string): string {
  const fence = /fence token for this request is (DATA-[0-9a-f]+)/.exec(user)?.[1] ?? "none";
  const start = user.indexOf(`<<<${fence} ${name}\n`);
  const end = user.indexOf(`\n${fence}>>>`, start);
  return start >= 0 && end > start ? user.slice(start, end) : "";
}

function memoryCache(): ModelCache & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, get: async (k) => map.get(k) ?? null, put: async (k, v) => void map.set(k, v) };
}

describe("model review against an OpenAI-compatible server", () => {
  it("sends the prompts and the patch as fenced data, and returns anchored findings", async () => {
    server.enqueue({ kind: "json", answer: { findings: [errcode, typo], doubts: [] }, usage: { prompt: 900, completion: 80 } });
    const reviewer = createModelReviewer(modelConfig(server.url), { retry: FAST_RETRY });
    const res = await reviewer.review(patchFrom(HOOK_PATCH), null, []);

    expect(res.stats.errors).toEqual([]);
    expect(res.usage).toEqual({ promptTokens: 900, completionTokens: 80, cached: false });
    expect(res.findings.map((f) => [f.class, f.line, f.endLine, f.severity, f.source, f.rule])).toEqual([
      ["typo", 128, 128, "note", "model", "model:review"],
      ["errcode", 128, 129, "warning", "model", "model:review"],
    ]);
    expect(res.findings[0]?.fix).toEqual({ from: "initalize", to: "initialize" });

    const req = server.requests[0];
    expect(req?.headers.authorization).toBe("Bearer sk-test");
    expect(req?.body.model).toBe("test-model");
    expect(req?.body.response_format?.type).toBe("json_schema");
    expect(req?.body.response_format?.json_schema?.strict).toBe(true);
    const systemFile = readFileSync(new URL("../../../prompts/system.md", import.meta.url), "utf8");
    const system = req?.body.messages[0]?.content ?? "";
    expect(system.startsWith(systemFile.split("\n---\n")[1]?.trim() ?? "x")).toBe(true);
    // The livepatch guidance joins in, because the patch touches kernel/livepatch/.
    expect(system).toContain("Shadow variables");
    const diff = dataBlock(userText(req), "DIFF");
    expect(diff).toContain("FILE: kernel/livepatch/core.c");
    expect(diff).toContain("@@ -118,7 +118,17 @@ in static int klp_init_object");
    // The first added line of a run carries its new-side number; the rest are as sent.
    expect(diff).toContain(
      "\n-\tret = klp_init_object_loaded(patch, obj);\n+121 \t/* Register the objects hook before the object is visible. */\n+\tret = klp_hook_register(obj->hook);\n",
    );
    expect(dataBlock(userText(req), "COMMIT MESSAGE")).toContain("Keep\nthe hooks in a small registry");
  });

  it("reads a streamed answer and its usage chunk", async () => {
    server.enqueue({ kind: "json", answer: { findings: [errcode], doubts: [] }, usage: { prompt: 700, completion: 50 } });
    const reviewer = createModelReviewer(modelConfig(server.url), { retry: FAST_RETRY, stream: true });
    const res = await reviewer.review(patchFrom(HOOK_PATCH), null, []);
    expect(server.requests[0]?.body.stream).toBe(true);
    expect(res.findings).toHaveLength(1);
    expect(res.usage).toMatchObject({ promptTokens: 700, completionTokens: 50 });
  });

  it("extracts the JSON from a plain answer with prose and a code fence", async () => {
    server.enqueue({ kind: "text", content: "Here is my review.\n\n```json\n" + JSON.stringify({ findings: [typo], doubts: [] }) + "\n```\n" });
    const res = await createModelReviewer(modelConfig(server.url), { retry: FAST_RETRY }).review(patchFrom(HOOK_PATCH), null, []);
    expect(res.findings.map((f) => f.message)).toEqual(['"initalize" -> "initialize"']);
  });

  it("turns malformed JSON into one error line and no findings", async () => {
    server.enqueue({ kind: "text", content: '{"findings": [{"class": "typo", "file": ' });
    const res = await createModelReviewer(modelConfig(server.url), { retry: FAST_RETRY }).review(patchFrom(HOOK_PATCH), null, []);
    expect(res.findings).toEqual([]);
    expect(res.stats.errors).toEqual(["<20250304081507.1234-2-jane@example.org> part 1/1: model answer is not JSON in the agreed shape"]);
  });

  it("drops and counts findings whose quote is not an added line", async () => {
    const invented = { ...errcode, quote: "\treturn -EINVAL;" };
    const context = { ...errcode, quote: "\tobj->patched = false;" };
    const elsewhere = { ...errcode, file: "kernel/livepatch/transition.c" };
    server.enqueue({ kind: "json", answer: { findings: [invented, context, elsewhere, typo], doubts: [] } });
    const res = await createModelReviewer(modelConfig(server.url), { retry: FAST_RETRY }).review(patchFrom(HOOK_PATCH), null, []);
    expect(res.stats.unanchored).toBe(3);
    expect(res.findings.map((f) => f.class)).toEqual(["typo"]);
  });

  it("tags low-confidence findings doubtful and maps doubts to rule findings", async () => {
    const rule = ruleFinding();
    server.enqueue({
      kind: "json",
      answer: {
        findings: [{ ...errcode, confidence: "low" }],
        doubts: [
          { rule: "unreleased", file: FILE, line: 122, reason: "klp_init_object_loaded() unregisters the hook itself on failure." },
          { rule: "no-such-rule", file: FILE, line: 122, reason: "x" },
        ],
      },
    });
    const res = await createModelReviewer(modelConfig(server.url), { retry: FAST_RETRY }).review(patchFrom(HOOK_PATCH), null, [rule]);
    expect(res.findings[0]?.tags).toEqual(["doubtful"]);
    expect(res.findings[0]?.severity).toBe("note");
    expect(res.doubts).toEqual([{ fingerprint: rule.fingerprint, reason: "klp_init_object_loaded() unregisters the hook itself on failure." }]);
    expect(res.stats.dropped).toBe(1);
    // The rule findings are shown to the model as data, so it can confirm or doubt them.
    expect(dataBlock(userText(server.requests[0]), "RULE FINDINGS")).toContain("rule=unreleased class=unreleased file=kernel/livepatch/core.c line=122-126");
  });
});

describe("failures never fail the review", () => {
  it("waits as Retry-After asks on 429, then succeeds", async () => {
    server.enqueue(
      {
        kind: "error",
        status: 429,
        message: "Rate limit reached for requests",
        type: "requests",
        code: "rate_limit_exceeded",
        headers: { "retry-after": "1" },
      },
      { kind: "json", answer: { findings: [typo], doubts: [] } },
    );
    const waits: number[] = [];
    const sleep = (ms: number): Promise<void> => {
      waits.push(ms);
      return new Promise((r) => setTimeout(r, ms));
    };
    const res = await createModelReviewer(modelConfig(server.url), { retry: FAST_RETRY, sleep }).review(patchFrom(HOOK_PATCH), null, []);
    expect(server.requests).toHaveLength(2);
    expect(res.findings).toHaveLength(1);
    expect(res.stats.errors).toEqual([]);
    // The server's Retry-After (1 s), not our 10 ms backoff step.
    expect(waits).toEqual([1_000]);
  });

  it("honours retry-after-ms on a 503 and backs off on its own without a header", async () => {
    server.enqueue(
      { kind: "error", status: 503, message: "Service unavailable", type: "server_error", headers: { "retry-after-ms": "30" } },
      { kind: "error", status: 502, message: "Bad gateway", type: "server_error" },
      { kind: "json", answer: { findings: [], doubts: [] } },
    );
    const waits: number[] = [];
    const sleep = async (ms: number): Promise<void> => {
      waits.push(ms);
    };
    const res = await createModelReviewer(modelConfig(server.url), { retry: FAST_RETRY, sleep }).review(patchFrom(HOOK_PATCH), null, []);
    expect(res.stats.errors).toEqual([]);
    expect(waits[0]).toBe(30);
    // Second attempt's own backoff: between half and all of 2 x 10 ms.
    expect(waits[1]).toBeGreaterThanOrEqual(10);
    expect(waits[1]).toBeLessThanOrEqual(20);
  });

  it("gives up after the configured retries on 500 with one error line", async () => {
    for (let i = 0; i < 3; i++)
      server.enqueue({ kind: "error", status: 500, message: "The server had an error while processing your request.", type: "server_error" });
    const res = await createModelReviewer(modelConfig(server.url, { maxRetries: 2 }), { retry: FAST_RETRY }).review(patchFrom(HOOK_PATCH), null, []);
    expect(server.requests).toHaveLength(3);
    expect(res.findings).toEqual([]);
    expect(res.stats.errors).toHaveLength(1);
    expect(res.stats.errors[0]).toMatch(/^<20250304081507\.1234-2-jane@example\.org> part 1\/1: HTTP 500: .*after 3 attempts$/);
  });

  it("times out on a slow answer, retries, and reports it", async () => {
    const slow = { kind: "slow" as const, delayMs: 3_000, then: { kind: "json" as const, answer: { findings: [], doubts: [] } } };
    server.enqueue(slow, slow);
    const res = await createModelReviewer(modelConfig(server.url, { timeoutMs: 200, maxRetries: 1 }), { retry: FAST_RETRY }).review(
      patchFrom(HOOK_PATCH),
      null,
      [],
    );
    expect(server.requests).toHaveLength(2);
    expect(res.stats.errors[0]).toMatch(/timed out.*after 2 attempts/i);
  });

  it("retries once without json_schema when the server rejects it, and remembers that", async () => {
    const plain = await startOpenAiServer();
    try {
      plain.rejectJsonSchema = true;
      plain.enqueue({ kind: "json", answer: { findings: [typo], doubts: [] } }, { kind: "json", answer: { findings: [], doubts: [] } });
      const reviewer = createModelReviewer(modelConfig(plain.url), { retry: FAST_RETRY });
      const first = await reviewer.review(patchFrom(HOOK_PATCH), null, []);
      expect(first.findings).toHaveLength(1);
      expect(plain.requests.map((r) => r.body.response_format?.type ?? "none")).toEqual(["json_schema", "none"]);
      await createModelReviewer(modelConfig(plain.url), { retry: FAST_RETRY }).review(patchFrom(HOOK_PATCH, "other"), null, []);
      expect(plain.requests.map((r) => r.body.response_format?.type ?? "none")).toEqual(["json_schema", "none", "none"]);
    } finally {
      await plain.close();
    }
  });
});

describe("cost", () => {
  it("serves the same patch from the cache without a request; noCache asks again", async () => {
    const cache = memoryCache();
    server.enqueue({ kind: "json", answer: { findings: [errcode], doubts: [] } });
    const first = await createModelReviewer(modelConfig(server.url), { cache, retry: FAST_RETRY }).review(patchFrom(HOOK_PATCH), null, []);
    expect(first.usage.cached).toBe(false);
    expect(first.usage.promptTokens).toBeGreaterThan(0);

    const second = await createModelReviewer(modelConfig(server.url), { cache, retry: FAST_RETRY }).review(patchFrom(HOOK_PATCH), null, []);
    expect(server.requests).toHaveLength(1);
    expect(second.usage).toEqual({ promptTokens: 0, completionTokens: 0, cached: true });
    expect(second.findings).toEqual(first.findings);

    // Another model name is another key.
    server.enqueue({ kind: "json", answer: { findings: [], doubts: [] } }, { kind: "json", answer: { findings: [], doubts: [] } });
    await createModelReviewer(modelConfig(server.url, { name: "other-model" }), { cache, retry: FAST_RETRY }).review(patchFrom(HOOK_PATCH), null, []);
    expect(server.requests).toHaveLength(2);
    const forced = await createModelReviewer(modelConfig(server.url), { cache, noCache: true, retry: FAST_RETRY }).review(patchFrom(HOOK_PATCH), null, []);
    expect(server.requests).toHaveLength(3);
    expect(forced.usage.cached).toBe(false);
  });

  it("does not cache a failed answer", async () => {
    const cache = memoryCache();
    server.enqueue({ kind: "text", content: "I cannot review this." });
    await createModelReviewer(modelConfig(server.url), { cache, retry: FAST_RETRY }).review(patchFrom(HOOK_PATCH), null, []);
    expect(cache.map.size).toBe(0);
  });

  it("splits a big patch into several requests under the token budget, each with its own hunks", async () => {
    const files: string[] = [];
    for (let i = 0; i < 4; i++) {
      const body = Array.from({ length: 30 }, (_, k) => `+\tsample_field_${i}_${k} = compute_value(${k});`).join("\n");
      files.push(
        `diff --git a/samples/livepatch/s${i}.c b/samples/livepatch/s${i}.c\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/samples/livepatch/s${i}.c\n@@ -0,0 +1,30 @@\n${body}\n`,
      );
    }
    const patch = patchFrom(`Add four sample files.\n\nSigned-off-by: Jane Developer <jane@example.org>\n---\n${files.join("")}`);
    server.fallback = { kind: "slow", delayMs: 20, then: { kind: "json", answer: { findings: [], doubts: [] } } };
    const res = await createModelReviewer(modelConfig(server.url, { requestTokenBudget: 500, concurrency: 2 }), { retry: FAST_RETRY }).review(patch, null, []);
    expect(res.stats.requests).toBeGreaterThanOrEqual(4);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    expect(server.requests).toHaveLength(res.stats.requests);
    const diffs = server.requests.map((r) => dataBlock(userText(r), "DIFF"));
    for (const d of diffs) expect(Math.ceil(d.length / 4)).toBeLessThanOrEqual(520);
    // Every added line went to the model exactly once.
    const all = diffs.join("\n");
    for (let i = 0; i < 4; i++) expect(all.split(`sample_field_${i}_29 =`)).toHaveLength(2);
    expect(userText(server.requests[0])).toMatch(/Review part 1 of \d+/);
  });

  it("stops model calls when the per-run budget is spent, and the review goes on", async () => {
    server.fallback = { kind: "json", answer: { findings: [typo], doubts: [] }, usage: { prompt: 1_500, completion: 100 } };
    const budget = new TokenBudget(4_000);
    const reviewer = createModelReviewer(modelConfig(server.url), { budget, retry: FAST_RETRY });
    const a = await reviewer.review(patchFrom(HOOK_PATCH, "one"), null, []);
    const b = await reviewer.review(patchFrom(HOOK_PATCH, "two"), null, []);
    const c = await reviewer.review(patchFrom(HOOK_PATCH, "three"), null, []);
    expect(a.findings).toHaveLength(1);
    expect(b.findings).toHaveLength(1);
    expect(c.findings).toEqual([]);
    expect(c.stats.skipped).toBe(1);
    expect(c.stats.errors[0]).toMatch(/model token budget \(4000\) spent, 1 of 1 parts not reviewed/);
    expect(server.requests).toHaveLength(2);
  });
});
