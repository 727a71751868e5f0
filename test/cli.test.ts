import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import PostalMime from "postal-mime";

/**
 * End to end: the built CLI, as a user runs it, on the bundled examples.
 * (`npm test` builds dist/ first.)
 */

const root = join(import.meta.dirname, "..");
const cli = join(root, "dist", "src", "cli.js");
const leak = join(root, "examples", "livepatch-hook-leak.patch");
const clean = join(root, "examples", "clean.patch");

function run(args: string[], input?: string) {
  const cwd = mkdtempSync(join(tmpdir(), "lkreview-cli-"));
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    input: input ?? "",
    encoding: "utf8",
    env: { PATH: process.env["PATH"] ?? "", HOME: cwd, LKREVIEW_FROM: "lkreview bot <bot@review.example>" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, cwd };
}

function messageIdOf(path: string): string {
  const m = /^Message-I[dD]:\s*(<[^>]+>)/m.exec(readFileSync(path, "utf8"));
  if (!m?.[1]) throw new Error(`no Message-ID in ${path}`);
  return m[1];
}

describe("lkreview review", () => {
  it("prints one threaded LKML reply for the example with findings", async () => {
    const r = run(["review", leak]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("From ")).toBe(true);
    const raw = r.stdout.slice(r.stdout.indexOf("\n") + 1);
    const email = await PostalMime.parse(raw);
    expect(email.subject?.startsWith("Re: [PATCH")).toBe(true);
    expect(email.inReplyTo).toBe(messageIdOf(leak));
    expect(email.from?.address).toBe("bot@review.example");
    const body = email.text ?? "";
    expect(body).toMatch(/^On .+ wrote:$/m);
    expect(body).toMatch(/^> \+/m);
    expect(body).toContain("\n-- \nlkreview");
    const headers = new Map(email.headers.map((h) => [h.key, h.value]));
    expect(headers.get("auto-submitted")).toBe("auto-replied");
  });

  it("stays silent on a clean patch", () => {
    const r = run(["review", clean]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
  });

  it("prints the JSON shape other tools rely on", () => {
    const r = run(["review", "--format", "json", leak, clean]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { reviews: Record<string, unknown>[]; errors: unknown[] };
    expect(out.errors).toEqual([]);
    expect(out.reviews).toHaveLength(2);
    const [withFindings, quiet] = out.reviews;
    expect(Object.keys(withFindings ?? {}).sort()).toEqual(["findings", "messageId", "reply", "series", "subject"]);
    expect(withFindings?.["messageId"]).toBe(messageIdOf(leak));
    const findings = withFindings?.["findings"] as Record<string, unknown>[];
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(Object.keys(f).sort()).toEqual(["class", "endLine", "file", "line", "message", "rule", "severity", "source"]);
      expect(f["source"]).toBe("rule");
    }
    expect(new Set(findings.map((f) => f["class"]))).toEqual(new Set(["unreleased", "typo", "warn", "errcode"]));
    expect(typeof withFindings?.["reply"]).toBe("string");
    expect(quiet?.["findings"]).toEqual([]);
    expect(quiet?.["reply"]).toBeNull();
  });

  it("reads a patch from stdin", () => {
    const r = run(["review", "-", "--format", "terse"], readFileSync(leak, "utf8"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kernel\/livepatch\/\S+:\d+: WARNING:\w+: /m);
  });

  it("writes one .eml per reply with --out", () => {
    const cwdOut = mkdtempSync(join(tmpdir(), "lkreview-out-"));
    const r = run(["review", "--out", cwdOut, leak, clean]);
    expect(r.code).toBe(0);
    expect(readdirSync(cwdOut).filter((f) => f.endsWith(".eml"))).toHaveLength(1);
  });

  it("exits 3 with one clear line for a broken message and still reviews the rest", () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-bad-"));
    const bad = join(dir, "nodiff.patch");
    writeFileSync(
      bad,
      "From: Someone <someone@example.org>\nSubject: [PATCH] livepatch: words only\nMessage-ID: <nodiff-1@example.org>\nDate: Mon, 3 Mar 2025 10:00:00 +0000\n\nThis says PATCH but carries no diff.\n",
    );
    const r = run(["review", "--format", "json", bad, leak]);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { reviews: unknown[]; errors: { source: string; message: string }[] };
    expect(out.reviews).toHaveLength(1);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]?.message).toContain("<nodiff-1@example.org>");
    expect(out.errors[0]?.message).toMatch(/no unified diff/);
    const errorLines = r.stderr
      .trim()
      .split("\n")
      .filter((l) => !l.includes("model review off"));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/<nodiff-1@example.org>: no unified diff/);
  });

  it("exits 2 for a missing file and for bad usage", () => {
    expect(run(["review", "/nonexistent/x.patch"]).code).toBe(2);
    expect(run(["review", "--format", "xml", leak]).code).toBe(2);
    expect(run(["frobnicate"]).code).toBe(2);
    const outWithJson = run(["review", "--out", mkdtempSync(join(tmpdir(), "lkreview-o-")), "--format", "json", leak]);
    expect(outWithJson.code).toBe(2);
    expect(outWithJson.stderr).toMatch(/--out .* does not go with --format json/);
  });

  it("exits 1 with --fail-on warning when there are warnings", () => {
    expect(run(["review", "--fail-on", "warning", leak]).code).toBe(1);
    expect(run(["review", "--fail-on", "warning", clean]).code).toBe(0);
  });
});

describe("lkreview review on a series", () => {
  const dir = join(root, "test", "fixtures", "cli", "series");

  it("reviews the cover letter for typos, each patch once, and skips the reply", () => {
    const r = run(["review", "--format", "json", dir]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      reviews: {
        messageId: string;
        series: { version: number; index: number; total: number };
        findings: { class: string; file: string; message: string }[];
        reply: string | null;
      }[];
    };
    expect(out.reviews.map((v) => v.series)).toEqual([
      { version: 3, index: 0, total: 2 },
      { version: 3, index: 1, total: 2 },
      { version: 3, index: 2, total: 2 },
    ]);
    expect(out.reviews.some((v) => v.messageId === "<reply-1@example.com>")).toBe(false);
    const [cover, first, second] = out.reviews;
    expect(cover?.findings.map((f) => [f.class, f.file])).toEqual([["typo", "COMMIT_MSG"]]);
    expect(first?.findings).toEqual([]);
    expect(first?.reply).toBeNull();
    expect(second?.findings.map((f) => f.class)).toEqual(["typo"]);
  });

  it("threads each reply under its own message", async () => {
    const r = run(["review", dir]);
    const messages = r.stdout.split(/^From \S+@\S+ .*$/m).filter((m) => m.trim() !== "");
    expect(messages).toHaveLength(2);
    const parsed = await Promise.all(messages.map((m) => PostalMime.parse(m.replace(/^\n/, ""))));
    expect(parsed.map((p) => p.inReplyTo)).toEqual(["<20250310132000.900-0-jane@example.org>", "<20250310132000.900-2-jane@example.org>"]);
    expect(parsed[1]?.text).toContain('"responsible"');
  });
});

describe("lkreview review on mail that is not a patch to review", () => {
  it("skips a forwarded patch without an error", () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-fwd-"));
    const fwd = join(dir, "fwd.eml");
    writeFileSync(fwd, readFileSync(leak, "utf8").replace(/^Subject: .*$/m, "Subject: Fwd: [PATCH] livepatch: Add per-object hooks"));
    const r = run(["review", "--format", "json", fwd]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ reviews: [], errors: [] });
  });
});
