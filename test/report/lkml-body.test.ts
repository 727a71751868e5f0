import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { COMMIT_MSG } from "../../src/model.js";
import type { Finding, Mail } from "../../src/model.js";
import { composeReply } from "../../src/report/lkml/compose.js";
import { buildPatch, COMPOSE_OPTS, fileDiff, finding } from "./fixtures.js";

const CORE = "kernel/livepatch/core.c";
const HOOK = "kernel/livepatch/hook.c";

function body(findings: Finding[], mail: Partial<Mail> = {}, files?: string[]): string {
  const reply = composeReply(buildPatch({ mail, ...(files ? { files } : {}) }), findings, COMPOSE_OPTS);
  if (!reply) throw new Error("expected a reply");
  return reply.body;
}

/** The lines between the attribution and the signature. */
function middle(text: string): string[] {
  const lines = text.split("\n");
  return lines.slice(1, lines.indexOf("-- "));
}

/** Same test b4 applies to reply lines (find_trailers: `^\s*(\w\S+):\s+(\S.*)`), restricted as for follow-ups. */
function b4WouldTake(line: string): boolean {
  const m = /^\s*(\w\S+):\s+(\S.*)/.exec(line);
  if (!m) return false;
  const name = (m[1] ?? "").toLowerCase();
  const nonperson = ["fixes", "link", "buglink", "closes", "obsoleted-by", "change-id", "base-commit"];
  return /\S+@\S+\.\S+/.test(m[2] ?? "") || nonperson.includes(name);
}

describe("attribution line", () => {
  it.each([
    ["Tue, 4 Mar 2025 09:15:07 +0100", "On Tue, Mar 04, 2025 at 09:15:07AM +0100, Jane Developer wrote:"],
    ["Mon, 3 Mar 2025 17:02:59 -0700", "On Mon, Mar 03, 2025 at 05:02:59PM -0700, Jane Developer wrote:"],
    ["Wed, 5 Mar 2025 00:30:00 +0530 (IST)", "On Wed, Mar 05, 2025 at 12:30:00AM +0530, Jane Developer wrote:"],
    // The sender's own day name is wrong here; the attribution uses the real weekday.
    ["Fri, 4 Mar 2025 12:00 GMT", "On Tue, Mar 04, 2025 at 12:00:00PM +0000, Jane Developer wrote:"],
    ["4 Mar 25 23:59:59 -0000", "On Tue, Mar 04, 2025 at 11:59:59PM -0000, Jane Developer wrote:"],
  ])("reads %s in its own time zone", (date, expected) => {
    expect(body([finding({ file: HOOK, line: 23 })], { date }).split("\n")[0]).toBe(expected);
  });

  it.each(["", "yesterday", "Tue, 31 Feb 2025 09:15:07 +0100", "Tue, 4 Mar 2025 25:15:07 +0100", "Tue, 4 Mar 2025 09:15:07 +9999"])(
    "falls back to the name and address for the unreadable date %j",
    (date) => {
      const first = body([finding({ file: HOOK, line: 23 })], { date }).split("\n")[0];
      expect(first).toBe("Jane Developer <jane@example.org> wrote:");
      expect(first).not.toContain("Invalid");
    },
  );

  it("uses the address when the author has no name", () => {
    const first = body([finding({ file: HOOK, line: 23 })], { from: { name: "", address: "jane@example.org" } }).split("\n")[0];
    expect(first).toBe("On Tue, Mar 04, 2025 at 09:15:07AM +0100, jane@example.org wrote:");
  });
});

