import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analysePatch } from "../../src/analyse/analyse.js";
import { ConfigSchema } from "../../src/config.js";
import { LkreviewError } from "../../src/errors.js";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import { parseMail } from "../../src/parse/mime.js";
import { classifyMail } from "../../src/parse/patch.js";
import { composeReply } from "../../src/report/lkml/compose.js";
import type { ComposedReply } from "../../src/report/lkml/compose.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/store.js";
import { createWebServer } from "../../src/web/server.js";
import type { WebServer } from "../../src/web/server.js";

/**
 * Injection over the real path: raw hostile mail -> parseMail ->
 * classifyMail -> rules -> composeReply, then the reply parsed back with
 * postal-mime. Whatever the patch's headers and body hold, the reply has
 * exactly our header set, no control character in any header, and
 * recipients taken only from the patch's own From/Reply-To/To/Cc and the
 * configuration. The same mails, stored as the queue stores them, come out
 * escaped in the web page's raw HTML.
 */

const BOT = "lkreview bot <bot@review.example>";
const config = ConfigSchema.parse({ from: BOT });
const REPLY_HEADERS = new Set([
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
]);

const PATCH = [
  "Retry the transition of a task that could not be switched.",
  "",
  "Signed-off-by: Jane Developer <jane@example.org>",
  "---",
  "diff --git a/kernel/livepatch/transition.c b/kernel/livepatch/transition.c",
  "--- a/kernel/livepatch/transition.c",
  "+++ b/kernel/livepatch/transition.c",
  "@@ -40,3 +40,4 @@ static void klp_transition_work_fn(struct work_struct *work)",
  " {",
  "+\t/* recieve the task again */",
  " \tklp_try_switch_task(task);",
  " }",
];

interface HostileHeaders {
  subject: string;
  from: string;
  to: string;
  cc: string;
  replyTo?: string;
  messageId: string;
  references?: string;
  extra?: string[];
}

function rawMail(h: HostileHeaders, body: string[] = PATCH): Buffer {
  const lines = [
    `From: ${h.from}`,
    `To: ${h.to}`,
    `Cc: ${h.cc}`,
    ...(h.replyTo !== undefined ? [`Reply-To: ${h.replyTo}`] : []),
    `Subject: ${h.subject}`,
    "Date: Tue, 4 Mar 2025 09:15:07 +0100",
    `Message-ID: ${h.messageId}`,
    ...(h.references !== undefined ? [`References: ${h.references}`, `In-Reply-To: ${h.references}`] : []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    ...(h.extra ?? []),
    "",
    ...body,
    "",
  ];
  return Buffer.from(lines.join("\r\n"), "utf8");
}

/**
 * The real path; null when the mail is refused with a clear LkreviewError
 * (say, no usable author address is left) or gets no reply.
 */
async function replyTo(raw: Buffer): Promise<ComposedReply | null> {
  try {
    const mail = await parseMail({ source: "hostile.eml", raw }, DEFAULT_LIMITS);
    const c = classifyMail(mail, DEFAULT_LIMITS);
    if (c.kind !== "patch" || !c.patch) return null;
    const analysis = await analysePatch(c.patch, null, { config, model: null });
    return composeReply(c.patch, analysis.reportable, { from: BOT, signature: config.signature, version: "0.1.0", date: new Date("2025-03-05T10:00:00Z") });
  } catch (err) {
    if (err instanceof LkreviewError) {
      expect(err.message).not.toMatch(/[\r\n]/);
      return null;
    }
    throw err;
  }
}

/**
 * Every addr-spec written in plain text in the patch's own From, Reply-To, To
 * and Cc header lines (unfolded; a bare CR is not a line break, RFC 5322
 * 2.2). An address hidden in an encoded word, or on a line the sender forged
 * with a raw line break (`\nBcc: ...`), is not in this set.
 */
function ownAddresses(raw: Buffer): { has(address: string): boolean } {
  const text = raw.toString("utf8");
  const head = text.slice(0, text.search(/\r?\n\r?\n/) === -1 ? text.length : text.search(/\r?\n\r?\n/));
  const lines = head
    .replace(/\r?\n(?=[ \t])/g, "")
    .split(/\r?\n/)
    .filter((l) => /^(from|reply-to|to|cc)\s*:/i.test(l))
    .map((l) =>
      l
        .slice(l.indexOf(":") + 1)
        .toLowerCase()
        // Control characters are dropped where mail enters (parse/mime.ts), as in
        // `/<U+0085>victim@...`: what is left of the address is what the patch wrote.
        // eslint-disable-next-line no-control-regex -- mirrors the parser's sanitiser
        .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "")
        // The address parser joins the tokens of a mangled list: compare without whitespace.
        .replace(/\s+/g, ""),
    );
  // Comments are not part of an address (RFC 5322 3.2.2): `#()victim@...` is `#victim@...`.
  const own = [...lines, ...lines.map((l) => l.replace(/\([^()]*\)/g, ""))].join("\n");
  return { has: (address) => address.includes("@") && own.includes(address) };
}

