import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LkreviewError } from "../errors.js";

/**
 * Lets the maintainer edit `text` in their editor and returns the result.
 * `$VISUAL` wins over `$EDITOR` (the POSIX convention), `vi` when neither is
 * set. The command goes through `sh -c` so `EDITOR="emacs -nw"` works, with
 * the file as `$1` so its name is never parsed as shell text. The temp file
 * is private (0600): drafts may quote unpublished patches.
 */
export async function editText(text: string, env: NodeJS.ProcessEnv, label: string): Promise<string> {
  const editor = env["VISUAL"] || env["EDITOR"] || "vi";
  const dir = mkdtempSync(join(tmpdir(), "lkreview-edit-"));
  const file = join(dir, "draft.eml");
  try {
    writeFileSync(file, text, { mode: 0o600 });
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn("/bin/sh", ["-c", `${editor} "$1"`, "sh", file], { stdio: "inherit", env });
      child.once("error", reject);
      child.once("exit", (c, signal) => resolve(signal ? 128 : (c ?? 1)));
    }).catch((err: unknown) => {
      throw new LkreviewError("IO", label, `cannot run the editor ${editor}: ${(err as Error).message}`, { cause: err });
    });
    if (code !== 0) throw new LkreviewError("USAGE", label, `the editor exited with status ${code}; draft left unchanged`);
    return readFileSync(file, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
