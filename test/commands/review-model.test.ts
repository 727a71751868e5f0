import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { startOpenAiServer } from "../helpers/openai-server.js";
import type { OpenAiTestServer } from "../helpers/openai-server.js";

/** `lkreview review` with the model layer on, through our loopback OpenAI server and the real SDK. */

const leak = join(import.meta.dirname, "..", "..", "examples", "livepatch-hook-leak.patch");
const quoteLine = "+\tret = klp_hook_apply_defaults(obj);";
let server: OpenAiTestServer;

beforeAll(async () => {
  server = await startOpenAiServer();
});
afterAll(async () => server.close());
beforeEach(() => server.reset());

async function review(args: string[]) {
  let out = "";
  let err = "";
  const dir = mkdtempSync(join(tmpdir(), "lkreview-model-"));
  const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test", LKREVIEW_MODEL: "test-model" };
  const code = await main(["review", "--db", join(dir, "s.sqlite"), ...args, leak], {
    stdin: Readable.from([]),
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
  });
  return { code, out, err };
}

describe("review with a model", () => {
  it("adds an anchored model finding to the JSON and the reply, with token usage", async () => {
    expect(readFileSync(leak, "utf8")).toContain(quoteLine);
    server.enqueue({
      kind: "json",
      answer: {
        findings: [
          {
            class: "style",
            file: "kernel/livepatch/core.c",
            quote: quoteLine.slice(1),
            message: "klp_hook_apply_defaults() reads like it could fail silently; is the name right?",
            confidence: "high",
          },
        ],
        doubts: [],
      },
      usage: { prompt: 900, completion: 40 },
    });
    const r = await review(["--format", "json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      reviews: { findings: { source: string; message: string }[]; usage?: { promptTokens: number; cached: boolean }; reply: string }[];
    };
    const review0 = out.reviews[0];
    const model = review0?.findings.filter((f) => f.source === "model") ?? [];
    expect(model.map((f) => f.message)).toEqual(["klp_hook_apply_defaults() reads like it could fail silently; is the name right?"]);
    expect(review0?.usage?.promptTokens).toBe(900);
    expect(review0?.reply.replace(/\s+/g, " ")).toContain("could fail silently; is the name right?");
    expect(server.requests.length).toBe(1);
  });

  it("says on stderr when the model fails, and still prints the rules' reply", async () => {
    server.fallback = { kind: "error", status: 401, message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" };
    const r = await review([]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Subject: Re: ");
    const modelLines = r.err.split("\n").filter((l) => l.startsWith("lkreview: model: "));
    expect(modelLines).toHaveLength(1);
    expect(modelLines[0]).toMatch(/401/);
    expect(r.err).not.toContain("sk-test");
  });
});
