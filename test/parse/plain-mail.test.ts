import fc from "fast-check";
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { LkreviewError } from "../../src/errors.js";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import type { Mail } from "../../src/model.js";
import { parseMail } from "../../src/parse/mime.js";
import { parsePlainText, readHeaderLines } from "../../src/parse/plain-mail.js";

const parseText = (text: string, limits = DEFAULT_LIMITS): Promise<Mail> => parseMail({ source: "inline", raw: Buffer.from(text, "utf8") }, limits);

const PATCH_MAIL =
  "From: Jane Developer <jane@example.org>\r\n" +
  "To: linux-kernel@vger.kernel.org\r\n" +
  "Cc: Some Maintainer <maint@example.com>,\r\n\tOther Reviewer <other@example.net>\r\n" +
  "Subject: [PATCH] demo: Fix the\r\n  hook  reference\r\n" +
  "Message-ID: <1@example.org>\r\n" +
  "MIME-Version: 1.0\r\n" +
  "%TYPE%" +
  "\r\n" +
  "Grüße, a fix.\r\n\r\n" +
  "---\r\n+\tgoto out;   \r\n \r\n+\r\n";

describe("parsePlainText", () => {
  it("reads header lines exactly as postal-mime does", async () => {
    // Pieces that exercise folding, stray CRs, BOMs, keys with blanks, lines without a colon and broken UTF-8.
    const pieces = [
      "Subject: plain",
      "subject : spaced key",
      "\tfolded with a tab",
      "  folded with spaces",
      "X-Bom: \ufeffvalue",
      "\ufeffFrom: bom first",
      "Content-Type: text/plain; charset=utf-8",
      "content-type:   TEXT/PLAIN  ",
      "Content-Transfer-Encoding: 8bit",
      "Content-Disposition: inline",
      "No colon here",
      "Bare\rCR: inside",
      "Trailing: crs\r\r",
      "Key:",
      "Grüße: ünïcode",
      "\u00a0Nbsp: lead",
    ];
    const brokenUtf8 = Buffer.from([0x58, 0x3a, 0x20, 0xe2, 0x82]);
    const block = fc.tuple(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 12 }), fc.boolean(), fc.boolean());
    await fc.assert(
      fc.asyncProperty(block, async ([lines, crlf, broken]) => {
        const eol = crlf ? "\r\n" : "\n";
        const parts = [Buffer.from(lines.join(eol) + eol, "utf8")];
        if (broken) parts.push(brokenUtf8, Buffer.from(eol));
        parts.push(Buffer.from(eol));
        const bytes = Buffer.concat(parts);
        const theirs = await PostalMime.parse(bytes);
        const ours = readHeaderLines(bytes);
        expect(ours.headerLines).toEqual(theirs.headerLines);
        for (const key of ["content-type", "content-transfer-encoding", "content-disposition"]) {
          expect(ours.content.get(key)).toBe(theirs.headers.find((h) => h.key === key)?.value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("takes single-part UTF-8 text and leaves every other shape to postal-mime", () => {
    const mail = (type: string): Buffer => Buffer.from(PATCH_MAIL.replace("%TYPE%", type), "utf8");
    expect(parsePlainText(mail(""))?.text).toBe("Grüße, a fix.\n\n---\n+\tgoto out;   \n \n+\n");
    expect(parsePlainText(mail('Content-Type: text/plain; charset="UTF-8"\r\nContent-Transfer-Encoding: 8bit\r\n'))).not.toBeNull();
    expect(parsePlainText(mail("Content-Type: text/plain; charset=utf-8; format=flowed\r\n"))).toBeNull();
    expect(parsePlainText(mail("Content-Type: text/plain; charset=iso-8859-1\r\n"))).toBeNull();
    expect(parsePlainText(mail("Content-Transfer-Encoding: quoted-printable\r\n"))).toBeNull();
    expect(parsePlainText(mail("Content-Disposition: inline\r\n"))).toBeNull();
    expect(parsePlainText(mail("Content-Type: multipart/mixed; boundary=x\r\n"))).toBeNull();
  });

  it("gives the same Mail as postal-mime for a mail it takes", async () => {
    const fast = await parseText(PATCH_MAIL.replace("%TYPE%", ""));
    // `format=fixed` is plain text to postal-mime but not to the fast path.
    const full = await parseText(PATCH_MAIL.replace("%TYPE%", "Content-Type: text/plain; charset=utf-8; format=fixed\r\n"));
    expect(fast).toEqual(full);
    expect(fast.subject).toBe("[PATCH] demo: Fix the  hook  reference");
    expect(fast.cc).toEqual([
      { name: "Some Maintainer", address: "maint@example.com" },
      { name: "Other Reviewer", address: "other@example.net" },
    ]);
  });

  it("leaves a header block over postal-mime's size limit to postal-mime, which refuses it", async () => {
    const huge = `X-Junk: ${"j".repeat(2 * 1024 * 1024)}\n`;
    expect(parsePlainText(Buffer.from(`Subject: s\n${huge}\nbody\n`))).toBeNull();
    const err = await parseText(`Subject: s\n${huge}\nbody\n`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LkreviewError);
    expect((err as LkreviewError).message).toMatch(/^inline: not parseable as mail: Maximum header size/);
  });
});

describe("parseMail on the fast path", () => {
  it("repairs C1 characters only when the mail declares Windows-1252", async () => {
    const mail = (label: string): string => `From: a <a@example.org>\nSubject: s\n\nit doesn\u0092t (${label})\n`;
    expect((await parseText(mail("charset=iso-8859-1"))).body).toBe("it doesn’t (charset=iso-8859-1)\n");
    expect((await parseText(mail("no label"))).body).toBe("it doesn\u0092t (no label)\n");
  });

  it("hands out fresh address objects for a repeated header value", async () => {
    const text = "From: Jane <jane@example.org>\nTo: A <a@example.org>, b@example.org\nSubject: s\n\nbody\n";
    const first = await parseText(text);
    first.to[0]!.name = "changed";
    first.from.address = "changed";
    const second = await parseText(text);
    expect(second.to).toEqual([
      { name: "A", address: "a@example.org" },
      { name: "", address: "b@example.org" },
    ]);
    expect(second.from).toEqual({ name: "Jane", address: "jane@example.org" });
  });
});