describe("quoting", () => {
  it("quotes the point and a few lines before it, exactly as sent, with tabs", () => {
    const lines = middle(body([finding({ file: HOOK, line: 23, endLine: 26, message: "Shouldn't this return -EINVAL?" })]));
    expect(lines).toEqual([
      "> +++ b/kernel/livepatch/hook.c",
      "> +int klp_hook_store(struct klp_hook *hook, long val)",
      "> +{",
      "> +\tif (val < 0) {",
      '> +\t\tpr_err("bad hook value %ld\\n", val);',
      "> +\t\treturn 0;",
      "> +\t}",
      "",
      "Shouldn't this return -EINVAL?",
      "",
    ]);
  });

  it("stops the context at a blank line and quotes the hunk header when it names a function", () => {
    const lines = middle(body([finding({ file: CORE, line: 217, endLine: 219, message: "The hook leaks here." })]));
    expect(lines.slice(0, 5)).toEqual([
      "> +++ b/kernel/livepatch/core.c",
      "> @@ -210,5 +210,13 @@ static int klp_init_object(struct klp_patch *patch, struct klp_object *obj)",
      "> +\tret = klp_init_object_loaded(patch, obj);",
      "> +\tif (ret)",
      "> +\t\treturn ret;",
    ]);
  });

  it("keeps deleted lines and context prefixes as sent", () => {
    const lines = middle(body([finding({ file: CORE, line: 405, message: "Where did the brace go?" })]));
    expect(lines).toEqual([
      "> +++ b/kernel/livepatch/core.c",
      "> @@ -394,4 +402,4 @@ void klp_free_objects(struct klp_patch *patch)",
      "> -\tklp_for_each_object_safe(patch, obj, tmp) {",
      "> +\tklp_for_each_object_safe(patch, obj, tmp)",
      ">  \t\tklp_free_object(obj);",
      "",
      "Where did the brace go?",
      "",
    ]);
  });

  it("lets two close points share one quote, comments in line order", () => {
    const a = finding({ file: HOOK, line: 25, message: "Returning 0 hides the error." });
    const b = finding({ file: HOOK, line: 23, endLine: 24, message: "Is a negative value really invalid?" });
    const lines = middle(body([a, b]));
    expect(lines.filter((l) => l.startsWith(">")).length).toBe(6);
    expect(lines.slice(-6)).toEqual(["> +\t\treturn 0;", "", "Is a negative value really invalid?", "", "Returning 0 hides the error.", ""]);
  });

  it("quotes points far apart separately, and names the file again only when it changes", () => {
    const text = body([
      finding({ file: HOOK, line: 14, endLine: 17, message: "A WARN_ON_ONCE() would make this visible." }),
      finding({ file: HOOK, line: 23, endLine: 26, message: "Shouldn't this return -EINVAL?" }),
      finding({ file: CORE, line: 217, endLine: 219, message: "The hook leaks here." }),
    ]);
    const quotes = middle(text).filter((l) => l.startsWith("> +++") || l.startsWith("> @@"));
    // core.c comes first in the patch, so its point comes first.
    expect(quotes).toEqual([
      "> +++ b/kernel/livepatch/core.c",
      "> @@ -210,5 +210,13 @@ static int klp_init_object(struct klp_patch *patch, struct klp_object *obj)",
      "> +++ b/kernel/livepatch/hook.c",
    ]);
    const lines = text.split("\n");
    const at = (s: string): number => lines.indexOf(s);
    expect(at("The hook leaks here.")).toBeLessThan(at("A WARN_ON_ONCE() would make this visible."));
    expect(at("A WARN_ON_ONCE() would make this visible.")).toBeLessThan(at("> +int klp_hook_store(struct klp_hook *hook, long val)"));
  });

  it("puts commit-message points first, quoting the message line", () => {
    const lines = middle(
      body([
        finding({ file: HOOK, line: 7, class: "typo", fix: { from: "identifer", to: "identifier" } }),
        finding({ file: COMMIT_MSG, line: 2, class: "typo", fix: { from: "registerd", to: "registered" } }),
      ]),
    );
    expect(lines).toEqual([
      "> the hook registerd for as long as the object is loaded, and drop it",
      "",
      '"registered"',
      "",
      "> +++ b/kernel/livepatch/hook.c",
      "> + * klp_hook_lookup() - find a hook by its identifer",
      "",
      '"identifier"',
      "",
    ]);
  });

  it("writes a correction of related or several words as from -> to", () => {
    const line = (fix: { from: string; to: string }): string | undefined => middle(body([finding({ file: HOOK, line: 7, class: "typo", fix })]))[3];
    expect(line({ from: "give", to: "given" })).toBe('"give" -> "given"');
    expect(line({ from: "an hook", to: "a hook" })).toBe('"an hook" -> "a hook"');
    expect(line({ from: "lookup", to: "search" })).toBe('"lookup" -> "search"');
    expect(line({ from: "teh", to: "the" })).toBe('"the"');
    expect(line({ from: "recieve", to: "receive" })).toBe('"receive"');
    expect(line({ from: "adress", to: "address" })).toBe('"address"');
    expect(line({ from: "an  hook\u0007", to: " a hook" })).toBe('"an hook" -> "a hook"');
    expect(line({ from: "na\u00efv", to: "na\u00efve" })).toBe('"na\u00efv" -> "na\u00efve"');
  });

  it("comments on a line it cannot find without inventing a quote", () => {
    const lines = middle(body([finding({ file: "mm/elsewhere.c", line: 5, message: "This file is not in the patch." })]));
    expect(lines).toEqual(["", "This file is not in the patch.", ""]);
  });

  it("cuts a very long point instead of quoting a whole file", () => {
    const many = Array.from({ length: 60 }, (_, i) => `+\tx${i} = ${i};`);
    const files = [fileDiff("lib/big.c", [{ start: 1, lines: many }], true)];
    const lines = middle(body([finding({ file: "lib/big.c", line: 1, endLine: 60, message: "Use a table." })], {}, files));
    expect(lines.filter((l) => l.startsWith("> +\t")).length).toBe(20);
  });
});

