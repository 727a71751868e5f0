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
});
