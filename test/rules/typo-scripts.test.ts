import { describe, expect, it } from "vitest";
import typo from "../../rules/typo.js";
import { proseLanguage } from "../../rules/utils/words-prose.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The typo rule on scripts without an extension whose shebang the hunk does
 * not show: the language comes from the lines it does show.
 */

new RuleTester().run(typo, {
  valid: [
    {
      name: "a quoted string in an extensionless script is code, not a comment",
      file: "scripts/kconfig/merge_frags",
      start: 80,
      code: `
 merge_one() {
 	local frag="$1"
+	echo "skip the the frag $frag"
+	if [[ -z "$frag" ]]; then
+		return 1
+	fi
 }`,
    },
    {
      name: "an extensionless file outside scripts/ and tools/ is not read as a script",
      file: "firmware/notes/fw_table",
      start: 10,
      code: `
 # version list
+# the the entries below come from the vendor
+$(VENDOR)
+\${TABLE}`,
    },
  ],
  invalid: [
    {
      name: "a doubled word in a # comment of a shell script whose first line is not in the hunk",
      file: "scripts/kconfig/merge_frags",
      start: 80,
      code: `
 merge_one() {
 	local frag="$1"
+
+	# Drop the the fragment when it only repeats the base config.
+	if [[ -z "$frag" ]]; then
+		return 1
+	fi
 }`,
      errors: [{ messageId: "doubled", line: 83, data: { from: "the the", to: "the" }, fix: { from: "the the", to: "the" } }],
    },
    {
      name: "a misspelling in a comment of an extensionless Python tool",
      file: "tools/perf/scripts/flamegen",
      start: 40,
      code: `
 def emit(stack):
+    # recieve one folded stack per line
+    for frame in stack:
+        print(frame)`,
      errors: [{ messageId: "misspelling", line: 41, data: { from: "recieve", to: "receive" }, fix: { from: "recieve", to: "receive" } }],
    },
  ],
});

describe("language of extensionless scripts", () => {
  it("reads shell from the lines shown, and refuses C", () => {
    expect(proseLanguage("scripts/foo/bar", "", ["# a comment", "local x=1", 'echo "$x"'])).toBe("hash");
    expect(proseLanguage("scripts/foo/bar", "", ["#include <stdio.h>", "int x;", "# comment"])).toBe("none");
    expect(proseLanguage("scripts/foo/bar", "", ["plain text", "more text"])).toBe("none");
    expect(proseLanguage("kernel/foo/bar", "", ["# a comment", "local x=1", 'echo "$x"'])).toBe("none");
  });
});
