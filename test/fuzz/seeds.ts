import fc from "fast-check";
import { LkreviewError } from "../../src/errors.js";

/**
 * Seed mails for the fuzzers: small, real-looking kernel patch mails of our
 * own in the shapes lists deliver (plain text, base64 and quoted-printable
 * attachments, encoded subjects, a cover letter, a reply), plus the
 * mutations a hostile or broken sender produces.
 */

const DIFF = [
  "diff --git a/kernel/livepatch/shadow.c b/kernel/livepatch/shadow.c",
  "index 3c1a2b4..5d6e7f8 100644",
  "--- a/kernel/livepatch/shadow.c",
  "+++ b/kernel/livepatch/shadow.c",
  "@@ -88,7 +88,10 @@ static void *klp_shadow_alloc_locked(void *obj, unsigned long id)",
  " \tstruct klp_shadow *shadow;",
  " ",
  "-\tshadow = kzalloc(size, gfp);",
  "+\tshadow = kzalloc(sizeof(*shadow) + size, gfp);",
  "+\tif (!shadow)",
  "+\t\treturn NULL;",
  "+",
  " \tshadow->obj = obj;",
  " \tshadow->id = id;",
  " \treturn shadow->data;",
].join("\n");

const BODY = [
  "The shadow variable is allocated without room for its header, so the",
  "data written after it runs past the end of the allocation. Allocate",
  "the header too and bail out when the allocation fails.",
  "",
  "Signed-off-by: Jane Developer <jane@example.org>",
  "---",
  " kernel/livepatch/shadow.c | 5 ++++-",
  " 1 file changed, 4 insertions(+), 1 deletion(-)",
  "",
  DIFF,
  "-- ",
  "2.43.0",
  "",
].join("\n");

function headers(subject: string, id: string, extra: string[] = []): string[] {
  return [
    "From: Jane Developer <jane@example.org>",
    "To: live-patching@vger.kernel.org",
    "Cc: Some Maintainer <maint@example.com>, other@example.net",
    "Date: Tue, 4 Mar 2025 09:15:07 +0100",
    `Subject: ${subject}`,
    `Message-ID: ${id}`,
    "References: <cover.1@example.org>",
    "In-Reply-To: <cover.1@example.org>",
    "List-Id: <live-patching.vger.kernel.org>",
    "MIME-Version: 1.0",
    ...extra,
  ];
}

const crlf = (lines: string[]): string => lines.join("\r\n");
const b64 = (s: string): string =>
  (
    Buffer.from(s)
      .toString("base64")
      .match(/.{1,76}/g) ?? []
  ).join("\r\n");

/** The seed mails, each a complete RFC 5322 message with CRLF line ends. */
export const SEED_MAILS: readonly string[] = [
  crlf([
    ...headers("[PATCH v2 1/2] livepatch: Allocate the shadow header", "<p1@example.org>", ["Content-Type: text/plain; charset=utf-8"]),
    "",
    ...BODY.split("\n"),
  ]),
  crlf([
    ...headers("=?UTF-8?B?W1BBVENIXSBsaXZlcGF0Y2g6IEZpeCDDqWzDqG1lbnQ=?=", "<p2@example.org>", ['Content-Type: multipart/mixed; boundary="==b1=="']),
    "",
    "--==b1==",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "See the attached patch.",
    "--==b1==",
    'Content-Type: text/x-patch; charset=utf-8; name="0001-shadow.patch"',
    "Content-Transfer-Encoding: base64",
    'Content-Disposition: attachment; filename="0001-shadow.patch"',
    "",
    b64(BODY),
    "--==b1==--",
    "",
  ]),
  crlf([
    ...headers("[PATCH] livepatch: Quote the =?iso-8859-1?q?r=E9sum=E9?=", "<p3@example.org>", [
      "Content-Type: text/plain; charset=iso-8859-1",
      "Content-Transfer-Encoding: quoted-printable",
    ]),
    "",
    "A r=E9sum=E9 of the change, and a long line that is soft-broken here so it=",
    " goes on.",
    "",
    ...BODY.split("\n").map((l) => l.replace(/=/g, "=3D")),
  ]),
  crlf([
    ...headers("[PATCH 0/2] livepatch: shadow fixes", "<cover.1@example.org>"),
    "",
    "This series fixes two shadow variable bugs.",
    "",
    "Jane Developer (2):",
    "  livepatch: Allocate the shadow header",
    "",
  ]),
  crlf([...headers("Re: [PATCH 1/2] livepatch: Allocate the shadow header", "<r1@example.org>"), "", "> +\tif (!shadow)", "", "Looks right to me.", ""]),
];

/** An mbox of the seeds, as lore or git format-patch writes it. */
export function seedMbox(mails: readonly string[] = SEED_MAILS): string {
  // Each message is followed by the one blank line the format adds (and the splitter drops).
  return mails.map((m) => `From git@z Thu Jan  1 00:00:00 1970\n${m.replace(/\r\n/g, "\n").replace(/^(>*From )/gm, ">$1")}\n`).join("");
}

