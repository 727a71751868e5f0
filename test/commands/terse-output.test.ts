import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";

/** `lkreview review --format terse` over several patches, as a user reads it in a terminal. */

const leak = join(import.meta.dirname, "..", "..", "examples", "livepatch-hook-leak.patch");
const clean = join(import.meta.dirname, "..", "..", "examples", "clean.patch");

async function terse(paths: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(["review", "--no-store", "--no-model", "--format", "terse", ...paths], {
    stdin: Readable.from([]),
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: () => true },
    env: {},
  });
  return { code, out };
}

const FINDING = /^(\S+):(\d+): (ERROR|WARNING|NOTE):\S+: /;

describe("terse output over several patches", () => {
  it("names each patch before its findings, so two patches on the same file stay apart, and tallies them all", async () => {
    // A second posting of the same patch (v2, its own Message-ID): same files, same findings.
    const dir = mkdtempSync(join(tmpdir(), "lkreview-terse-"));
    const v2 = join(dir, "v2.patch");
    writeFileSync(
      v2,
      readFileSync(leak, "utf8")
        .replace(/^Message-ID: .*$/m, "Message-ID: <20250311090000.1-1-jane@example.org>")
        .replace(/^Subject: \[PATCH\]/m, "Subject: [PATCH v2]"),
    );
    const r = await terse([leak, clean, v2]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");

    const headers = lines.filter((l) => l.startsWith("# "));
    expect(headers).toEqual([
      "# [PATCH] livepatch: Add per-object hooks (<20250304081507.48213-1-jane@example.org>)",
      "# [PATCH v2] livepatch: Add per-object hooks (<20250311090000.1-1-jane@example.org>)",
    ]);
    const second = lines.indexOf(headers[1] ?? "");
    const firstBlock = lines.slice(1, second);
    const secondBlock = lines.slice(second + 1, -1);
    expect(lines[0]).toBe(headers[0]);
    expect(firstBlock.length).toBeGreaterThan(0);
    expect(secondBlock).toEqual(firstBlock);
    for (const l of [...firstBlock, ...secondBlock]) expect(l).toMatch(FINDING);

    const tally = lines.at(-1) ?? "";
    const m = /^total: (\d+) errors, (\d+) warnings, (\d+) notes$/.exec(tally);
    expect(m).not.toBeNull();
    const count = (level: string) => [...firstBlock, ...secondBlock].filter((l) => FINDING.exec(l)?.[3] === level).length;
    expect([Number(m?.[1]), Number(m?.[2]), Number(m?.[3])]).toEqual([count("ERROR"), count("WARNING"), count("NOTE")]);
  });

  it("keeps a hostile subject on its one header line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-terse-"));
    const odd = join(dir, "odd.patch");
    // A folded subject with an encoded line break: the decoded CR/LF must not start a line of its own.
    writeFileSync(odd, readFileSync(leak, "utf8").replace(/^Subject: .*$/m, "Subject: =?utf-8?q?=5BPATCH=5D_livepatch=3A_x=0D=0Atotal=3A_0_errors?="));
    const r = await terse([odd]);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^# \[PATCH\] livepatch: x ?total: 0 errors \(<20250304081507\.48213-1-jane@example\.org>\)$/);
    expect(lines.filter((l) => l.startsWith("total:"))).toHaveLength(1);
  });

  it("prints only the tally when no patch has a finding", async () => {
    const r = await terse([clean]);
    expect(r.out).toBe("total: 0 errors, 0 warnings, 0 notes\n");
  });
});
