import { spawn } from "node:child_process";
import { bundleEntry, removeBundle } from "../helpers/bundle.js";

/** test/mail/watch-child.ts bundled for a child process (see bundleEntry); remove it with `removeChild`. */
export function buildChild(tag: string): Promise<string> {
  return bundleEntry("test/mail/watch-child.ts", "lkr-mail", `watch-child-${tag}`);
}

export function removeChild(file: string): void {
  removeBundle(file);
}

/** Runs one `watch --once` pass in a child process; resolves with how it ended. */
export function runChild(
  file: string,
  config: Record<string, unknown>,
  db: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [file, JSON.stringify(config), db], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    p.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });
}
