import { describe, expect, it } from "vitest";
import { mergeFindings, modelStatus } from "../../../src/analyse/model-layer/index.js";
import { ConfigSchema } from "../../../src/config.js";
import type { Finding } from "../../../src/model.js";
import { HOOK_PATCH, patchFrom, ruleFinding } from "./fixtures.js";

const defaults = ConfigSchema.parse({}).model;

describe("modelStatus", () => {
  it("is off by default with one line saying how to turn it on", () => {
    const s = modelStatus(defaults, {});
    expect(s.enabled).toBe(false);
    expect(s.reason).toBe("lkreview: model review off: set OPENAI_API_KEY or OPENAI_BASE_URL to enable it; rules only");
    expect(s.reason).not.toContain("\n");
  });

  it("is on with a key alone or a base URL alone, and off with --no-model", () => {
    expect(modelStatus({ ...defaults, apiKey: "sk-x" }, {}).enabled).toBe(true);
    const local = modelStatus({ ...defaults, baseUrl: "http://user:secret@127.0.0.1:11434/v1" }, { model: "qwen2.5-coder" });
    expect(local).toEqual({ enabled: true, reason: "lkreview: model review with qwen2.5-coder at 127.0.0.1:11434/v1" });
    expect(local.reason).not.toContain("secret");
    expect(modelStatus({ ...defaults, apiKey: "sk-x" }, { noModel: true })).toEqual({
      enabled: false,
      reason: "lkreview: model review off (--no-model); rules only",
    });
    expect(modelStatus({ ...defaults, apiKey: "sk-x", enabled: false }, {}).enabled).toBe(false);
  });
});

function modelFinding(over: Partial<Finding> = {}): Finding {
  return {
    ...ruleFinding(),
    rule: "model:review",
    source: "model",
    severity: "warning",
    fingerprint: "bbbbbbbbbbbbbbbb",
    message: "The hook leaks here.",
    line: 126,
    endLine: 126,
    ...over,
  };
}

describe("mergeFindings", () => {
  it("folds a model finding of the same class on the same lines into the rule finding", () => {
    const rule = ruleFinding();
    const merged = mergeFindings([rule], { findings: [modelFinding()], doubts: [] });
    expect(merged).toHaveLength(1);
    expect(merged[0]?.source).toBe("rule");
    expect(merged[0]?.tags).toEqual(["model-confirmed"]);
    expect(merged[0]?.message).toBe(rule.message);
  });

  it("keeps a model finding of another class or on other lines", () => {
    const other = modelFinding({ class: "typo", fingerprint: "c1" });
    const far = modelFinding({ line: 128, endLine: 128, fingerprint: "c2" });
    const merged = mergeFindings([ruleFinding()], { findings: [other, far], doubts: [] });
    expect(merged.map((f) => f.source)).toEqual(["rule", "model", "model"]);
    expect(merged[0]?.tags).toEqual([]);
  });

  it("marks doubted rule findings doubtful and leaves the rest alone", () => {
    const doubted = ruleFinding();
    const kept = ruleFinding({ rule: "errcode-zero", class: "errcode", fingerprint: "dddddddddddddddd", line: 128, endLine: 129 });
    const merged = mergeFindings([doubted, kept], { findings: [], doubts: [{ fingerprint: doubted.fingerprint, reason: "released by the caller" }] });
    expect(merged.map((f) => f.tags)).toEqual([["doubtful"], []]);
  });

  it("puts the result in patch order when given the patch", () => {
    const patch = patchFrom(HOOK_PATCH);
    const msg = modelFinding({ file: "COMMIT_MSG", line: 1, endLine: 1, class: "typo", fingerprint: "e1" });
    const merged = mergeFindings(
      [ruleFinding({ line: 128, endLine: 128 })],
      { findings: [modelFinding({ class: "doc", line: 121, endLine: 121 }), msg], doubts: [] },
      patch,
    );
    expect(merged.map((f) => `${f.file}:${f.line}`)).toEqual(["COMMIT_MSG:1", "kernel/livepatch/core.c:121", "kernel/livepatch/core.c:128"]);
  });
});
