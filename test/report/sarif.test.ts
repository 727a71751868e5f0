import { describe, expect, it } from "vitest";
import { z } from "zod";
import { COMMIT_MSG } from "../../src/model.js";
import type { Finding, Review } from "../../src/model.js";
import { toSarif } from "../../src/report/sarif.js";
import { TEST_RULES } from "../github/fixtures.js";

/** The required parts of SARIF 2.1.0 (OASIS sarif-v2.1.0, sections 3.13-3.27), written from the spec's property tables. */
const level = z.enum(["none", "note", "warning", "error"]);
const message = z.object({ text: z.string().min(1) });
const region = z
  .object({ startLine: z.number().int().min(1), endLine: z.number().int().min(1).optional() })
  .refine((r) => r.endLine === undefined || r.endLine >= r.startLine, "endLine before startLine");
const location = z.object({
  physicalLocation: z.object({
    artifactLocation: z.object({
      uri: z
        .string()
        .min(1)
        .refine((u) => !/[\s\\]/.test(u), "uri must be a URI reference"),
      uriBaseId: z.string().min(1).optional(),
      index: z.number().int().min(0).optional(),
    }),
    region,
  }),
  logicalLocations: z.array(z.object({ name: z.string().min(1), fullyQualifiedName: z.string().optional() })).optional(),
});
const artifact = z.object({
  location: z.object({ uri: z.string().min(1), uriBaseId: z.string().optional() }),
  description: message.optional(),
  mimeType: z.string().optional(),
});
const reportingDescriptor = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  shortDescription: message.optional(),
  defaultConfiguration: z.object({ level }).optional(),
});
const result = z.object({
  ruleId: z.string().min(1),
  ruleIndex: z.number().int().min(0).optional(),
  level,
  message,
  locations: z.array(location).min(1),
  partialFingerprints: z.record(z.string(), z.string()),
});
const sarifLog = z.object({
  $schema: z.url().optional(),
  version: z.literal("2.1.0"),
  runs: z
    .array(
      z.object({
        tool: z.object({
          driver: z.object({
            name: z.string().min(1),
            version: z.string().min(1).optional(),
            informationUri: z.url().optional(),
            rules: z.array(reportingDescriptor),
          }),
        }),
        artifacts: z.array(artifact).optional(),
        results: z.array(result),
      }),
    )
    .min(1),
});

const review: Review = {
  messageId: "<20250304081507.1234-3-jane@example.org>",
  subject: "[PATCH v3 2/3] misc: hook: refuse negative values",
  series: { version: 3, index: 2, total: 3 },
  reply: null,
  findings: [
    {
      rule: "test-err-return",
      class: "errcode",
      severity: "error",
      file: "drivers/misc/hook.c",
      line: 15,
      endLine: 16,
      message: "This reports an error but returns 0.",
      source: "rule",
      fingerprint: "0123456789abcdef",
      tags: [],
    },
    {
      rule: "test-typo",
      class: "typo",
      severity: "warning",
      file: "drivers/misc/my hook.c",
      line: 13,
      endLine: 13,
      message: '"identifier"',
      source: "rule",
      fix: { from: "identifer", to: "identifier" },
      fingerprint: "fedcba9876543210",
      tags: [],
    },
    {
      rule: "model:lifetime",
      class: "design",
      severity: "note",
      file: "drivers/misc/hook.c",
      line: 20,
      endLine: 20,
      message: "Can this run after the hook is freed?",
      source: "model",
      fingerprint: "00112233aabbccdd",
      tags: ["doubtful"],
    },
  ],
};

