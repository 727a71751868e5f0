import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readInputs } from "../../src/ingest/files.js";
import { isIngestFailure } from "../../src/ingest/item.js";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import type { Mail } from "../../src/model.js";
import { parseMail } from "../../src/parse/mime.js";
import { classifyMail } from "../../src/parse/patch.js";
import { mailWith } from "../helpers/mail.js";

const fixtures = fileURLToPath(new URL("../fixtures/mail/", import.meta.url));
const examples = fileURLToPath(new URL("../../examples/", import.meta.url));
const diff = readFileSync(`${fixtures}hook-put.diff`, "utf8");

/** The real path a user's file takes: ingest, then MIME parsing. */
async function mailAt(path: string): Promise<Mail> {
  for await (const item of readInputs([path], DEFAULT_LIMITS)) {
    if (isIngestFailure(item)) throw item.error;
    return parseMail(item, DEFAULT_LIMITS);
  }
  throw new Error(`no message in ${path}`);
}

function mail(subject: string, body: string): Mail {
  return mailWith({ source: "t", messageId: "<t@example.org>", subject, date: "Thu, 6 Mar 2025 10:01:22 +0100", body });
}

describe("classifyMail", () => {
  it("reads the bundled demo as a patch with four files and correct hunks", async () => {
    const c = classifyMail(await mailAt(`${examples}livepatch-hook-leak.patch`));
    expect(c.kind).toBe("patch");
    expect(c.subject.title).toBe("livepatch: Add per-object hooks");
    const patch = c.patch;
    if (!patch) throw new Error("no patch");
    expect(patch.mail.messageId).toBe("<20250304081507.48213-1-jane@example.org>");
    expect(patch.mail.cc).toEqual([{ name: "Some Maintainer", address: "maint@example.com" }]);
    expect(patch.commitMessage[0]).toBe("Live patches that carry state across a transition have no way to run");
    expect(patch.commitMessage.at(-1)).toBe("Signed-off-by: Jane Developer <jane@example.org>");
    expect(patch.files.map((f) => [f.path, f.isNew])).toEqual([
      ["kernel/livepatch/Makefile", false],
      ["kernel/livepatch/core.c", false],
      ["kernel/livepatch/hooks.c", true],
      ["kernel/livepatch/hooks.h", true],
    ]);
    // Every hunk's header counts match its lines: the demo is a patch git would apply.
    for (const file of patch.files) {
      for (const h of file.hunks) {
        expect(h.lines.filter((l) => l.kind !== "add")).toHaveLength(h.oldLines);
        expect(h.lines.filter((l) => l.kind !== "del")).toHaveLength(h.newLines);
      }
    }
    const core = patch.files[1];
    const register = core?.hunks.flatMap((h) => h.lines).find((l) => l.text === "\tret = klp_hook_register(obj);");
    expect(register).toMatchObject({ kind: "add", newLine: 62 });
    expect(core?.hunks[1]?.functionContext).toBe("static int klp_prepare_object(struct klp_patch *patch, struct klp_object *obj)");
  });

  it("reads the clean example as a one-file patch", async () => {
    const c = classifyMail(await mailAt(`${examples}clean.patch`));
    expect(c.kind).toBe("patch");
    expect(c.patch?.files.map((f) => f.path)).toEqual(["kernel/livepatch/core.c"]);
  });

  it("finds the diff in a MIME attachment", async () => {
    const c = classifyMail(await mailAt(`${fixtures}x-patch-base64.eml`));
    expect(c.kind).toBe("patch");
    const lines = c.patch?.files[0]?.hunks[0]?.lines.map((l) => l.raw);
    expect(lines).toContain("+\t\tgoto out;   ");
    expect(lines?.join("\n")).toBe(diff.split("\n").slice(5, -1).join("\n"));
  });

  it("takes a cover letter as a cover with its body lines and no files", async () => {
    const c = classifyMail(await mailAt(`${fixtures}series/0000-cover-letter.eml`));
    expect(c.kind).toBe("cover");
    expect(c.subject).toMatchObject({ version: 2, index: 0, total: 3 });
    expect(c.patch?.files).toEqual([]);
    expect(c.patch?.commitMessage[0]).toBe("This series fixes the reference counting of livepatch hooks.");
    expect(c.patch?.commitMessage.at(-1)).toBe(" 1 file changed, 6 insertions(+), 3 deletions(-)");
  });

  it("never takes a reply for a patch, even one quoting a diff", async () => {
    const c = classifyMail(await mailAt(`${fixtures}series/0004-reply.eml`));
    expect(c).toMatchObject({ kind: "reply", patch: null });
    expect(classifyMail(mail("Re: [PATCH] livepatch: x", diff)).kind).toBe("reply");
  });

  it("needs a unified diff in a PATCH mail", () => {
    expect(classifyMail(mail("[PATCH] livepatch: Words only", "No diff here.\n\nSigned-off-by: Jane\n"))).toMatchObject({
      kind: "other",
      patch: null,
      reason: "no unified diff found",
    });
  });

  it("leaves forwards, pull requests and untagged prose alone", () => {
    expect(classifyMail(mail("Fwd: [PATCH] livepatch: x", diff)).kind).toBe("other");
    expect(classifyMail(mail("[GIT PULL] livepatching for 6.15", " kernel/livepatch/core.c | 4 ++++\n")).kind).toBe("other");
    expect(classifyMail(mail("livepatch question", "How do hooks work?\n")).kind).toBe("other");
  });

  it("accepts an untagged git format-patch -k subject with a git diff", () => {
    const c = classifyMail(mail("livepatch: Warn once", `Warn once.\n---\n${diff}`));
    expect(c.kind).toBe("patch");
    expect(c.patch?.commitMessage).toEqual(["Warn once."]);
  });
});
