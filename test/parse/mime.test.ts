import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LkreviewError } from "../../src/errors.js";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import type { Mail } from "../../src/model.js";
import { parseMail } from "../../src/parse/mime.js";

const fixturePath = (name: string): string => fileURLToPath(new URL(`../fixtures/mail/${name}`, import.meta.url));
const fixture = (name: string): Buffer => readFileSync(fixturePath(name));
const diff = fixture("hook-put.diff").toString("utf8");

const parse = (name: string): Promise<Mail> => parseMail({ source: name, raw: fixture(name) }, DEFAULT_LIMITS);
const parseText = (text: string, limits = DEFAULT_LIMITS): Promise<Mail> => parseMail({ source: "inline", raw: Buffer.from(text, "utf8") }, limits);

describe("parseMail", () => {
  it("parses an inline 8bit patch sent with CRLF, keeping every diff line byte-exact", async () => {
    const mail = await parse("inline-crlf.eml");
    expect(mail.source).toBe("inline-crlf.eml");
    expect(mail.messageId).toBe("<20250306090122.7001-3-jane@example.org>");
    // A fold between words unfolds to exactly one space (RFC 5322 2.2.3).
    expect(mail.subject).toBe("[PATCH v2 2/3] livepatch: Warn once on a hook reference underflow and keep the last reference");
    expect(mail.from).toEqual({ name: "Jane Developer", address: "jane@example.org" });
    expect(mail.to).toEqual([{ name: "", address: "live-patching@vger.kernel.org" }]);
    expect(mail.cc).toEqual([
      { name: "Some Maintainer", address: "maint@example.com" },
      { name: "Other Reviewer", address: "other@example.net" },
    ]);
    expect(mail.replyTo).toEqual([]);
    expect(mail.date).toBe("Thu, 6 Mar 2025 10:01:22 +0100");
    expect(mail.inReplyTo).toBe("<20250306090122.7001-1-jane@example.org>");
    expect(mail.references).toEqual(["<20250306090122.7001-1-jane@example.org>", "<20250306090122.7001-2-jane@example.org>"]);
    expect(mail.listId).toBe("live-patching.vger.kernel.org");
    expect(mail.autoSubmitted).toBeNull();
    expect(mail.body).not.toContain("\r");
    expect(mail.body).toContain(diff);
    const lines = mail.body.split("\n");
    expect(lines).toContain("+\t\tgoto out;   ");
    expect(lines).toContain(" ");
    expect(lines).toContain("+");
    expect(lines[0]).toBe("klp_hook_put() only printed an error when the reference count was");
  });

  it("appends a base64 text/x-patch attachment to the body text", async () => {
    const mail = await parse("x-patch-base64.eml");
    expect(mail.body.startsWith("Hi,\n\nmy mailer mangles tabs, so the patch is attached.\n\nJane\n")).toBe(true);
    expect(mail.body).toContain(`\nklp_hook_put() only printed an error`);
    expect(mail.body).toContain(diff);
    expect(mail.body.endsWith("-- \n2.39.5\n")).toBe(true);
    expect(mail.autoSubmitted).toBeNull();
  });

  it("decodes a quoted-printable ISO-8859-15 text/x-diff and RFC 2047 From and Subject", async () => {
    const mail = await parse("x-diff-qp-latin9.eml");
    expect(mail.from).toEqual({ name: "Jörg Müller", address: "jorg@example.de" });
    // Whitespace between adjacent encoded words is not part of the text (RFC 2047 section 6.2).
    expect(mail.subject).toBe("[PATCH] livepatch: Warn once – hook reference underflow");
    expect(mail.messageId).toBe("<20250307.qp-diff@example.de>");
    expect(mail.date).toBe("Fri, 7 Mar 2025 16:40:00 -0500");
    expect(mail.autoSubmitted).toBe("auto-generated");
    expect(mail.body.startsWith("Grüße, the patch is attached.\n")).toBe(true);
    expect(mail.body).toContain("Tested-by: Zoë Œlberg <zoe@example.fr>\n");
    expect(mail.body).toContain(diff);
  });

  it("takes a text/plain attachment holding a diff and leaves other attachments out", async () => {
    const mail = await parse("text-plain-attachment.eml");
    expect(mail.subject).toBe("[RFC PATCH livepatching-next v3 1/1] livepatch: Warn once on a hook reference underflow");
    expect(mail.body.startsWith("Patch and the boot log attached.\n")).toBe(true);
    expect(mail.body).toContain(diff);
    expect(mail.body).not.toContain("Linux version");
  });

  it("decodes Windows-1252 and gives a mail without Message-ID a stable synthetic one", async () => {
    const mail = await parse("windows-1252-no-message-id.eml");
    expect(mail.body.startsWith("The hook doesn’t survive a reference underflow — warn instead.\n\n")).toBe(true);
    expect(mail.body).toContain(diff);
    expect(mail.messageId).toMatch(/^<[0-9a-f]{64}@lkreview\.invalid>$/);
    expect((await parse("windows-1252-no-message-id.eml")).messageId).toBe(mail.messageId);
    const other = await parseMail({ source: "x", raw: Buffer.concat([fixture("windows-1252-no-message-id.eml"), Buffer.from("\n")]) }, DEFAULT_LIMITS);
    expect(other.messageId).not.toBe(mail.messageId);
  });

  it("rejects binary garbage with PARSE_MAIL naming the source", async () => {
    const err = await parse("garbage.eml").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LkreviewError);
    expect((err as LkreviewError).code).toBe("PARSE_MAIL");
    expect((err as LkreviewError).message).toBe("garbage.eml: not a mail message: it does not start with a header line");
  });

  it("rejects text without mail headers", async () => {
    await expect(parseText("Note: nothing here is mail.\n\nReally.\n")).rejects.toThrow("inline: not a mail message: no From or Subject header");
  });

  it("rejects a message over limits.maxMessageBytes", async () => {
    const err = await parseMail({ source: "big", raw: fixture("inline-crlf.eml") }, { ...DEFAULT_LIMITS, maxMessageBytes: 100 }).catch((e: unknown) => e);
    expect((err as LkreviewError).code).toBe("LIMIT");
  });

  it("strips control characters, encoded CR/LF included, and caps header values", async () => {
    const mail = await parseText(
      "From: =?UTF-8?Q?Eve=0D=0ABcc=3A_victim=40example.com?= <eve@example.org>\n" +
        "Subject: =?UTF-8?Q?[PATCH]_evil=0D=0ABcc:_victim@example.com?=\n" +
        `References: ${"<r@x> ".repeat(50)}\n` +
        "Message-ID: <a\u0007b@example.org>\n\nbody\n",
      { ...DEFAULT_LIMITS, maxHeaderLength: 64 },
    );
    expect(mail.subject).toBe("[PATCH] evilBcc: victim@example.com");
    expect(mail.from.name).toBe("EveBcc: victim@example.com");
    expect(mail.messageId).toBe("<ab@example.org>");
    // 64 characters hold ten `<r@x> ` and a cut one, which is dropped.
    expect(mail.references).toHaveLength(10);
  });

  it("ignores leading blank lines and an mbox From_ line, and handles a missing body", async () => {
    const mail = await parseText("\n\nFrom jane@example.org Thu Mar  6 10:01:22 2025\nFrom: Jane <jane@example.org>\nSubject: [PATCH] x\n");
    expect(mail.from.address).toBe("jane@example.org");
    expect(mail.subject).toBe("[PATCH] x");
    expect(mail.body).toBe("");
    expect(mail.date).toBe("");
    expect(mail.inReplyTo).toBeNull();
    expect(mail.listId).toBeNull();
  });
});
