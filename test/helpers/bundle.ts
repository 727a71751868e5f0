import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..", "..");

/**
 * Bundles one TypeScript entry of this tree with esbuild into a file under
 * node_modules/.cache (so its bare imports resolve to the project's
 * packages), for tests that run it as a child process from the sources,
 * without depending on a fresh `dist/`. Each caller gets its own file.
 */
export async function bundleEntry(entry: string, cacheDir: string, name: string): Promise<string> {
  const out = join(root, "node_modules", ".cache", cacheDir);
  mkdirSync(out, { recursive: true });
  const file = join(out, `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, entry)],
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

export function removeBundle(file: string): void {
  rmSync(file, { force: true });
}
