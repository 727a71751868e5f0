import { describe, expect, it } from "vitest";
import { packTask, transferables, unpackTask } from "../../src/analyse/wire.js";
import type { RuleTask } from "../../src/analyse/workers.js";
import type { Patch, Series } from "../../src/model.js";
import { mailWith } from "../helpers/mail.js";

/** A two-part series whose first part has every kind of line, an over-long one included. */
function series(): { task: RuleTask; parts: Patch[] } {
  const part = (n: number, lines: Patch["files"][number]["hunks"][number]["lines"]): Patch => ({
    mail: mailWith({ messageId: `<p${n}@example.org>`, body: `body of part ${n}` }),
    subject: { tags: ["PATCH"], version: 2, index: n, total: 2, title: `part ${n}`, isPatch: true, isRfc: false, isReply: false },
    commitMessage: [`Part ${n} of the series.`, "", "Signed-off-by: Jane Developer <jane@example.org>"],
    files: [
      {
        path: "kernel/livepatch/core.c",
        oldPath: "kernel/livepatch/core.c",
        isNew: false,
        isDeleted: false,
        isBinary: false,
        plusLine: "+++ b/kernel/livepatch/core.c",
        hunks: [
          {
            header: "@@ -10,3 +10,4 @@ static int klp_init(void)",
            oldStart: 10,
            oldLines: 3,
            newStart: 10,
            newLines: 4,
            functionContext: "static int klp_init(void)",
            lines,
          },
        ],
      },
    ],
  });
  const first = part(1, [
    { kind: "ctx", text: "{", raw: " {", newLine: 10, oldLine: 10 },
    { kind: "del", text: "\treturn 0;", raw: "-\treturn 0;", newLine: null, oldLine: 11 },
    { kind: "add", text: "\tret = klp_hook_register(obj);", raw: "+\tret = klp_hook_register(obj);", newLine: 11, oldLine: null },
    // An over-long line: the rules see "", a reply quotes it as sent.
    { kind: "add", text: "", raw: `+${"x".repeat(6000)}`, newLine: 12, oldLine: null },
    { kind: "ctx", text: "}", raw: " }", newLine: 13, oldLine: 12 },
  ]);
  const second = part(2, [{ kind: "add", text: "\treturn ret;", raw: "+\treturn ret;", newLine: 10, oldLine: null }]);
  const s: Series = { rootMessageId: "<p1@example.org>", version: 2, total: 2, cover: null, patches: [first, second] };
  return {
    task: {
      items: [
        { patch: first, series: 0, cover: false },
        { patch: second, series: 0, cover: false },
      ],
      series: [s],
    },
    parts: [first, second],
  };
}

/** A patch's files with every line as a plain object of what it reads as. */
function plainFiles(p: Patch): unknown {
  return p.files.map((f) => ({
    ...f,
    hunks: f.hunks.map((h) => ({
      ...h,
      lines: h.lines.map((l) => ({ kind: l.kind, text: l.text, raw: l.raw, newLine: l.newLine, oldLine: l.oldLine })),
    })),
  }));
}

describe("rule task wire form", () => {
  it("rebuilds every line, number and raw text the rules and replies read, without the mail body", () => {
    const { task, parts } = series();
    const back = unpackTask(structuredClone(packTask(task)));
    // Lines come back as the diff walk's own (raw worked out when read): compared as what they read as.
    expect(back.items.map((i) => plainFiles(i.patch))).toEqual(parts.map(plainFiles));
    expect(back.items[0]?.patch.files[0]?.hunks[0]?.lines[3]?.raw).toBe(`+${"x".repeat(6000)}`);
    expect(back.items.map((i) => i.patch.commitMessage)).toEqual(parts.map((p) => p.commitMessage));
    expect(back.items.map((i) => i.patch.mail.messageId)).toEqual(["<p1@example.org>", "<p2@example.org>"]);
    expect(back.items.map((i) => i.patch.mail.body)).toEqual(["", ""]);
  });

  it("sends a patch shared by an item and its series once, so the worker sees one object", () => {
    const { task } = series();
    const packed = packTask(task);
    expect(packed.patches).toHaveLength(2);
    const back = unpackTask(structuredClone(packed));
    expect(back.series[0]?.patches[0]).toBe(back.items[0]?.patch);
    expect(back.series[0]?.patches[1]).toBe(back.items[1]?.patch);
  });

  it("hands its line numbers over in one buffer that moves instead of being copied", () => {
    const packed = packTask(series().task);
    const buffers = transferables(packed);
    expect(buffers).toHaveLength(1);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(packed, buffers);
    // Moved: the sender's views are now empty.
    expect(buffers.every((b) => b.byteLength === 0)).toBe(true);
    port1.close();
    port2.close();
  });
});
