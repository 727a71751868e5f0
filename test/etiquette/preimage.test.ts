import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analysePatch } from "../../src/analyse/analyse.js";
import { ConfigSchema } from "../../src/config.js";
import type { Patch } from "../../src/model.js";
import { parsePatchBody } from "../../src/parse/diff.js";
import { makeMail } from "../helpers/make-patch.js";
import { runMain } from "../helpers/run-main.js";
import type { MainRun } from "../helpers/run-main.js";

/**
 * `--tree`: a point the rules also make on the pre-image of the touched
 * function is the tree's, not the patch's. Small git trees of our own,
 * patches made by real `git diff`.
 */

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "lkreview-preimage-"));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], {
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@example.org", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@example.org" },
  });
}

/** A fresh repo holding `path` with `text`, committed. */
function makeTree(name: string, path: string, text: string): string {
  const dir = join(root, name);
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  git(dir, "init", "-q");
  writeFileSync(join(dir, path), text);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  return dir;
}

/** The diff `git diff` makes for the new text; the tree is then back at the pre-image. */
function diffFor(dir: string, path: string, text: string): string {
  writeFileSync(join(dir, path), text);
  const diff = git(dir, "diff", "-U3");
  git(dir, "checkout", "-q", "--", ".");
  return diff;
}

/** A patch mail around `diff`, as a list delivers it. */
function patchMail(id: string, diff: string): string {
  return [
    "From: Jane Developer <jane@example.org>",
    "To: linux-kernel@vger.kernel.org",
    "Date: Tue, 4 Mar 2025 09:15:07 +0100",
    "Subject: [PATCH] misc: wren: Share the interrupt",
    `Message-ID: ${id}`,
    "",
    "Share the interrupt line.",
    "",
    "Signed-off-by: Jane Developer <jane@example.org>",
    "---",
    diff,
  ].join("\n");
}

function toPatch(diff: string): Patch {
  const body = ["Change.", "", "Signed-off-by: T <t@example.org>", "---", diff].join("\n");
  const parsed = parsePatchBody(body, "preimage test");
  return {
    mail: makeMail(body),
    subject: { tags: ["PATCH"], isPatch: true, isRfc: false, isReply: false, version: 1, index: 1, total: 1, title: "test" },
    commitMessage: parsed.commitMessage,
    files: parsed.files,
  };
}

const PATH = "drivers/misc/wren.c";

/** A probe whose hardware-init failure path has always leaked the IRQ (the label frees only the buffer). */
function probe(irqFlags: string, extra: string): string {
  return `// SPDX-License-Identifier: GPL-2.0
#include <linux/interrupt.h>
#include <linux/slab.h>

static int wren_probe(struct wren *w)
{
	int ret;

	w->buf = kzalloc(WREN_BUF_SIZE, GFP_KERNEL);
	if (!w->buf)
		return -ENOMEM;

	ret = request_irq(w->irq, wren_isr, ${irqFlags}, "wren", w);
	if (ret)
		goto err_free_buf;

	w->mode = WREN_MODE_A;
${extra}	ret = wren_hw_init(w);
	if (ret)
		goto err_free_buf;

	wren_enable(w);
	return 0;

err_free_buf:
	kfree(w->buf);
	return ret;
}
`;
}

const BASE = probe("0", "");
/** Changes only the request_irq() line: the old leak after wren_hw_init() is now on a touched statement's path. */
const SHARED = probe("IRQF_SHARED", "");
/** Also adds a firmware step whose failure leaks the IRQ: the patch's own fault. */
const SHARED_FW = probe("IRQF_SHARED", "\tret = wren_load_fw(w);\n\tif (ret)\n\t\tgoto err_free_buf;\n\n");

const cli = (args: string[], input: string): Promise<MainRun> => runMain(args, input);

describe("--tree pre-image comparison", () => {
  it("tags a leak the function already had as pre-existing, and keeps one the patch adds", async () => {
    const dir = makeTree("analyse", PATH, BASE);
    const config = ConfigSchema.parse({ tree: dir });
    const old = await analysePatch(toPatch(diffFor(dir, PATH, SHARED)), null, { config });
    const leak = old.findings.filter((f) => f.rule === "unreleased");
    expect(leak.map((f) => f.message)).toEqual([expect.stringContaining("If wren_hw_init() fails")]);
    expect(leak[0]?.tags).toContain("pre-existing");
    expect(old.reportable.filter((f) => f.rule === "unreleased")).toEqual([]);

    const both = await analysePatch(toPatch(diffFor(dir, PATH, SHARED_FW)), null, { config });
    const reported = both.reportable.filter((f) => f.rule === "unreleased");
    expect(reported.map((f) => f.message)).toEqual([expect.stringContaining("If wren_load_fw() fails")]);
  });

  it("keeps a point on a line the patch adds even when the old function has the same line with the same fault", async () => {
    const hookSet = (extra: string): string =>
      `// SPDX-License-Identifier: GPL-2.0\n#include "wren.h"\n\nint wren_hook_set(struct wren_hook *hook, long val)\n{\n\tif (!hook)\n\t\treturn -1;\n${extra}\thook->val = val;\n\treturn 0;\n}\n`;
    const path = "drivers/misc/wren_hook.c";
    const dir = makeTree("same-line", path, hookSet(""));
    const config = ConfigSchema.parse({ tree: dir });
    const r = await analysePatch(toPatch(diffFor(dir, path, hookSet("\tif (val > WREN_MAX)\n\t\treturn -1;\n"))), null, { config });
    const minusOne = r.findings.filter((f) => f.rule === "errcode");
    expect(minusOne.map((f) => [f.line, f.tags])).toEqual([[9, []]]);
    expect(r.reportable.filter((f) => f.rule === "errcode").map((f) => f.line)).toEqual([9]);
  });

  it("lkreview review --tree: no reply for the old leak, a reply for the new one, both in the JSON", async () => {
    const dir = makeTree("cli", PATH, BASE);
    const db = join(root, "cli.sqlite");
    const oldOnly = patchMail("<old-leak@example.org>", diffFor(dir, PATH, SHARED));
    const mbox = await cli(["review", "--no-model", "--db", db, "--tree", dir, "-"], oldOnly);
    expect(mbox.code).toBe(0);
    expect(mbox.stdout).toBe("");

    const json = await cli(["review", "--no-model", "--db", db, "--tree", dir, "--format", "json", "-"], oldOnly);
    const doc = JSON.parse(json.stdout) as { reviews: { findings: { rule: string; message: string; tags?: string[] }[]; reply: string | null }[] };
    expect(doc.reviews[0]?.reply).toBeNull();
    const leaks = doc.reviews[0]?.findings.filter((f) => f.rule === "unreleased") ?? [];
    expect(leaks.map((f) => [f.message.includes("If wren_hw_init() fails"), f.tags])).toEqual([[true, ["pre-existing"]]]);

    const added = await cli(["review", "--no-model", "--db", db, "--tree", dir, "-"], patchMail("<new-leak@example.org>", diffFor(dir, PATH, SHARED_FW)));
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("> +\tret = wren_load_fw(w);");
    expect(added.stdout).toContain("If wren_load_fw() fails");
    expect(added.stdout).not.toContain("If wren_hw_init() fails");
  });
});
