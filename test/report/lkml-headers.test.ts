import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { LkreviewError } from "../../src/errors.js";
import type { Mail } from "../../src/model.js";
import { composeReply } from "../../src/report/lkml/compose.js";
import type { ComposedReply } from "../../src/report/lkml/compose.js";
import { buildPatch, COMPOSE_OPTS, finding } from "./fixtures.js";

const POINT = finding({ file: "kernel/livepatch/hook.c", line: 23, endLine: 26, message: "Shouldn't this return -EINVAL?" });
const OTHER = finding({ file: "kernel/livepatch/core.c", line: 217, endLine: 219, message: "The hook leaks on this path." });

function compose(mail: Partial<Mail> = {}, opts: Partial<typeof COMPOSE_OPTS> & Record<string, unknown> = {}): ComposedReply {
  const reply = composeReply(buildPatch({ mail }), [POINT], { ...COMPOSE_OPTS, ...opts });
  if (!reply) throw new Error("expected a reply");
  return reply;
}

function header(reply: ComposedReply, name: string): string | undefined {
  return reply.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/** The header section of the wire form, unfolded per RFC 5322 2.2.3. */
function wireHeaders(raw: string): string[] {
  const head = raw.slice(0, raw.indexOf("\r\n\r\n"));
  return head.replace(/\r\n(?=[ \t])/g, "").split("\r\n");
}

describe("reply headers", () => {
  it("returns null when there is nothing to say", () => {
    expect(composeReply(buildPatch(), [], COMPOSE_OPTS)).toBeNull();
  });

  it("sets every header of the table", () => {
    const r = compose();
    expect(r.headers.map(([n]) => n)).toEqual([
      "From",
      "To",
      "Cc",
      "Subject",
      "Date",
      "Message-ID",
      "In-Reply-To",
      "References",
      "MIME-Version",
      "Content-Type",
      "Content-Transfer-Encoding",
      "Auto-Submitted",
      "User-Agent",
    ]);
    expect(header(r, "From")).toBe("lkreview <lkreview@bot.example.net>");
    expect(header(r, "To")).toBe("Jane Developer <jane@example.org>");
    expect(header(r, "Cc")).toBe("live-patching@vger.kernel.org, Some Maintainer <maint@example.com>");
    expect(header(r, "Subject")).toBe("Re: [PATCH v3 2/3] livepatch: Keep a hook per object");
    expect(header(r, "Date")).toBe("Wed, 05 Mar 2025 10:00:00 +0000");
    expect(header(r, "In-Reply-To")).toBe("<20250304081507.4242-3-jane@example.org>");
    expect(header(r, "MIME-Version")).toBe("1.0");
    expect(header(r, "Content-Type")).toBe("text/plain; charset=utf-8");
    expect(header(r, "Content-Transfer-Encoding")).toBe("8bit");
    expect(header(r, "Auto-Submitted")).toBe("auto-replied");
    expect(header(r, "User-Agent")).toBe("lkreview/0.1.0");
    expect(r.to).toEqual(["jane@example.org"]);
    expect(r.cc).toEqual(["live-patching@vger.kernel.org", "maint@example.com"]);
    expect(r.from).toBe("lkreview@bot.example.net");
  });

  it("threads under the patch with its References, or its In-Reply-To when it has none", () => {
    const withRefs = compose({ references: ["<root@example.org>", "<cover@example.org>"], inReplyTo: "<cover@example.org>" });
    expect(header(withRefs, "References")).toBe("<root@example.org> <cover@example.org> <20250304081507.4242-3-jane@example.org>");
    const onlyParent = compose({ references: [], inReplyTo: "<cover@example.org>" });
    expect(header(onlyParent, "References")).toBe("<cover@example.org> <20250304081507.4242-3-jane@example.org>");
    const lone = compose({ references: [], inReplyTo: null });
    expect(header(lone, "References")).toBe("<20250304081507.4242-3-jane@example.org>");
    expect(header(lone, "In-Reply-To")).toBe("<20250304081507.4242-3-jane@example.org>");
  });

  it("keeps the thread root and the newest ids of a very long References", () => {
    const refs = Array.from({ length: 60 }, (_, i) => `<ref${i}@example.org>`);
    const ids = (header(compose({ references: refs }), "References") ?? "").split(" ");
    expect(ids.length).toBeLessThanOrEqual(30);
    expect(ids[0]).toBe("<ref0@example.org>");
    expect(ids.at(-2)).toBe("<ref59@example.org>");
    expect(ids.at(-1)).toBe("<20250304081507.4242-3-jane@example.org>");
  });

  it("answers Reply-To rather than From", () => {
    const r = compose({ replyTo: [{ name: "Jane at Home", address: "jane@home.example" }] });
    expect(header(r, "To")).toBe("Jane at Home <jane@home.example>");
    expect(r.to).toEqual(["jane@home.example"]);
  });

  it("copies To and Cc once each, without the bot or the author", () => {
    const r = compose(
      {
        to: [
          { name: "", address: "live-patching@vger.kernel.org" },
          { name: "Jane D", address: "JANE@example.org" },
          { name: "The Bot", address: "LKReview@bot.example.net" },
        ],
        cc: [
          { name: "Some Maintainer", address: "maint@example.com" },
          { name: "Maint Again", address: "Maint@Example.com" },
          { name: "", address: "LIVE-PATCHING@vger.kernel.org" },
          { name: "Old Bot", address: "old-bot@example.net" },
        ],
      },
      { botAddresses: ["old-bot@example.net"] },
    );
    expect(r.cc).toEqual(["live-patching@vger.kernel.org", "maint@example.com"]);
    expect(header(r, "Cc")).toBe("live-patching@vger.kernel.org, Some Maintainer <maint@example.com>");
  });

  it("adds configured Cc and can reply to the author alone", () => {
    const extra = compose({}, { extraCc: ["Archive <archive@example.com>", "maint@example.com"] });
    expect(extra.cc).toEqual(["live-patching@vger.kernel.org", "maint@example.com", "archive@example.com"]);
    const authorOnly = compose({}, { replyAll: false });
    expect(authorOnly.cc).toEqual([]);
    expect(header(authorOnly, "Cc")).toBeUndefined();
    expect(wireHeaders(authorOnly.raw).some((l) => l.startsWith("Cc:"))).toBe(false);
  });

  it("does not add a second Re:", () => {
    expect(header(compose({ subject: "Re: [PATCH] livepatch: Fix it" }), "Subject")).toBe("Re: [PATCH] livepatch: Fix it");
    expect(header(compose({ subject: "RE: [PATCH] livepatch: Fix it" }), "Subject")).toBe("RE: [PATCH] livepatch: Fix it");
  });

  it("gives the same review the same Message-ID and another review another", () => {
    const patch = buildPatch();
    const a = composeReply(patch, [POINT, OTHER], COMPOSE_OPTS);
    const b = composeReply(patch, [OTHER, POINT], { ...COMPOSE_OPTS, date: new Date(Date.UTC(2025, 5, 1)) });
    const c = composeReply(patch, [POINT], COMPOSE_OPTS);
    const d = composeReply(buildPatch({ mail: { messageId: "<other@example.org>" } }), [POINT, OTHER], COMPOSE_OPTS);
    expect(a?.messageId).toMatch(/^<lkreview-[0-9a-f]{32}@bot\.example\.net>$/);
    expect(b?.messageId).toBe(a?.messageId);
    expect(c?.messageId).not.toBe(a?.messageId);
    expect(d?.messageId).not.toBe(a?.messageId);
  });

  it("refuses a patch it cannot thread under, and a bad bot identity", () => {
    expect(() => composeReply(buildPatch({ mail: { messageId: "" } }), [POINT], COMPOSE_OPTS)).toThrow(LkreviewError);
    expect(() => composeReply(buildPatch({ mail: { messageId: "<a\r\nBcc: x@y>" } }), [POINT], COMPOSE_OPTS)).toThrow(/Message-ID/);
    expect(() => composeReply(buildPatch(), [POINT], { ...COMPOSE_OPTS, from: "not an address" })).toThrow(LkreviewError);
    const noAuthor = buildPatch({ mail: { from: { name: "X", address: "bad address" } } });
    expect(() => composeReply(noAuthor, [POINT], COMPOSE_OPTS)).toThrow(/author/);
  });

  it("encodes non-ASCII names and subjects by RFC 2047 and a MIME parser reads them back", async () => {
    const r = compose({
      subject: "[PATCH] livepatch: Prüfe den Zustand – ünïcödé everywhere in a rather long subject line",
      from: { name: "Jürgen Größ", address: "jg@example.de" },
      cc: [
        { name: 'Zoë "Z" O\'Brien, Jr.', address: "zoe@example.com" },
        { name: "李雷", address: "li@example.cn" },
      ],
    });
    const lines = r.raw.slice(0, r.raw.indexOf("\r\n\r\n")).split("\r\n");
    for (const line of lines) {
      expect(line).toMatch(/^[\x20-\x7e]*$/);
      // Only unbreakable tokens may push a line past 78.
      if (line.length > 78) expect(line.trim()).not.toContain(" ");
    }
    expect(wireHeaders(r.raw).find((l) => l.startsWith("Subject:"))).toMatch(/^Subject: Re: \[PATCH\] livepatch: =\?utf-8\?q\?/);
    const parsed = await PostalMime.parse(r.raw);
    expect(parsed.subject).toBe("Re: [PATCH] livepatch: Prüfe den Zustand – ünïcödé everywhere in a rather long subject line");
    expect(parsed.to).toEqual([{ name: "Jürgen Größ", address: "jg@example.de" }]);
    expect(parsed.cc?.map((a) => ("address" in a ? [a.name, a.address] : []))).toEqual([
      ["", "live-patching@vger.kernel.org"],
      ['Zoë "Z" O\'Brien, Jr.', "zoe@example.com"],
      ["李雷", "li@example.cn"],
    ]);
  });

  it("folds a long Cc at whitespace so every address survives", async () => {
    const cc = Array.from({ length: 25 }, (_, i) => ({ name: `Reviewer Number ${i}`, address: `reviewer${i}@example.com` }));
    const r = compose({ cc });
    const head = r.raw.slice(0, r.raw.indexOf("\r\n\r\n")).split("\r\n");
    expect(head.every((l) => l.length <= 78)).toBe(true);
    expect(head.filter((l) => /^[ \t]/.test(l)).length).toBeGreaterThan(5);
    const parsed = await PostalMime.parse(r.raw);
    expect(parsed.cc?.map((a) => ("address" in a ? a.address : ""))).toEqual(["live-patching@vger.kernel.org", ...cc.map((c) => c.address)]);
  });

  it("parses back with postal-mime: headers, threading and body", async () => {
    const r = compose();
    const parsed = await PostalMime.parse(r.raw);
    expect(parsed.messageId).toBe(r.messageId);
    expect(parsed.inReplyTo).toBe("<20250304081507.4242-3-jane@example.org>");
    expect(parsed.references).toBe("<20250304081507.4242-1-jane@example.org> <20250304081507.4242-3-jane@example.org>");
    expect(parsed.from).toEqual({ name: "lkreview", address: "lkreview@bot.example.net" });
    expect(parsed.headers.find((h) => h.key === "auto-submitted")?.value).toBe("auto-replied");
    expect(parsed.html).toBeUndefined();
    expect(parsed.text).toBe(r.body);
  });
});
