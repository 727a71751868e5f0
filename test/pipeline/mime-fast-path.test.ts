import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import { parseMail } from "../../src/parse/mime.js";

/**
 * parseMail reads plain UTF-8 text/plain mail without postal-mime's body
 * machinery (the fast path). A `Content-Disposition: inline` header changes
 * nothing a reader sees but sends the same message through postal-mime
 * whole, so the two results must be identical whatever the body holds.
 */

const CRLF_BITS = ["\n", "\r\n", "\r", "\r\r\n", "\n\n", ""];

function message(headers: string[], body: Uint8Array, eol: string): Uint8Array {
  const head = Buffer.from(`${headers.join(eol)}${eol}${eol}`, "latin1");
  return Buffer.concat([head, body]);
}

const bodyArb = fc
  .array(
    fc.oneof(
      fc.constantFrom(...CRLF_BITS, "+\tret = kzalloc(sizeof(*p), GFP_KERNEL);", "diff --git a/x.c b/x.c", "-- ", "\uFEFF", "caf\u00e9 \u2019", " "),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 30 },
  )
  .chain((parts) =>
    fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }).map((junk) => {
      // A few raw bytes (invalid UTF-8 among them) in the middle of the text.
      const text = Buffer.from(parts.join(""), "utf8");
      const at = Math.floor(text.length / 2);
      return Buffer.concat([text.subarray(0, at), Buffer.from(junk), text.subarray(at)]);
    }),
  );

const typeArb = fc.constantFrom<string | null>(null, "text/plain", "text/plain; charset=UTF-8", 'text/plain; charset="utf-8"', "TEXT/PLAIN;charset=utf-8");
const cteArb = fc.constantFrom<string | null>(null, "8bit", "7bit", "8BIT");

describe("parseMail fast path for plain UTF-8 mail", () => {
  it("gives exactly what postal-mime gives for any body", async () => {
    await fc.assert(
      fc.asyncProperty(bodyArb, typeArb, cteArb, fc.constantFrom("\n", "\r\n"), async (body, type, cte, eol) => {
        const headers = [
          "From: Jane Developer <jane@example.org>",
          "Subject: [PATCH] demo: Fix the probe error path",
          "Message-ID: <fast-path@example.org>",
          "Date: Tue, 4 Mar 2025 09:15:07 +0100",
        ];
        if (type) headers.push(`Content-Type: ${type}`);
        if (cte) headers.push(`Content-Transfer-Encoding: ${cte}`);
        const fast = await parseMail({ source: "fast", raw: message(headers, body, eol) }, DEFAULT_LIMITS);
        const whole = await parseMail({ source: "fast", raw: message([...headers, "Content-Disposition: inline"], body, eol) }, DEFAULT_LIMITS);
        expect(fast).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it("still decodes what it does not take itself (quoted-printable, Latin-1)", async () => {
    const raw = Buffer.from(
      "From: A <a@example.org>\nSubject: [PATCH] x\nMessage-ID: <qp@example.org>\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\ncaf=E9 =\nsoft\n",
      "latin1",
    );
    const mail = await parseMail({ source: "qp", raw }, DEFAULT_LIMITS);
    expect(mail.body).toBe("café soft\n");
  });
});