async function expectCleanReply(reply: ComposedReply, allowed: { has(address: string): boolean }): Promise<void> {
  const end = reply.raw.indexOf("\r\n\r\n");
  const head = reply.raw.slice(0, end);
  // Only CRLF, and inside the header section only as folds; only printable ASCII.
  expect(head.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  // A line break is followed by a header name or a fold, never by a blank line that would end the header early.
  expect(head).not.toMatch(/\r\n(?![A-Za-z-]+: |[ \t]\S)/);
  for (const line of head.split("\r\n")) expect(line).toMatch(/^[\x20-\x7e]*$/);
  const parsed = await PostalMime.parse(reply.raw);
  for (const h of parsed.headers) {
    expect(REPLY_HEADERS.has(h.key), `unexpected header ${h.key}`).toBe(true);
    // eslint-disable-next-line no-control-regex -- asserts that no control character is left
    expect(h.value).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  }
  expect(
    parsed.headers
      .filter((h) => h.key !== "cc")
      .map((h) => h.key)
      .sort(),
  ).toEqual([...REPLY_HEADERS].filter((k) => k !== "cc").sort());
  expect(parsed.bcc).toBeUndefined();
  for (const a of [...(parsed.to ?? []), ...(parsed.cc ?? [])]) {
    expect(allowed.has((a.address ?? "").toLowerCase()), `${a.address} is not from the patch's headers`).toBe(true);
  }
  for (const a of [...reply.to, ...reply.cc]) expect(allowed.has(a.toLowerCase()), a).toBe(true);
  expect(parsed.from?.address).toBe("bot@review.example");
}

const b64word = (s: string): string => `=?utf-8?B?${Buffer.from(s).toString("base64")}?=`;
const qword = (s: string): string => `=?utf-8?Q?${[...Buffer.from(s)].map((b) => `=${b.toString(16).toUpperCase().padStart(2, "0")}`).join("")}?=`;
const PAYLOAD = "\r\nBcc: victim@evil.example\r\n\r\nforged body";

describe("hostile headers through parse -> compose", () => {
  const cases: [string, HostileHeaders][] = [
    [
      "CR/LF in encoded words of Subject and names",
      {
        subject: `[PATCH] livepatch: ${b64word(PAYLOAD)} ${qword("\u2028X-Evil: 1\u0085")}`,
        from: `${b64word(`Eve${PAYLOAD}`)} <eve@example.org>`,
        to: `${qword(`List${PAYLOAD}`)} <live-patching@vger.kernel.org>`,
        cc: `"Quoted\\"\r\n Bcc: victim@evil.example" <maint@example.com>`,
        messageId: "<hostile-1@example.org>",
      },
    ],
    [
      "folds that try to start a header in Message-ID and References",
      {
        subject: "[PATCH] livepatch: fold\r\n Bcc: victim@evil.example",
        from: "Eve <eve@example.org>",
        to: "live-patching@vger.kernel.org",
        cc: "maint@example.com",
        messageId: "<hostile-2@example.org\r\n Bcc: victim@evil.example>",
        references: `<a@example.org>\r\n ${b64word(PAYLOAD)} <b@example.org\u2028Bcc:victim@evil.example>`,
      },
    ],
    [
      "bare CR, NUL, NEL, U+2028 and ESC inside header values",
      {
        subject: "[PATCH] livepatch: a\rBcc: victim@evil.example\u0085b\u2028c\u001b[31md",
        from: "Eve\rBcc: victim@evil.example <eve@example.org>",
        to: "live-patching@vger.kernel.org\u2028, victim@evil.example\u0085",
        cc: "maint@example.com",
        replyTo: "eve-replies@example.org\r\n Bcc: victim@evil.example",
        messageId: "<hostile-3\u2028@example.org>",
      },
    ],
  ];

  for (const [what, h] of cases) {
    it(what, async () => {
      const raw = rawMail(h);
      const reply = await replyTo(raw);
      expect(reply).not.toBeNull();
      await expectCleanReply(reply!, ownAddresses(raw));
    });
  }

  it("a body line `Cc: attacker@evil.example` (or To:, Bcc:, an in-body From:) changes no recipient", async () => {
    const h: HostileHeaders = {
      subject: "[PATCH] livepatch: body headers",
      from: "Jane Developer <jane@example.org>",
      to: "live-patching@vger.kernel.org",
      cc: "Some Maintainer <maint@example.com>",
      messageId: "<hostile-body@example.org>",
    };
    const plain = await replyTo(rawMail(h));
    const tricked = await replyTo(
      rawMail(h, [
        "From: Attacker <attacker@evil.example>",
        "Cc: attacker@evil.example",
        "To: attacker@evil.example",
        "Bcc: attacker@evil.example",
        "Reply-To: attacker@evil.example",
        "",
        ...PATCH,
        "Cc: attacker@evil.example",
      ]),
    );
    expect(plain).not.toBeNull();
    expect(tricked).not.toBeNull();
    expect(tricked!.to).toEqual(plain!.to);
    expect(tricked!.cc).toEqual(plain!.cc);
    expect(tricked!.to).toEqual(["jane@example.org"]);
    expect([...tricked!.cc].sort()).toEqual(["live-patching@vger.kernel.org", "maint@example.com"]);
    const head = tricked!.raw.slice(0, tricked!.raw.indexOf("\r\n\r\n"));
    expect(head).not.toContain("evil.example");
  });

  it("a control character inside a recipient is dropped, not kept, and the rest stays that recipient", async () => {
    const raw = rawMail({
      subject: "[PATCH] livepatch: Add hooks",
      from: "Jane Developer <jane@example.org>",
      to: "live-patching@vger.kernel.org, /\u0085victim@evil.example",
      cc: "maint@example.com",
      messageId: "<nel@example.org>",
    });
    const reply = await replyTo(raw);
    expect(reply?.cc).toContain("/victim@evil.example");
    if (reply) await expectCleanReply(reply, ownAddresses(raw));
  });

  it("a comment inside the author's address is dropped and the reply still goes to that author only", async () => {
    // Found by the property below: a raw line break after the address leaves an encoded Bcc on a line of its own.
    const raw = rawMail({
      subject: "[PATCH] livepatch: Add hooks",
      from: `#()victim@evil.example\r\n${b64word(PAYLOAD)} <jane@example.org>`,
      to: "live-patching@vger.kernel.org",
      cc: "maint@example.com",
      messageId: "<comment@example.org>",
    });
    const reply = await replyTo(raw);
    expect(reply?.to).toEqual(["#victim@evil.example"]);
    if (reply) await expectCleanReply(reply, ownAddresses(raw));
  });

  it("any mix of hostile pieces in any header: clean reply headers, recipients only from the patch", async () => {
    const piece = fc.oneof(
      fc.constantFrom(
        "\r\n",
        "\r",
        "\n",
        "\r\n ",
        "\0",
        "\u0085",
        "\u2028",
        "\u2029",
        "\u001b",
        "\u202e",
        "Bcc: victim@evil.example",
        "victim@evil.example",
        ",",
        ";",
        "<",
        ">",
        '"',
        "\\",
        ":",
        "(",
        ")",
        " ",
      ),
      fc.constantFrom(PAYLOAD, "X-Injected: 1", "\r\n\r\nbody").map((p) => b64word(p)),
      fc.constantFrom(PAYLOAD, "\u2028Bcc: victim@evil.example").map((p) => qword(p)),
      fc.string({ maxLength: 6 }),
    );
    const value = fc.array(piece, { maxLength: 8 }).map((p) => p.join(""));
    await fc.assert(
      fc.asyncProperty(value, value, value, value, value, value, value, async (subject, name, to, cc, rt, id, refs) => {
        const raw = rawMail({
          subject: `[PATCH] livepatch: ${subject}`,
          from: `${name} <jane@example.org>`,
          to: `live-patching@vger.kernel.org, ${to}`,
          cc: `maint@example.com ${cc}`,
          ...(rt === "" ? {} : { replyTo: `${rt} <eve@example.org>` }),
          messageId: `<fuzz-${id}@example.org>`,
          references: `<root@example.org> ${refs}`,
        });
        const reply = await replyTo(raw);
        if (reply) await expectCleanReply(reply, ownAddresses(raw));
      }),
      { numRuns: 400 },
    );
  });
});

describe("the web page escapes every field that shows patch content (raw HTML)", () => {
  const MARK = `<x-evil onmouseover="alert(1)">'&amp;`;
  let dir = "";
  let store: Store;
  let web: WebServer;
  let itemId = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lkr-web-hostile-"));
    store = await openStore(join(dir, "web.sqlite"));
    const path = `kernel/livepatch/${MARK}.c`.replace(/[\s"]/g, "_");
    const raw = rawMail(
      {
        subject: `[PATCH] livepatch: ${MARK}`,
        from: `${b64word(MARK)} <jane@example.org>`,
        to: "live-patching@vger.kernel.org",
        cc: "maint@example.com",
        messageId: "<web-hostile@example.org>",
        extra: [`List-Id: ${MARK} <${"x-evil".repeat(2)}.lists.example>`],
      },
      PATCH.map((l) => l.replace(/kernel\/livepatch\/transition\.c/g, path))
        .concat([`+\t/* ${MARK} */`])
        .map((l, i, all) =>
          // keep the hunk counts right: the extra added line belongs to the hunk
          i === all.length - 1 ? l : l.replace("@@ -40,3 +40,4 @@", "@@ -40,3 +40,5 @@"),
        ),
    );
    const mail = await parseMail({ source: "web.eml", raw }, DEFAULT_LIMITS);
    const c = classifyMail(mail, DEFAULT_LIMITS);
    if (!c.patch) throw new Error(`fixture is not a patch: ${c.reason}`);
    const analysis = await analysePatch(c.patch, null, { config, model: null });
    expect(analysis.findings.length).toBeGreaterThan(0);
    const reply = composeReply(c.patch, analysis.reportable, { from: BOT, signature: config.signature, version: "0.1.0" });
    // The same fields `review --enqueue` stores.
    const item = await store.upsertItem({
      messageId: mail.messageId,
      subject: mail.subject,
      author: mail.from.name ? `${mail.from.name} <${mail.from.address}>` : mail.from.address,
      listId: mail.listId,
      paths: c.patch.files.map((f) => f.path),
      findings: analysis.findings.map((f) => ({ ...f, message: `${f.message} ${MARK}`, tags: [...f.tags, MARK] })),
      draft: reply ? `${reply.raw}</textarea>${MARK}` : null,
      patch: mail.body,
    });
    itemId = item.id;
    web = await createWebServer({ store, host: "127.0.0.1", port: 0 });
  });

  afterAll(async () => {
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset if beforeAll failed early */
    await web?.close();
    await store?.close();
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const page of ["/", "/items/ID"]) {
    it(`${page}: the hostile markup appears only escaped`, async () => {
      const res = await fetch(`${web.url}${page.replace("ID", String(itemId))}`);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).not.toContain("<x-evil");
      expect(body).not.toMatch(/<\/textarea>(?!\s*<div class="actions">)/);
      expect(body).toContain("&lt;x-evil onmouseover=&quot;alert(1)&quot;&gt;&#39;&amp;amp;");
      if (page !== "/") {
        // Subject, author, findings, tags, draft and whole patch each carry the mark.
        expect(body.split("&lt;x-evil").length - 1).toBeGreaterThanOrEqual(6);
      }
    });
  }
});
