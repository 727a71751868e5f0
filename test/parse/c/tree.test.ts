import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analysePatch } from "../../../src/analyse/analyse.js";
import { runRules } from "../../../src/analyse/engine.js";
import { ConfigSchema } from "../../../src/config.js";
import type { Patch, Series } from "../../../src/model.js";
import { parsePatchBody } from "../../../src/parse/diff.js";
import { applyHunks, loadTreeView } from "../../../src/parse/c/tree.js";
import { RULES } from "../../../rules/index.js";
import { makeMail } from "../../helpers/make-patch.js";

/**
 * `--tree`: small kernel-style git trees of our own, patches made by real
 * `git diff`, and the rules run once on the hunks and once on the tree.
 */

let root: string;

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], {
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@example.org", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@example.org" },
  });
}

/** A fresh repo holding `files`, committed. */
function makeTree(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  return dir;
}

/** The patch `git diff` makes for the new contents, then the tree is reset to the pre-image. */
function patchFor(dir: string, files: Record<string, string>, index = 1, total = 1): Patch {
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  const diff = git(dir, "diff", "-U3");
  git(dir, "checkout", "-q", "--", ".");
  const body = ["Change.", "", "Signed-off-by: T <t@example.org>", "---", diff].join("\n");
  const parsed = parsePatchBody(body, "tree test");
  return {
    mail: makeMail(body),
    subject: { tags: ["PATCH"], isPatch: true, isRfc: false, isReply: false, version: 1, index, total, title: "test" },
    commitMessage: parsed.commitMessage,
    files: parsed.files,
  };
}

function findings(patch: Patch, tree?: string, series: Series | null = null) {
  const opts: Parameters<typeof runRules>[2] = { rules: RULES };
  if (tree) opts.tree = tree;
  return runRules(patch, series, opts);
}

/** A probe function whose unwind ladder lies far below the spot a patch touches. */
function probe(ladder: string, middle: string): string {
  return `// SPDX-License-Identifier: GPL-2.0
#include <linux/interrupt.h>
#include <linux/slab.h>

static int wren_probe(struct wren *w)
{
	int ret;

	w->buf = kzalloc(WREN_BUF_SIZE, GFP_KERNEL);
	if (!w->buf)
		return -ENOMEM;

	ret = request_irq(w->irq, wren_isr, 0, "wren", w);
	if (ret)
		goto err_free_buf;

${middle}
	ret = wren_hw_init(w);
	if (ret)
		goto err_free_irq;

	ret = wren_start(w);
	if (ret)
		goto err_free_irq;

	wren_enable(w);
	wren_count++;
	wren_mark_ready(w);
	return 0;

${ladder}
	return ret;
}
`;
}

