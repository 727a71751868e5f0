import { spawn } from "node:child_process";
import { bundleEntry, removeBundle } from "../helpers/bundle.js";

/** src/cli.ts bundled for a child process (see bundleEntry); remove it with `removeCli`. */
export function buildCli(tag: string): Promise<string> {
  return bundleEntry("src/cli.ts", "lkr-hostile", `cli-${tag}`);
}

export function removeCli(file: string): void {
  removeBundle(file);
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
