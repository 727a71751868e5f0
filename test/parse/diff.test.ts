import { describe, expect, it } from "vitest";
import { parsePatchBody } from "../../src/parse/diff.js";

const body = [
  "From: Real Author <real@example.org>",
  "",
  "klp_enable_patch() can fail half way; undo the objects that were",
  "already enabled.",
  "",
  "Signed-off-by: Real Author <real@example.org>",
  "---",
  " kernel/livepatch/core.c | 3 ++-",
  " 1 file changed, 2 insertions(+), 1 deletion(-)",
  "",
  "diff --git a/kernel/livepatch/core.c b/kernel/livepatch/core.c",
  "index 1111111..2222222 100644",
  "--- a/kernel/livepatch/core.c",
  "+++ b/kernel/livepatch/core.c",
  "@@ -100,4 +100,5 @@ static int klp_enable_objects(struct klp_patch *patch)",
  " \tint ret;",
  "-\tret = 1;",
  "+\tret = 2;  ",
  "+\tret = 3;",
  " \treturn ret;",
  " ",
  "diff --git a/samples/livepatch/logo.png b/samples/livepatch/logo.png",
  "new file mode 100644",
  "index 0000000..1111111",
  "Binary files /dev/null and b/samples/livepatch/logo.png differ",
  "diff --git a/lib/old.c b/lib/old.c",
  "deleted file mode 100644",
  "index 1111111..0000000",
  "--- a/lib/old.c",
  "+++ /dev/null",
  "@@ -1,2 +0,0 @@",
  "-int a;",
  "-int b;",
  "-- ",
  "2.43.0",
  "",
].join("\n");

describe("parsePatchBody", () => {
  const parsed = parsePatchBody(body);

  it("takes the commit message above ---, without in-body From", () => {
    expect(parsed.commitMessage).toEqual([
      "klp_enable_patch() can fail half way; undo the objects that were",
      "already enabled.",
      "",
      "Signed-off-by: Real Author <real@example.org>",
    ]);
  });

  it("numbers new-side lines and keeps lines exactly as sent", () => {
    const file = parsed.files[0];
    expect(file?.path).toBe("kernel/livepatch/core.c");
    expect(file?.plusLine).toBe("+++ b/kernel/livepatch/core.c");
    const hunk = file?.hunks[0];
    expect(hunk?.functionContext).toBe("static int klp_enable_objects(struct klp_patch *patch)");
    const added = hunk?.lines.filter((l) => l.kind === "add");
    expect(added?.map((l) => [l.newLine, l.raw])).toEqual([
      [101, "+\tret = 2;  "],
      [102, "+\tret = 3;"],
    ]);
    expect(hunk?.lines.find((l) => l.kind === "del")?.oldLine).toBe(101);
    expect(hunk?.lines.at(-1)?.newLine).toBe(104);
  });

  it("marks binary, new and deleted files and ignores the signature", () => {
    expect(parsed.files.map((f) => [f.path, f.isBinary, f.isNew, f.isDeleted])).toEqual([
      ["kernel/livepatch/core.c", false, false, false],
      ["samples/livepatch/logo.png", true, true, false],
      ["lib/old.c", false, false, true],
    ]);
    expect(parsed.files[2]?.hunks[0]?.lines).toHaveLength(2);
  });

  it("handles CRLF line ends", () => {
    const crlf = parsePatchBody(body.replace(/\n/g, "\r\n"));
    expect(crlf.files[0]?.hunks[0]?.lines.find((l) => l.kind === "add")?.raw).toBe("+\tret = 2;  ");
  });

  it("reports no diff for prose that mentions --- lines", () => {
    const prose = parsePatchBody("Some text\n--- not a diff\nmore text\n");
    expect(prose.hasDiff).toBe(false);
    expect(prose.commitMessage).toEqual(["Some text", "--- not a diff", "more text"]);
  });

  it("drops only the CR that ends a line, and reads a body without CR the same way", () => {
    const mixed = parsePatchBody(body.replace("+\tret = 3;\n", "+\tret\r= 3;\r\n") + "\r");
    const plain = parsePatchBody(body);
    expect(mixed.files[0]?.hunks[0]?.lines.map((l) => l.raw)).toEqual(
      plain.files[0]?.hunks[0]?.lines.map((l) => (l.raw === "+\tret = 3;" ? "+\tret\r= 3;" : l.raw)),
    );
    expect(mixed.commitMessage).toEqual(plain.commitMessage);
  });

  it("keeps in-body header lines as the message when nothing but the --- line follows them", () => {
    expect(parsePatchBody("From: Real Author <real@example.org>\n---\nnothing else\n").commitMessage).toEqual(["From: Real Author <real@example.org>"]);
    expect(parsePatchBody("From: Real Author <real@example.org>\n").commitMessage).toEqual([]);
  });

  it("marks a GIT binary patch binary, and takes a file's first +++ line as sent", () => {
    const parsed = parsePatchBody(
      [
        "diff --git a/fw.bin b/fw.bin",
        "index 1111111..2222222 100644",
        "GIT binary patch",
        "literal 4",
        "LcmZQzU|;|M00aO5",
        "",
        "diff --git a/lib/a.c b/lib/a.c",
        "--- a/lib/a.c\t2025-03-04 09:15:07",
        "+++ b/lib/a.c\t2025-03-04 09:15:08",
        "@@ -1 +1 @@",
        "-int a;",
        "+int b;",
        "",
      ].join("\n"),
    );
    expect(parsed.files.map((f) => [f.path, f.isBinary, f.plusLine])).toEqual([
      ["fw.bin", true, "+++ b/fw.bin"],
      ["lib/a.c", false, "+++ b/lib/a.c\t2025-03-04 09:15:08"],
    ]);
  });

  it("counts diff lines for maxDiffLines the same with or without a final newline", () => {
    const diff = body.slice(body.indexOf("diff --git"));
    const lines = diff.split("\n").length - 1;
    const limits = { maxDiffLines: lines - 1, maxLineLength: 4000 };
    for (const b of [body, body.slice(0, -1)]) {
      expect(() => parsePatchBody(b, "t", limits)).toThrow(`diff of ${lines} lines exceeds limits.maxDiffLines (${lines - 1})`);
      expect(parsePatchBody(b, "t", { ...limits, maxDiffLines: lines }).hasDiff).toBe(true);
    }
  });
});
