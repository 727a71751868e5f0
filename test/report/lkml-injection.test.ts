import fc from "fast-check";
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import type { Mail } from "../../src/model.js";
import { composeReply } from "../../src/report/lkml/compose.js";
import type { ComposedReply } from "../../src/report/lkml/compose.js";
import { sanitiseHeaderText } from "../../src/report/lkml/sanitise.js";
import { buildPatch, COMPOSE_OPTS, finding } from "./fixtures.js";

const POINT = finding({ file: "kernel/livepatch/hook.c", line: 23, endLine: 26, message: "Shouldn't this return -EINVAL?" });
const NAMES = [
  "from",
  "to",
  "cc",
  "subject",
  "date",
  "message-id",
  "in-reply-to",
  "references",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "auto-submitted",
  "user-agent",
];

function compose(mail: Partial<Mail>): ComposedReply {
  const reply = composeReply(buildPatch({ mail }), [POINT], COMPOSE_OPTS);
  if (!reply) throw new Error("expected a reply");
  return reply;
}

/** Checks the header section is well-formed and holds exactly our headers. */
function expectCleanHeaders(raw: string): void {
  const end = raw.indexOf("\r\n\r\n");
  expect(end).toBeGreaterThan(0);
  const head = raw.slice(0, end);
  // No CR or LF except as CRLF, and every CRLF inside the header section is a fold.
  expect(head.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  for (const line of head.split("\r\n")) {
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
    expect(line).toMatch(/^[\x20-\x7e]*$/);
  }
  const names = head
    .replace(/\r\n(?=[ \t])/g, "")
    .split("\r\n")
    .map((l) => /^([A-Za-z-]+):/.exec(l)?.[1]?.toLowerCase());
  expect(names.filter((n) => n !== "cc")).toEqual(NAMES.filter((n) => n !== "cc"));
}

describe("header sanitising", () => {
  it("keeps CR/LF in a Subject from starting a header of its own", async () => {
    const r = compose({ subject: "[PATCH] x\r\nBcc: victim@evil.example\r\n\r\nbody" });
    expectCleanHeaders(r.raw);
    const parsed = await PostalMime.parse(r.raw);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.some((h) => h.key === "bcc")).toBe(false);
    expect(parsed.subject).toBe("Re: [PATCH] x Bcc: victim@evil.example body");
    expect(r.body.startsWith("On Tue")).toBe(true);
  });

  it("drops NUL, other controls, U+2028/U+2029 and bidi overrides", async () => {
    const r = compose({
      subject: "[PATCH] a\u0000b\u2028c\u2029d\u0085e\u001bf\u202eg\u0007",
      from: { name: "Eve\r\nBcc: victim@evil.example\u2028X", address: "eve@example.org" },
    });
    expectCleanHeaders(r.raw);
    const parsed = await PostalMime.parse(r.raw);
    expect(parsed.subject).toBe("Re: [PATCH] a b c d e f g");
    expect(parsed.to).toEqual([{ name: "Eve Bcc: victim@evil.example X", address: "eve@example.org" }]);
    expect(parsed.bcc).toBeUndefined();
    // The author's name lands in the attribution line: one line, nothing forged below it.
    expect(r.body.split("\n")[0]).toBe("On Tue, Mar 04, 2025 at 09:15:07AM +0100, Eve Bcc: victim@evil.example X wrote:");
  });

  it("drops addresses and Message-IDs that carry anything but an address or an id", async () => {
    const r = compose({
      cc: [
        { name: "", address: "x@example.org>\r\nBcc: victim@evil.example" },
        { name: "Ok", address: "ok@example.org" },
        { name: "", address: "two words@example.org" },
        { name: "", address: "a@b@c" },
      ],
      references: ["<root@example.org>", "<a@b>\r\nBcc: victim@evil.example", "<x y@z>", "not-an-id"],
    });
    expectCleanHeaders(r.raw);
    expect(r.cc).toEqual(["live-patching@vger.kernel.org", "ok@example.org"]);
    const parsed = await PostalMime.parse(r.raw);
    expect(parsed.references).toBe("<root@example.org> <20250304081507.4242-3-jane@example.org>");
  });

  it("caps an overlong subject and keeps every line under 998 bytes", async () => {
    const long = `[PATCH] ${"x".repeat(20_000)} ${"ü".repeat(5_000)}`;
    const r = compose({ subject: long });
    expectCleanHeaders(r.raw);
    const parsed = await PostalMime.parse(r.raw);
    expect(parsed.subject?.startsWith("Re: [PATCH] xxx")).toBe(true);
    expect((parsed.subject ?? "").length).toBeLessThanOrEqual(505);
  });

  it("never lets arbitrary input break the header section", async () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom("\r", "\n", "\0", "\u2028", "\u2029", ":", " ", "=?", "?=", "<", ">", '"', "\\"),
        fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
      ),
      maxLength: 300,
    });
    await fc.assert(
      fc.asyncProperty(text, text, text, async (subject, name, ref) => {
        const r = compose({ subject, from: { name, address: "a@example.org" }, references: [ref] });
        expectCleanHeaders(r.raw);
        const parsed = await PostalMime.parse(r.raw);
        expect(parsed.bcc).toBeUndefined();
        expect(parsed.to?.[0] && "address" in parsed.to[0] ? parsed.to[0].address : "").toBe("a@example.org");
        expect(parsed.subject).toBe(r.headers.find(([n]) => n === "Subject")?.[1]);
      }),
      { numRuns: 200 },
    );
  });

  it("sanitiser output never holds a control or line separator", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        const out = sanitiseHeaderText(s, 100);
        // eslint-disable-next-line no-control-regex -- asserts that no control character is left
        expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        expect(out.length).toBeLessThanOrEqual(100);
        expect(out).toBe(out.trim());
      }),
    );
  });
});

describe("linear time on hostile header and comment text", () => {
  it("checks a comment line made of 20,000 @ and an identity of 20,000 tabs at once", async () => {
    const { looksLikeTrailer } = await import("../../src/report/lkml/trailer.js");
    const { parseIdentity } = await import("../../src/report/lkml/addresses.js");
    expect(looksLikeTrailer(`Foo: ${"@".repeat(20_000)}`)).toBe(false);
    expect(looksLikeTrailer("Reported-by: Jane <jane@example.org>")).toBe(true);
    expect(() => parseIdentity(`${"\t".repeat(20_000)}!`, "from")).toThrow();
    expect(parseIdentity('"Jane D" <jane@example.org>', "from")).toEqual({ name: "Jane D", address: "jane@example.org" });
  });
});
