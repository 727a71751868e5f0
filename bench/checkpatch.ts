import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../src/config.js";
import { readInputs } from "../src/ingest/files.js";
import { isIngestFailure } from "../src/ingest/item.js";

/**
 * The comparison run for the throughput benchmark: the same patch mails, one
 * file each in a temporary directory, through `checkpatch.pl --no-tree
 * --terse`. Files go to checkpatch in batches (it takes many per run), so
 * its Perl start-up is paid once per batch, which is in its favour; writing
 * the files is not timed.
 */

export interface CheckpatchRun {
  patches: number;
  seconds: number;
  invocations: number;
  /** Lines checkpatch printed (its findings and tallies), to show it really ran. */
  outputLines: number;
}

const BATCH = 100;

export async function runCheckpatch(script: string, mbox: string, sources: ReadonlySet<string>, config: Config): Promise<CheckpatchRun> {
  const dir = await mkdtemp(join(tmpdir(), "lkreview-checkpatch-"));
  try {
    const files: string[] = [];
    for await (const item of readInputs([mbox], config.limits)) {
      if (isIngestFailure(item) || !sources.has(item.source)) continue;
      const path = join(dir, `${String(files.length + 1).padStart(6, "0")}.patch`);
      await writeFile(path, item.raw);
      files.push(path);
    }
    let outputLines = 0;
    let invocations = 0;
    const start = performance.now();
    for (let i = 0; i < files.length; i += BATCH) {
      outputLines += await runOnce(script, files.slice(i, i + BATCH));
      invocations++;
    }
    return { patches: files.length, seconds: (performance.now() - start) / 1000, invocations, outputLines };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One `perl checkpatch.pl --no-tree --terse FILE...`; its exit status says "found something", not "failed". */
function runOnce(script: string, files: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("perl", [script, "--no-tree", "--terse", ...files], { stdio: ["ignore", "pipe", "pipe"] });
    let lines = 0;
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      for (const c of b) if (c === 0x0a) lines++;
    });
    child.stderr.on("data", (b: Buffer) => {
      if (stderr.length < 2000) stderr += b.toString();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      // checkpatch exits 1 when it reports something; anything else (or no output at all) means it did not run.
      if (signal || (code !== 0 && code !== 1))
        reject(new Error(`checkpatch ${script} failed (${signal ?? `exit ${code}`}): ${stderr.trim().split("\n")[0] ?? ""}`));
      else resolve(lines);
    });
  });
}