describe("SARIF output", () => {
  it("is a valid SARIF 2.1.0 log with rules, levels, regions and fingerprints", () => {
    const log = sarifLog.parse(toSarif([review], TEST_RULES));
    const run = log.runs[0];
    expect(run?.tool.driver.name).toBe("lkreview");
    expect(run?.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    const ids = run?.tool.driver.rules.map((r) => r.id) ?? [];
    expect(ids).toEqual(expect.arrayContaining(["test-typo", "test-err-return", "model:lifetime"]));
    expect(run?.tool.driver.rules.find((r) => r.id === "test-err-return")?.defaultConfiguration?.level).toBe("error");
    expect(run?.tool.driver.rules.find((r) => r.id === "test-typo")?.defaultConfiguration?.level).toBe("warning");

    expect(run?.results.map((r) => r.level)).toEqual(["error", "warning", "note"]);
    const first = run?.results[0];
    expect(first?.locations[0]?.physicalLocation).toEqual({ artifactLocation: { uri: "drivers/misc/hook.c" }, region: { startLine: 15, endLine: 16 } });
    expect(first?.partialFingerprints["lkreview/v1"]).toBe("0123456789abcdef");
    expect(run?.results[1]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe("drivers/misc/my%20hook.c");
    for (const r of run?.results ?? []) {
      expect(run?.tool.driver.rules[r.ruleIndex ?? -1]?.id).toBe(r.ruleId);
    }
  });

  it("gives an empty results list, still valid, when nothing was found", () => {
    const log = sarifLog.parse(toSarif([{ ...review, findings: [] }], TEST_RULES));
    expect(log.runs[0]?.results).toEqual([]);
    expect(log.runs[0]?.tool.driver.rules).toHaveLength(2);
  });

  it("points a commit-message finding at that mail's commit message, not at a file of the tree", () => {
    const typo = (line: number): Finding => ({
      rule: "test-typo",
      class: "typo",
      severity: "warning",
      file: COMMIT_MSG,
      line,
      endLine: line,
      message: '"registered"',
      source: "rule",
      fingerprint: `c0ffee${line}`,
      tags: [],
    });
    const other: Review = { ...review, messageId: "<20250304081507.1234-2-jane@example.org>", subject: "[PATCH v3 1/3] misc: hook: add", findings: [typo(3)] };
    const log = sarifLog.parse(toSarif([{ ...review, findings: [typo(2), review.findings[0] as Finding, typo(5)] }, other], TEST_RULES));
    const run = log.runs[0];
    const [first, inFile, second, third] = run?.results ?? [];
    const where = (r: typeof first) => r?.locations[0]?.physicalLocation;

    // Two patches' commit messages are two artifacts; one patch's findings share one.
    expect(where(first)?.artifactLocation.uri).toBe("20250304081507.1234-3-jane%40example.org/commit-message");
    expect(where(second)?.artifactLocation.uri).toBe(where(first)?.artifactLocation.uri);
    expect(where(third)?.artifactLocation.uri).toBe("20250304081507.1234-2-jane%40example.org/commit-message");
    for (const r of [first, second, third]) {
      expect(where(r)?.artifactLocation.uri).not.toMatch(/^COMMIT_MSG$|:/);
      expect(where(r)?.artifactLocation.uriBaseId).toBe("PATCH_MAIL");
      expect(r?.locations[0]?.logicalLocations?.[0]?.name).toBe("commit message");
    }
    expect(where(first)?.region).toEqual({ startLine: 2, endLine: 2 });
    expect(where(second)?.region).toEqual({ startLine: 5, endLine: 5 });

    // The artifact entry says what it is, for a viewer that lists artifacts.
    const artifactOf = (r: typeof first) => run?.artifacts?.[where(r)?.artifactLocation.index ?? -1];
    expect(run?.artifacts).toHaveLength(2);
    expect(artifactOf(first)?.location.uri).toBe(where(first)?.artifactLocation.uri);
    expect(artifactOf(first)?.description?.text).toBe(
      "Commit message of <20250304081507.1234-3-jane@example.org>: [PATCH v3 2/3] misc: hook: refuse negative values",
    );
    expect(artifactOf(third)?.mimeType).toBe("text/plain");

    // A finding in a file keeps its plain repository path.
    expect(where(inFile)?.artifactLocation).toEqual({ uri: "drivers/misc/hook.c" });
  });
});
