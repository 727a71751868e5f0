import { Readable } from "node:stream";
import { main } from "../../src/cli.js";

/** What one in-process `lkreview` run printed, and its exit status. */
export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI's `main` in this process with `input` on stdin and the given environment, collecting its output. */
export async function runMain(args: string[], input = "", env: Record<string, string> = {}): Promise<MainRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdin: Readable.from([Buffer.from(input)]),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
  });
  return { code, stdout, stderr };
}
