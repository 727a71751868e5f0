import { describe, expect, it } from "vitest";
import { extractStructs } from "../../../src/parse/c/structs.js";
import { hunkLines, makePatch } from "../../helpers/make-patch.js";

describe("extractStructs", () => {
  it("reads the definitions a hunk shows, and nothing from hunks that open none", () => {
    const patch = makePatch({
      files: [
        {
          path: "drivers/foo/foo.h",
          hunks: [
            {
              start: 3,
              lines: hunkLines(`
 static int foo_count;
+struct foo_wrapper;
+	struct not_column0 {`),
            },
            {
              start: 20,
              lines: hunkLines(`
+/**
+ * struct foo - a foo
+ * @id: its number
+ */
+struct foo {
+	int id;
+	DECLARE_BITMAP(flags, 8);
+	void (*done)(struct foo *f);
+};
+
+typedef enum foo_state {
+	FOO_IDLE,
+	FOO_BUSY = (1 << 2),
+} foo_state_t;`),
            },
          ],
        },
      ],
    });
    const file = patch.files[0];
    if (!file) throw new Error("no file");
    const found = extractStructs(file);
    expect(found.map((s) => [s.kind, s.name, s.fields, s.startLine, s.kernelDoc?.length ?? 0])).toEqual([
      ["struct", "foo", ["id", "flags", "done"], 24, 4],
      ["enum", "foo_state", ["FOO_IDLE", "FOO_BUSY"], 30, 0],
    ]);
  });
});
