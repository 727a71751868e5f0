import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReviewRun } from "../../src/model.js";
import { buildCli, removeCli, runCli } from "./cli-bundle.js";

/**
 * The CLI (`review --format json`) over our corpus of broken mails in
 * test/fixtures/hostile/ plus generated giants (a 50 MB message, a gzip bomb,
 * a diff of 200,001 lines): each one is reviewed sensibly or gives one clear
 * line naming it, and the batch goes on to the good patch after it.
 */

const root = join(import.meta.dirname, "..", "..");
const hostile = (name: string): string => join(root, "test", "fixtures", "hostile", name);
const GOOD = join(root, "examples", "livepatch-hook-leak.patch");
const GOOD_ID = "<20250304081507.48213-1-jane@example.org>";

let cli = "";
let dir = "";

beforeAll(async () => {
  cli = await buildCli("broken");
  dir = mkdtempSync(join(tmpdir(), "lkr-hostile-"));
});

afterAll(() => {
  removeCli(cli);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function review(paths: string[], extra: string[] = []): Promise<{ code: number | null; run: ReviewRun; stderr: string }> {
  const r = await runCli(cli, ["review", "--format", "json", "--no-store", "--no-model", ...extra, ...paths], { cwd: dir });
  let run: ReviewRun;
  try {
    run = JSON.parse(r.stdout) as ReviewRun;
  } catch {
    throw new Error(`no JSON on stdout (exit ${r.code}): ${r.stderr.slice(0, 500)}`);
  }
  return { code: r.code, run, stderr: r.stderr };
}

function reviewOf(run: ReviewRun, id: string) {
  return run.reviews.find((r) => r.messageId === id);
}

/** Every error is one line that starts with the item it is about. */
function expectClearErrors(run: ReviewRun, stderr: string): void {
  for (const e of run.errors) {
    expect(e.message).not.toMatch(/[\r\n]/);
    expect(e.message.startsWith(`${e.source}: `) || e.message.startsWith(e.source)).toBe(true);
    expect(stderr).toContain(`lkreview: ${e.message}\n`);
  }
}

function writeConfig(name: string, limits: Record<string, number>): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `limits:\n${Object.entries(limits)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join("\n")}\n`,
  );
  return file;
}

