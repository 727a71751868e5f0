import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..", "..");

/**
 * Bundles test/mail/watch-child.ts with esbuild into one file under
 * node_modules/.cache (so its bare imports resolve to the project's packages)
 * and returns its path. Each caller gets its own file; remove it with
 * `removeChild`.
 */
export async function buildChild(tag: string): Promise<string> {
  const out = join(root, "node_modules", ".cache", "lkr-mail");
  mkdirSync(out, { recursive: true });
  const file = join(out, `watch-child-${tag}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, "test", "mail", "watch-child.ts")],
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

export function removeChild(file: string): void {
  rmSync(file, { force: true });
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
