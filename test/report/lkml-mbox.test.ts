import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { composeReply } from "../../src/report/lkml/compose.js";
import type { ComposedReply } from "../../src/report/lkml/compose.js";
import { toEml, toMbox } from "../../src/report/lkml/mbox.js";
import { buildPatch, COMPOSE_OPTS, finding } from "./fixtures.js";

function reply(message: string, messageId: string, date: Date): ComposedReply {
  const r = composeReply(buildPatch({ mail: { messageId } }), [finding({ file: "kernel/livepatch/hook.c", line: 23, message })], {
    ...COMPOSE_OPTS,
    date,
  });
  if (!r) throw new Error("expected a reply");
  return r;
}

describe("file forms", () => {
  const a = reply("From what I can see this returns 0 on error.\n\n>From here on it is fine.", "<a@example.org>", new Date(Date.UTC(2025, 2, 5, 10, 0, 0)));
  const b = reply("Shouldn't this return -EINVAL?", "<b@example.org>", new Date(Date.UTC(2025, 11, 24, 23, 5, 9)));

  it("writes an .eml with LF line endings that parses to the same message", async () => {
    const eml = toEml(a);
    expect(eml).not.toContain("\r");
    expect(eml.endsWith("\n")).toBe(true);
    const parsed = await PostalMime.parse(eml);
    expect(parsed.messageId).toBe(a.messageId);
    expect(parsed.text).toBe(a.body);
  });

  it("writes an mbox with From separators and >From escaping that a reader can undo", async () => {
    const mbox = toMbox([a, b]);
    const lines = mbox.split("\n");
    const seps = lines.filter((l) => l.startsWith("From "));
    expect(seps).toEqual(["From lkreview@bot.example.net Wed Mar  5 10:00:00 2025", "From lkreview@bot.example.net Wed Dec 24 23:05:09 2025"]);
    expect(lines).toContain(">From what I can see this returns 0 on error.");
    // The comment's own ">From" line was first set apart from quotes, so it is not a quote either.
    expect(lines.some((l) => /^ +>From here on/.test(l))).toBe(true);
    const messages = mbox.split(/^From .*\n/m).filter((m) => m.length > 0);
    expect(messages).toHaveLength(2);
    const originals = [a, b];
    for (const [i, m] of messages.entries()) {
      const unescaped = m.replace(/^>(>*From )/gm, "$1").replace(/\n\n$/, "\n");
      expect(unescaped).toBe(toEml(originals[i] as ComposedReply));
      const parsed = await PostalMime.parse(unescaped);
      expect(parsed.messageId).toBe(originals[i]?.messageId);
    }
  });

  it("writes nothing for no replies", () => {
    expect(toMbox([])).toBe("");
  });
});