const FULL_LADDER = "err_free_irq:\n\tfree_irq(w->irq, w);\nerr_free_buf:\n\tkfree(w->buf);";
const SHORT_LADDER = "err_free_irq:\nerr_free_buf:\n\tkfree(w->buf);";

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "lkreview-tree-"));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("--tree", () => {
  it("finds a leak behind a label the hunk does not show", () => {
    const dir = makeTree("leak", { "drivers/misc/wren.c": probe(SHORT_LADDER, "\tw->mode = WREN_MODE_A;\n") });
    const patch = patchFor(dir, {
      "drivers/misc/wren.c": probe(SHORT_LADDER, "\tw->mode = WREN_MODE_A;\n\tret = wren_load_fw(w);\n\tif (ret)\n\t\tgoto err_free_buf;\n"),
    });
    // The hunk shows request_irq() but not the labels: the hunk-only view must stay silent.
    expect(findings(patch).findings.filter((f) => f.rule === "unreleased")).toEqual([]);
    const withTree = findings(patch, dir);
    const leaks = withTree.findings.filter((f) => f.rule === "unreleased");
    expect(leaks).toHaveLength(1);
    expect(leaks[0]?.message).toContain("request_irq()");
    expect(leaks[0]?.message).toContain("free_irq()");
    expect(withTree.notes).toBeUndefined();
  });

  it("judges a jump to an unseen label only with the tree", () => {
    const dir = makeTree("zero", { "drivers/misc/wren.c": probe(FULL_LADDER, "\tw->mode = WREN_MODE_A;\n") });
    const patch = patchFor(dir, {
      "drivers/misc/wren.c": probe(
        FULL_LADDER,
        '\tw->mode = WREN_MODE_A;\n\tif (!wren_fw_ok(w)) {\n\t\tdev_err(w->dev, "bad firmware\\n");\n\t\tgoto err_free_irq;\n\t}\n',
      ),
    });
    // The hunk shows neither the label nor another jump to it: nothing to go on, so no comment.
    expect(findings(patch).findings).toEqual([]);
    // The tree shows `return ret` under the label with ret still 0, and the IRQ freed there.
    expect(findings(patch, dir).findings.map((f) => f.messageId)).toEqual(["stillZeroGoto"]);
  });

  it("avoids a false alarm: a helper elsewhere in the file does the release", () => {
    const before = `static void wren_reset_state(struct wren *w)
{
	wren_unregister(w);
	w->state = 0;
}

static void wren_show(struct wren *w)
{
	pr_info("wren state %d\\n", w->state);
}

static int wren_bringup(struct wren *w)
{
	int ret;

	ret = wren_register(w);
	if (ret)
		return ret;

	w->state = 1;
	return 0;
}
`;
    // Inserted right below the register call, so the hunk's context shows it.
    const after = before.replace(
      "\t\treturn ret;\n\n\tw->state = 1;",
      "\t\treturn ret;\n\tret = wren_calibrate(w);\n\tif (ret) {\n\t\twren_reset_state(w);\n\t\treturn ret;\n\t}\n\n\tw->state = 1;",
    );
    const dir = makeTree("helper", { "drivers/misc/wren.c": before });
    const patch = patchFor(dir, { "drivers/misc/wren.c": after });
    // The hunk alone cannot know what wren_reset_state() does.
    expect(findings(patch).findings.map((f) => f.messageId)).toEqual(["afterCall"]);
    const tree = findings(patch, dir);
    expect(tree.findings).toEqual([]);
    expect(tree.notes).toBeUndefined();
  });

  it("stays silent on the tree where the hunk alone cries wolf", () => {
    // The lock is taken above the hunk and released below it, under the label.
    const before = `static int osprey_flush(struct osprey *o)
{
	int ret;

	mutex_lock(&o->lock);
	ret = osprey_prepare(o);
	if (ret)
		goto out_unlock;

	osprey_kick(o);
	ret = osprey_wait(o);
out_unlock:
	mutex_unlock(&o->lock);
	return ret;
}
`;
    const after = before.replace("\tosprey_kick(o);\n", "\tosprey_kick(o);\n\tif (osprey_dead(o)) {\n\t\tret = -EIO;\n\t\tgoto out_unlock;\n\t}\n");
    const dir = makeTree("lock", { "kernel/trace/osprey.c": before });
    const patch = patchFor(dir, { "kernel/trace/osprey.c": after });
    const tree = findings(patch, dir);
    expect(tree.findings).toEqual([]);
    expect(tree.notes).toBeUndefined();
  });

  it("applies earlier patches of a series first", () => {
    const base = probe(SHORT_LADDER, "\tw->mode = WREN_MODE_A;\n");
    const dir = makeTree("series", { "drivers/misc/wren.c": base });
    const step1 = base.replace("#include <linux/slab.h>\n", "#include <linux/slab.h>\n#include <linux/firmware.h>\n#include <linux/delay.h>\n");
    const p1 = patchFor(dir, { "drivers/misc/wren.c": step1 });
    // Patch 2 is made against the tree with patch 1 applied: its line numbers only fit that.
    writeFileSync(join(dir, "drivers/misc/wren.c"), step1);
    git(dir, "commit", "-q", "-am", "step1");
    const p2 = patchFor(
      dir,
      {
        "drivers/misc/wren.c": step1.replace(
          "\tw->mode = WREN_MODE_A;\n",
          "\tw->mode = WREN_MODE_A;\n\tret = wren_load_fw(w);\n\tif (ret)\n\t\tgoto err_free_buf;\n",
        ),
      },
      2,
      2,
    );
    git(dir, "reset", "-q", "--hard", "HEAD~1");
    const series: Series = { rootMessageId: p1.mail.messageId, version: 1, total: 2, cover: null, patches: [p1, p2] };
    const result = findings(p2, dir, series);
    expect(result.notes).toBeUndefined();
    expect(result.findings.filter((f) => f.rule === "unreleased")).toHaveLength(1);
  });

  it("falls back to the hunks with a note when the file is missing or a hunk does not apply", () => {
    const dir = makeTree("fallback", { "drivers/misc/wren.c": probe(SHORT_LADDER, "\tw->mode = WREN_MODE_A;\n") });
    const patch = patchFor(dir, {
      "drivers/misc/wren.c": probe(SHORT_LADDER, "\tw->mode = WREN_MODE_A;\n\tret = wren_load_fw(w);\n\tif (ret)\n\t\tgoto err_free_buf;\n"),
    });
    const other = makeTree("other", { README: "nothing here\n" });
    const missing = findings(patch, other);
    expect(missing.notes).toEqual(["drivers/misc/wren.c: not in the tree; judged on the hunks only"]);
    expect(missing.findings.filter((f) => f.rule === "unreleased")).toEqual([]);

    writeFileSync(join(dir, "drivers/misc/wren.c"), probe(SHORT_LADDER, "\tw->mode = WREN_MODE_B;\n"));
    const stale = findings(patch, dir);
    expect(stale.notes?.[0]).toMatch(/^drivers\/misc\/wren\.c: hunk at line \d+ does not apply to the tree; judged on the hunks only$/);
    expect(stale.findings.filter((f) => f.rule === "unreleased")).toEqual([]);
  });

  it("reads the committed file when the working tree lacks it, and refuses paths outside the tree", () => {
    const dir = makeTree("committed", { "kernel/a.c": "int a(void)\n{\n\treturn 0;\n}\n" });
    rmSync(join(dir, "kernel/a.c"));
    const body =
      "x\n---\ndiff --git a/kernel/a.c b/kernel/a.c\n--- a/kernel/a.c\n+++ b/kernel/a.c\n@@ -1,4 +1,5 @@\n int a(void)\n {\n+\tb();\n \treturn 0;\n }\n";
    const parsed = parsePatchBody(body, "t");
    const patch: Patch = {
      mail: makeMail(body),
      subject: { tags: [], isPatch: true, isRfc: false, isReply: false, version: 1, index: 1, total: 1, title: "t" },
      commitMessage: parsed.commitMessage,
      files: parsed.files,
    };
    const view = loadTreeView(dir, patch, null);
    expect(view.notes).toEqual([]);
    const whole = [...view.files.values()][0];
    expect(whole?.hunks[0]?.lines.map((l) => l.raw)).toEqual([" int a(void)", " {", "+\tb();", " \treturn 0;", " }"]);

    const evil = { ...patch, files: patch.files.map((f) => ({ ...f, path: "../../etc/passwd.c", oldPath: "../../etc/passwd.c" })) };
    expect(loadTreeView(dir, evil, null).notes).toEqual(["../../etc/passwd.c: path outside the tree; judged on the hunks only"]);
  });

  it("reaches the analysis through the config's tree, notes included", async () => {
    const dir = makeTree("config", { "drivers/misc/wren.c": probe(SHORT_LADDER, "\tw->mode = WREN_MODE_A;\n") });
    const patch = patchFor(dir, {
      "drivers/misc/wren.c": probe(SHORT_LADDER, "\tw->mode = WREN_MODE_A;\n\tret = wren_load_fw(w);\n\tif (ret)\n\t\tgoto err_free_buf;\n"),
    });
    const withTree = await analysePatch(patch, null, { config: ConfigSchema.parse({ tree: dir }) });
    expect(withTree.reportable.map((f) => f.rule)).toEqual(["unreleased"]);
    expect(withTree.treeNotes).toBeUndefined();
    const empty = makeTree("config-empty", { README: "x\n" });
    const fallback = await analysePatch(patch, null, { config: ConfigSchema.parse({ tree: empty }) });
    expect(fallback.reportable).toEqual([]);
    expect(fallback.treeNotes).toEqual(["drivers/misc/wren.c: not in the tree; judged on the hunks only"]);
  });

  it("applyHunks inserts after the line a zero-length old range names", () => {
    const pre = ["a", "b"].map((text) => ({ text, added: false }));
    const out = applyHunks(pre, [
      {
        header: "",
        oldStart: 1,
        oldLines: 0,
        newStart: 2,
        newLines: 1,
        functionContext: "",
        lines: [{ kind: "add", text: "x", raw: "+x", newLine: 2, oldLine: null }],
      },
    ]);
    expect(Array.isArray(out) ? out.map((l) => l.text) : out).toEqual(["a", "x", "b"]);
  });
});