describe("comment text", () => {
  it("wraps at 72 columns and keeps long words whole", () => {
    const url = "https://lore.kernel.org/live-patching/20250101000000.0000-1-someone@example.org/T/#u-and-more";
    const message =
      "The callback runs with the object mutex held, but klp_hook_store() may sleep in its allocation path, " +
      `which lockdep will complain about once the hook is used from a notifier. See ${url} for the earlier ` +
      "discussion of the same problem in another subsystem.";
    const lines = middle(body([finding({ file: HOOK, line: 23, message })])).filter((l) => !l.startsWith(">") && l !== "");
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) {
      if (l.length > 72) expect(l).toBe(url);
    }
    expect(lines.join(" ")).toBe(message);
  });

  it("keeps paragraphs and indented snippets", () => {
    const message = "Consider this instead:\n\n\tif (val < 0)\n\t\treturn -EINVAL;\n\nIt matches the other setters.";
    const lines = middle(body([finding({ file: HOOK, line: 23, message })]));
    expect(lines.slice(-8)).toEqual(["", "Consider this instead:", "", "\tif (val < 0)", "\t\treturn -EINVAL;", "", "It matches the other setters.", ""]);
  });

  it("never writes an unquoted line that b4 or git would take for a trailer", () => {
    const message = [
      "This needs a tag:",
      'Fixes: 0123456789ab ("livepatch: Add hooks")',
      "Reviewed-by: Someone Else <someone@example.org>",
      "Link: https://lore.kernel.org/all/20250101.1234-1-x@example.org/",
      "Cc: stable@vger.kernel.org",
      "Tested-by : Another Person <another@example.org>",
      "> looks like a quote",
      "--",
    ].join("\n");
    const text = body([finding({ file: HOOK, line: 23, message })]);
    const unquoted = middle(text).filter((l) => !l.startsWith(">"));
    expect(unquoted.some((l) => l.includes("Fixes: 0123456789ab"))).toBe(true);
    for (const l of unquoted) {
      expect(b4WouldTake(l)).toBe(false);
      expect(l).not.toMatch(/^[A-Za-z0-9-]+\s*:\s/);
      expect(l).not.toMatch(/^--\s*$/);
    }
    expect(unquoted).toContain('  (Fixes: 0123456789ab ("livepatch: Add hooks"))');
    expect(unquoted).toContain("  > looks like a quote");
    expect(text.split("\n").filter((l) => l === "-- ").length).toBe(1);
  });

  it("ends with the signature after the standard delimiter", () => {
    const lines = body([finding({ file: HOOK, line: 23 })]).split("\n");
    expect(lines.slice(-4)).toEqual(["-- ", "lkreview", "Automated review; reply to this mail if a point is wrong.", ""]);
  });
});

describe("transfer encoding", () => {
  it("stays 8bit for ordinary text and uses quoted-printable for a line over 998 bytes", async () => {
    const longLine = `+static const char table[] = "${"ab".repeat(600)}";`;
    const files = [fileDiff("lib/table.c", [{ start: 1, lines: ["+/* generated */", longLine] }], true)];
    const reply = composeReply(buildPatch({ files }), [finding({ file: "lib/table.c", line: 2, message: "Generate this at build time?" })], COMPOSE_OPTS);
    if (!reply) throw new Error("expected a reply");
    expect(reply.headers.find(([n]) => n === "Content-Transfer-Encoding")?.[1]).toBe("quoted-printable");
    const wireBody = reply.raw.slice(reply.raw.indexOf("\r\n\r\n") + 4);
    for (const l of wireBody.split("\r\n")) expect(l.length).toBeLessThanOrEqual(76);
    const parsed = await PostalMime.parse(reply.raw);
    expect(parsed.text).toBe(reply.body);
    expect(parsed.text?.split("\n")).toContain(`> ${longLine}`);
  });

  it("carries a quoted line holding a bare CR or NUL byte-exact through quoted-printable", async () => {
    const patch = buildPatch();
    const hunk = patch.files[1]?.hunks[0];
    const line = hunk?.lines[24];
    if (!line) throw new Error("fixture changed");
    line.raw = '+\t\tpr_err("bad\rvalue\0");';
    const reply = composeReply(patch, [finding({ file: HOOK, line: 25, message: "Odd bytes here." })], COMPOSE_OPTS);
    if (!reply) throw new Error("expected a reply");
    expect(reply.headers.find(([n]) => n === "Content-Transfer-Encoding")?.[1]).toBe("quoted-printable");
    const wireBody = reply.raw.slice(reply.raw.indexOf("\r\n\r\n") + 4);
    expect(wireBody.replace(/\r\n/g, "")).not.toMatch(/[\r\n\0]/);
    const parsed = await PostalMime.parse(reply.raw);
    expect(parsed.text?.split("\n")).toContain('> +\t\tpr_err("bad\rvalue\0");');
  });

  it("round-trips non-ASCII comment text as 8bit UTF-8", async () => {
    const reply = composeReply(buildPatch(), [finding({ file: HOOK, line: 23, message: "Der Rückgabewert ist falsch – bitte prüfen." })], COMPOSE_OPTS);
    if (!reply) throw new Error("expected a reply");
    expect(reply.raw).toContain("Content-Transfer-Encoding: 8bit");
    const parsed = await PostalMime.parse(Buffer.from(reply.raw, "utf8"));
    expect(parsed.text).toBe(reply.body);
  });
});
