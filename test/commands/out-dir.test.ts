import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleEntry, removeBundle } from "../helpers/bundle.js";

/**
 * `lkreview review --out DIR` on directories it cannot use: one clear line
 * and exit 2, at once, instead of hanging or failing halfway. Runs the CLI
 * as a child process, so a hang is caught by the kill below, not the suite.
 */

const leak = join(import.meta.dirname, "..", "..", "examples", "livepatch-hook-leak.patch");
let cli = "";

beforeAll(async () => {
  cli = await bundleEntry("src/cli.ts", "lkr-out-dir", "cli");
});
afterAll(() => removeBundle(cli));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `lkreview review --out <out> leak`; a run still going after 30 s is killed and shows as code null. */
function review(out: string, asPlainUser = false): Promise<Run> {
  const cwd = mkdtempSync(join(tmpdir(), "lkreview-outdir-"));
  chmodSync(cwd, 0o755);
  const args = [cli, "review", "--no-store", "--no-model", "--out", out, leak];
  // Permission bits do not bind root: as root, run the CLI without the
  // capabilities that override them (setpriv is in util-linux, which every
  // Debian system has). Still root, so it can read this checkout wherever
  // it lies, unlike another user.
  const dropDac = asPlainUser && process.getuid?.() === 0;
  const caps = "-dac_override,-dac_read_search";
  const [command, argv] = dropDac ? ["setpriv", [`--bounding-set=${caps}`, `--inh-caps=${caps}`, process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const p = spawn(command, argv, {
      cwd,
      env: { PATH: process.env["PATH"] ?? "", HOME: cwd, LKREVIEW_FROM: "lkreview bot <bot@review.example>" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    p.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The stderr lines that are about the failure (not the "model review off" notice). */
function faultLines(r: Run): string[] {
  return r.stderr
    .trim()
    .split("\n")
    .filter((l) => l !== "" && !l.includes("model review"));
}

describe("review --out", () => {
  it("fails at once with one line on a path under /proc, where no directory can be made", async () => {
    const r = await review("/proc/lkreview-out-test");
    expect(r.code).toBe(2);
    expect(faultLines(r)).toEqual(["lkreview review: /proc/lkreview-out-test: --out: cannot create the directory (ENOENT: no such file or directory)"]);
    expect(r.stdout).toBe("");
  });

  it("refuses a path that is a file, and a path below a file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-outfile-"));
    const file = join(dir, "replies");
    writeFileSync(file, "not a directory\n");
    const onFile = await review(file);
    expect(onFile.code).toBe(2);
    expect(faultLines(onFile)).toEqual([`lkreview review: ${file}: --out: is a file, not a directory`]);
    const below = await review(join(file, "more"));
    expect(below.code).toBe(2);
    expect(faultLines(below)).toEqual([`lkreview review: ${join(file, "more")}: --out: ${file} is not a directory`]);
  });

  it("refuses a read-only directory before reviewing anything, and one below it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-outro-"));
    chmodSync(dir, 0o555);
    const inside = await review(dir, true);
    expect(inside.code).toBe(2);
    expect(faultLines(inside)).toEqual([`lkreview review: ${dir}: --out: the directory is not writable (EACCES: permission denied)`]);
    const below = await review(join(dir, "replies"), true);
    expect(below.code).toBe(2);
    expect(faultLines(below)).toEqual([`lkreview review: ${join(dir, "replies")}: --out: cannot create the directory (EACCES: permission denied)`]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("creates missing levels and writes the reply there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-outok-"));
    const out = join(dir, "a", "b");
    const r = await review(out);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readdirSync(out).filter((f) => f.endsWith(".eml"))).toHaveLength(1);
    expect(faultLines(r)).toEqual([`lkreview: wrote 1 reply to ${out}`]);
  });
});
