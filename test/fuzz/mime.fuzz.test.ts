import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import type { Limits } from "../../src/limits.js";
import type { Mail } from "../../src/model.js";
import { parseMail } from "../../src/parse/mime.js";
import { classifyMail } from "../../src/parse/patch.js";
import { mutatedFrom, resultOrLkError, SEED_MAILS } from "./seeds.js";

/**
 * The MIME layer (and the classifier after it) on arbitrary and mutated
 * mails: a Mail whose header fields are clean single lines, or an
 * LkreviewError; never another exception.
 */

// eslint-disable-next-line no-control-regex -- finds control characters on purpose
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function checkMail(mail: Mail, limits: Limits): void {
  for (const value of [mail.subject, mail.from.name, mail.from.address, ...[...mail.to, ...mail.cc, ...mail.replyTo].flatMap((a) => [a.name, a.address])]) {
    expect(value).not.toMatch(CONTROL);
    expect(value.length).toBeLessThanOrEqual(limits.maxHeaderLength);
  }
  for (const id of [mail.messageId, mail.inReplyTo ?? "<x>", ...mail.references]) {
    expect(id).toMatch(/^<[^<>\s]+>$/);
    expect(id).not.toMatch(CONTROL);
  }
  expect(mail.date).not.toMatch(/[\r\n]/);
  expect(mail.body).not.toContain("\r\n");
}

async function run(bytes: Buffer, limits: Limits = DEFAULT_LIMITS): Promise<void> {
  const r = await resultOrLkError(() => parseMail({ source: "fuzz.eml", raw: bytes }, limits));
  if ("error" in r) {
    expect(["PARSE_MAIL", "LIMIT"]).toContain(r.error.code);
    expect(r.error.item).toBe("fuzz.eml");
    return;
  }
  checkMail(r.ok, limits);
  const c = await resultOrLkError(() => classifyMail(r.ok, limits));
  if ("error" in c) {
    expect(["BAD_DIFF", "LIMIT"]).toContain(c.error.code);
    expect(c.error.item).toBe(r.ok.messageId);
  } else if (c.ok.patch) {
    for (const f of c.ok.patch.files) {
      for (const h of f.hunks) {
        for (const l of h.lines) expect(l.text.length).toBeLessThanOrEqual(limits.maxLineLength);
      }
    }
  }
}

describe("parseMail under fuzzing", () => {
  it("mutated patch mails (flipped bytes, cuts, duplicate headers, CR/NUL/0x85/U+2028, huge lines)", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFrom(SEED_MAILS, 6), (bytes) => run(bytes)),
      { numRuns: 2_000 },
    );
  });

  it("arbitrary bytes after a plausible header", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), (tail) =>
        run(Buffer.concat([Buffer.from("From: a@example.org\r\nSubject: [PATCH] x\r\n"), Buffer.from(tail)])),
      ),
      { numRuns: 1_000 },
    );
  });

  it("arbitrary strings of mail-ish tokens", async () => {
    const token = fc.constantFrom(
      "From: ",
      "Subject: ",
      "Message-ID: ",
      "References: ",
      "To: ",
      "Cc: ",
      "Reply-To: ",
      "Content-Type: multipart/mixed; boundary=b",
      "Content-Type: text/plain; charset=",
      "Content-Transfer-Encoding: base64",
      "Content-Transfer-Encoding: quoted-printable",
      "\r\n",
      "\n",
      "\r\n\r\n",
      "--b",
      "--b--",
      "=?utf-8?B?",
      "=?iso-8859-1?Q?",
      "?=",
      "<",
      ">",
      "@",
      ",",
      ";",
      '"',
      "(",
      ")",
      "diff --git a/x.c b/x.c\n",
      "--- a/x.c\n",
      "+++ b/x.c\n",
      "@@ -1,2 +1,3 @@\n",
      "+",
      "-",
      " ",
      "\0",
      "\u2028",
      "\x85",
      "=\r\n",
      "=E9",
      "w5k=",
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(token, fc.string({ maxLength: 8 })), { maxLength: 80 }), (parts) => run(Buffer.from(parts.join(""), "utf8"))),
      { numRuns: 2_000 },
    );
  });

  it("tight limits on mutated mails give LIMIT errors, not crashes", async () => {
    const limits: Limits = { ...DEFAULT_LIMITS, maxMessageBytes: 2_000, maxHeaderLength: 40, maxDiffLines: 12, maxLineLength: 30 };
    await fc.assert(
      fc.asyncProperty(mutatedFrom(SEED_MAILS, 3), (bytes) => run(bytes, limits)),
      { numRuns: 600 },
    );
  });
});