describe("review over broken mails", () => {
  it("reviews each damaged patch sensibly, refuses non-mail with one line each, and goes on", async () => {
    const { code, run, stderr } = await review([
      hostile("not-a-mail.eml"),
      hostile("truncated-base64.eml"),
      hostile("wrong-charset.eml"),
      hostile("unknown-charset.eml"),
      hostile("no-end-boundary.eml"),
      hostile("binary-diff.patch"),
      hostile("crlf-diff.patch"),
      hostile("no-trailing-newline.patch"),
      hostile("nul-header.eml"),
      hostile("long-line.patch"),
      GOOD,
    ]);
    expect(code).toBe(3);
    expectClearErrors(run, stderr);
    expect(run.errors.map((e) => e.message)).toEqual([
      `${hostile("not-a-mail.eml")}: not a mail message: it does not start with a header line`,
      `${hostile("nul-header.eml")}: not a mail message: NUL bytes in the header block`,
    ]);
    const typoAt = (id: string) =>
      reviewOf(run, id)
        ?.findings.filter((f) => f.rule === "typo")
        .map((f) => `${f.file}:${f.line}`);
    // The damaged-but-readable patches are all reviewed, and the typo on their added comment is found.
    for (const id of [
      "<hostile-charset@example.org>",
      "<hostile-unknown-cs@example.org>",
      "<hostile-noend@example.org>",
      "<hostile-binary@example.org>",
      "<hostile-nonl@example.org>",
    ]) {
      expect(typoAt(id), id).toEqual(["kernel/livepatch/state.c:32"]);
    }
    expect(typoAt("<hostile-crlf@example.org>")).toEqual(["Documentation/livepatch/state.rst:32"]);
    // A base64 attachment cut short: what decodes is reviewed, nothing is invented.
    expect(reviewOf(run, "<hostile-b64@example.org>")).toBeDefined();
    // A 10,000-character line is skipped by the rules (its "occured" is not reported); the rest of the patch is reviewed.
    expect(typoAt("<hostile-longline@example.org>")).toEqual(["kernel/livepatch/state.c:32"]);
    // The good patch after all of them is reviewed in full.
    expect(reviewOf(run, GOOD_ID)?.findings.length).toBeGreaterThan(0);
    // Replies carry no bare CR or LF, whatever the input's line ends were.
    for (const r of run.reviews) if (r.reply) expect(r.reply.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  });

  it("wrong charset: the reply quotes the line with a replacement character, not raw bytes", async () => {
    const { run } = await review([hostile("wrong-charset.eml")]);
    const reply = reviewOf(run, "<hostile-charset@example.org>")?.reply ?? "";
    expect(reply).toContain("> +\t/* recieve the caf\uFFFD state */\r\n");
    expect(reviewOf(run, "<hostile-charset@example.org>")?.subject).toBe("[PATCH] livepatch: Describe the caf\uFFFD state");
    // eslint-disable-next-line no-control-regex -- asserts that no control character is left
    expect(reply).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
  });
});

describe("limits over the CLI", () => {
  const big = (): string => {
    const file = join(dir, "big.mbox");
    // 50 MB: an added line of 5,000 characters repeated 10,000 times, then a good patch in the same mbox.
    const line = `+\tstatic const char blob[] = "${"A".repeat(5_010)}";\n`;
    const head = [
      "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001",
      "From: Jane Developer <jane@example.org>",
      "Date: Tue, 4 Mar 2025 09:15:07 +0100",
      "Subject: [PATCH] livepatch: Embed a firmware blob",
      "Message-ID: <hostile-50mb@example.org>",
      "",
      "A 50 MB patch.",
      "---",
      "diff --git a/kernel/livepatch/blob.c b/kernel/livepatch/blob.c",
      "--- a/kernel/livepatch/blob.c",
      "+++ b/kernel/livepatch/blob.c",
      "@@ -1,1 +1,10001 @@",
      " /* recieve the blob */",
      "",
    ].join("\n");
    const count = 10_000;
    writeFileSync(file, head + line.repeat(count) + "\n" + readFileSync(GOOD, "utf8"));
    expect(head.length + line.length * count).toBeGreaterThan(50_000_000);
    return file;
  };

  it("a 50 MB message is refused by the default limits.maxMessageBytes, and the next message in the mbox is reviewed", async () => {
    const file = big();
    const { code, run, stderr } = await review([file]);
    expect(code).toBe(3);
    expectClearErrors(run, stderr);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]?.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}#1: message of 5\\d{7} bytes exceeds limits\\.maxMessageBytes \\(33554432\\)$`),
    );
    expect(reviewOf(run, GOOD_ID)).toBeDefined();
  });

  it("the same 50 MB message is reviewed when the config file's limits: section allows it; its over-long lines are skipped", async () => {
    const file = big();
    const config = writeConfig("big.yaml", { maxMessageBytes: 64 * 1024 * 1024 });
    const { code, run } = await review([file], ["--config", config]);
    expect(run.errors).toEqual([]);
    expect(code).toBe(0);
    const r = reviewOf(run, "<hostile-50mb@example.org>");
    expect(r).toBeDefined();
    expect(r?.findings).toEqual([]);
    expect(reviewOf(run, GOOD_ID)).toBeDefined();
  });

  it("a .gz that expands a thousand times past limits.maxGunzipBytes is refused with a LIMIT line, and the batch goes on", async () => {
    const bomb = join(dir, "bomb.mbox.gz");
    const cap = 64 * 1024;
    const expanded = Buffer.concat([Buffer.from(readFileSync(GOOD, "utf8")), Buffer.alloc(cap * 1000, "\n")]);
    writeFileSync(bomb, gzipSync(expanded, { level: 9 }));
    expect(readFileSync(bomb).length).toBeLessThan(cap * 2);
    const config = writeConfig("gz.yaml", { maxGunzipBytes: cap });
    const { code, run, stderr } = await review([bomb, GOOD], ["--config", config]);
    expect(code).toBe(3);
    expectClearErrors(run, stderr);
    expect(run.errors.map((e) => e.message)).toEqual([
      `${bomb}: gzip data expands beyond limits.maxGunzipBytes (${cap} bytes); refusing a possible decompression bomb`,
    ]);
    expect(reviewOf(run, GOOD_ID)).toBeDefined();
  });

  it("a diff of more than limits.maxDiffLines lines is one LIMIT line naming the message, not a truncated review", async () => {
    const file = join(dir, "long-diff.patch");
    const n = 200_001;
    writeFileSync(
      file,
      [
        "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001",
        "From: Jane Developer <jane@example.org>",
        "Date: Tue, 4 Mar 2025 09:15:07 +0100",
        "Subject: [PATCH] livepatch: Generated table",
        "Message-ID: <hostile-lines@example.org>",
        "",
        "Generated.",
        "---",
        "diff --git a/lib/table.c b/lib/table.c",
        "--- a/lib/table.c",
        "+++ b/lib/table.c",
        `@@ -0,0 +1,${n} @@`,
        ...Array.from({ length: n }, (_, i) => `+${i},`),
        "",
      ].join("\n"),
    );
    const { code, run, stderr } = await review([file, GOOD]);
    expect(code).toBe(3);
    expectClearErrors(run, stderr);
    expect(run.errors.map((e) => e.message)).toEqual([
      `<hostile-lines@example.org>: diff of ${n + 4} lines exceeds limits.maxDiffLines (200000); not reviewed`,
    ]);
    expect(reviewOf(run, "<hostile-lines@example.org>")).toBeUndefined();
    expect(reviewOf(run, GOOD_ID)).toBeDefined();
  });

  it("limits.maxDiffLines from the config file's limits: section applies to the review", async () => {
    const config = writeConfig("lines.yaml", { maxDiffLines: 50 });
    const { code, run, stderr } = await review([GOOD, hostile("no-trailing-newline.patch")], ["--config", config]);
    expect(code).toBe(3);
    expectClearErrors(run, stderr);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]?.message).toMatch(
      /^<20250304081507\.48213-1-jane@example\.org>: diff of \d+ lines exceeds limits\.maxDiffLines \(50\); not reviewed$/,
    );
    expect(reviewOf(run, "<hostile-nonl@example.org>")).toBeDefined();
  });

  it("a bad limits: section in the config file is a CONFIG error naming the key", async () => {
    const config = writeConfig("bad.yaml", { maxMessageBytes: -1 });
    const r = await runCli(cli, ["review", "--format", "json", "--no-store", "--config", config, GOOD], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lkreview: .*bad\.yaml: limits\.maxMessageBytes: /);
  });
});
