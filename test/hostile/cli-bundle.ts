import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..", "..");

/**
 * Bundles src/cli.ts with esbuild into one file under node_modules/.cache (so
 * its bare imports resolve to the project's packages): the tests run the CLI
 * as a user does, from the sources of this tree, without depending on a
 * fresh `dist/`. Each caller gets its own file; remove it with `removeCli`.
 */
export async function buildCli(tag: string): Promise<string> {
  const out = join(root, "node_modules", ".cache", "lkr-hostile");
  mkdirSync(out, { recursive: true });
  const file = join(out, `cli-${tag}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, "src", "cli.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: file,
    logLevel: "silent",
  });
  return file;
}

export function removeCli(file: string): void {
  rmSync(file, { force: true });
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI with a minimal environment in `cwd`. */
export function runCli(file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [file, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env["PATH"] ?? "", HOME: opts.cwd, LKREVIEW_FROM: "lkreview bot <bot@review.example>", ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    p.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    p.on("error", reject);
    p.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
    p.stdin.end(opts.input ?? "");
  });
}