/** The patch body alone (commit message + diff), for the diff parser. */
export const SEED_BODY = BODY;

/** Byte sequences broken input is made of. */
const NASTY = [
  "\r",
  "\n",
  "\r\n",
  "\0",
  "\x85",
  "\u0085",
  "\u2028",
  "\u2029",
  "\xff",
  "\x1b[31m",
  "=?",
  "?=",
  "--",
  "@@",
  "+++ ",
  "--- ",
  ">From ",
  "From x Mon Jan  1 00:00:00 2001\n",
  "\t",
  ":",
  "<",
  ">",
  "\\",
  "\u202e",
];

/** One edit applied to a byte string. */
export type Mutation =
  | { op: "flip"; at: number; bits: number }
  | { op: "truncate"; at: number }
  | { op: "insert"; at: number; text: string }
  | { op: "delete"; at: number; len: number }
  | { op: "dupLine"; at: number; times: number }
  | { op: "hugeLine"; at: number; char: string; len: number }
  | { op: "lf" };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    op: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 20 }), fc.string({ unit: "binary", maxLength: 8 })),
  }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant("dupLine" as const), at: fc.nat(), times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({
    op: fc.constant("hugeLine" as const),
    at: fc.nat(),
    char: fc.constantFrom("a", "(", "{", "+", "-", " ", "=", "/*", '"', "@", "\t", "é"),
    len: fc.integer({ min: 1_000, max: 120_000 }),
  }),
  fc.record({ op: fc.constant("lf" as const) }),
);

/** Growing edits stop past this size: the fuzzers test parsing, not the test's own memory. */
const MAX_FUZZ_BYTES = 1024 * 1024;

/** Applies mutations in order; positions wrap around the current length. */
export function mutate(input: Buffer, mutations: readonly Mutation[]): Buffer {
  let buf = input;
  for (const m of mutations) {
    const at = (n: number): number => (buf.length === 0 ? 0 : n % (buf.length + 1));
    switch (m.op) {
      case "flip": {
        if (buf.length === 0) break;
        const i = m.at % buf.length;
        buf = Buffer.from(buf);
        buf[i] = (buf[i] ?? 0) ^ m.bits;
        break;
      }
      case "truncate":
        buf = buf.subarray(0, at(m.at));
        break;
      case "insert": {
        const i = at(m.at);
        buf = Buffer.concat([buf.subarray(0, i), Buffer.from(m.text, "utf8"), buf.subarray(i)]);
        break;
      }
      case "delete": {
        const i = at(m.at);
        buf = Buffer.concat([buf.subarray(0, i), buf.subarray(i + m.len)]);
        break;
      }
      case "dupLine": {
        // Duplicates the line holding `at`: a header line gives a duplicate header.
        const i = at(m.at);
        const start = buf.lastIndexOf(0x0a, Math.max(0, i - 1)) + 1;
        const nl = buf.indexOf(0x0a, i);
        const end = nl === -1 ? buf.length : nl + 1;
        const line = buf.subarray(start, end);
        if (buf.length + line.length * m.times > MAX_FUZZ_BYTES) break;
        buf = Buffer.concat([buf.subarray(0, end), ...Array.from({ length: m.times }, () => line), buf.subarray(end)]);
        break;
      }
      case "hugeLine": {
        if (buf.length + m.len * 2 > MAX_FUZZ_BYTES) break;
        const i = at(m.at);
        buf = Buffer.concat([buf.subarray(0, i), Buffer.from(m.char.repeat(Math.ceil(m.len / m.char.length)), "utf8"), buf.subarray(i)]);
        break;
      }
      case "lf":
        buf = Buffer.from(buf.toString("latin1").replace(/\r\n/g, "\n"), "latin1");
        break;
    }
  }
  return buf;
}

/** A seed picked from `seeds`, with up to `max` mutations applied. */
export function mutatedFrom(seeds: readonly string[], max = 6): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutationArb, { maxLength: max })).map(([i, muts]) => mutate(Buffer.from(seeds[i] ?? ""), muts));
}

/**
 * Runs `fn`; a thrown LkreviewError is an accepted outcome (returned), any
 * other exception fails the property with what was thrown.
 */
export async function resultOrLkError<T>(fn: () => T | Promise<T>): Promise<{ ok: T } | { error: LkreviewError }> {
  try {
    return { ok: await fn() };
  } catch (err) {
    if (err instanceof LkreviewError) {
      // A clear error is one line that names its item.
      if (/[\r\n]/.test(err.message)) throw new Error(`multi-line error message: ${JSON.stringify(err.message)}`, { cause: err });
      return { error: err };
    }
    throw err;
  }
}
