import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { startPatchworkServer } from "../helpers/patchwork-server.js";
import type { PatchworkServer } from "../helpers/patchwork-server.js";

/** `review --enqueue` with Patchwork configured reports each review as a check. */

const root = join(import.meta.dirname, "..", "..");
const leak = join(root, "examples", "livepatch-hook-leak.patch");
const clean = join(root, "examples", "clean.patch");
const msgid = (p: string) => /^Message-I[dD]:\s*(<[^>]+>)/m.exec(readFileSync(p, "utf8"))?.[1] ?? "";

let pw: PatchworkServer;
beforeAll(async () => {
  pw = await startPatchworkServer({
    tokens: { "tok-maint": "maint" },
    maintainers: ["maint"],
    patches: [
      { id: 11, msgid: msgid(leak), name: "leak" },
      { id: 12, msgid: msgid(clean), name: "clean" },
    ],
  });
});
afterAll(async () => pw.close());

function io(env: NodeJS.ProcessEnv) {
  let out = "";
  let err = "";
  return {
    io: { stdin: Readable.from([]), stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env },
    out: () => out,
    err: () => err,
  };
}

describe("review with Patchwork", () => {
  it("posts a warning check for the patch with findings and success for the clean one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-pw-"));
    const config = join(dir, "lkreview.yaml");
    writeFileSync(config, `patchwork: { url: "${pw.url}", token: tok-maint }\nserve: { baseUrl: "http://queue.example" }\n`);
    const t = io({});
    const code = await main(["review", "--no-model", "--enqueue", "--db", join(dir, "s.sqlite"), "--config", config, leak, clean], t.io);
    expect(t.err()).not.toMatch(/patchwork check/);
    expect(code).toBe(0);
    const leakChecks = pw.checks.get(11) ?? [];
    const cleanChecks = pw.checks.get(12) ?? [];
    expect(leakChecks.map((c) => [c.context, c.state])).toEqual([["lkreview", "warning"]]);
    expect(leakChecks[0]?.target_url).toMatch(/^http:\/\/queue\.example\/items\/\d+$/);
    expect(cleanChecks.map((c) => c.state)).toEqual(["success"]);
  });

  it("keeps reviewing when Patchwork refuses the token, with one line per patch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-pw-"));
    const config = join(dir, "lkreview.yaml");
    writeFileSync(config, `patchwork: { url: "${pw.url}", token: wrong }\n`);
    const t = io({});
    const code = await main(["review", "--no-model", "--no-store", "--config", config, leak], t.io);
    expect(code).toBe(0);
    expect(t.out()).toContain("Subject: Re: ");
    expect(
      t
        .err()
        .trim()
        .split("\n")
        .filter((l) => l.includes("patchwork check")),
    ).toHaveLength(1);
  });
});
