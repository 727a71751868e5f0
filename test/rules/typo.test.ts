import { describe, expect, it } from "vitest";
import typo from "../../rules/typo.js";
import { COMMIT_MSG } from "../../src/model.js";
import { typoAt } from "../helpers/typo-cases.js";
import { findingsOf, RuleTester } from "../helpers/rule-tester.js";

const SOB = "Signed-off-by: Jane Developer <jane@example.org>";

new RuleTester().run(typo, {
  valid: [
    {
      name: "British spellings are correct",
      code: `
 static int klp_init(void)
 {
+	/* Initialise the colour of the behaviour; we analyse and serialise it. */
+	pr_info("initialising the licence, cancelled travelling\\n");
 	return 0;
 }`,
    },
    {
      name: "identifiers that look like typos are code",
      code: `
 static int klp_recv(struct klp_msg *ptr)
 {
+	int teh_count = ptr->adress;
+	recieve_buf(ptr, teh_count);
+	/* see recieve_buf() and ptr->adress, also seperateBuffer */
 	return 0;
 }`,
    },
    {
      name: "a word used as a whole identifier in the code is not prose",
      code: `
+static int sucess;
+/* bump sucess when done */
+static void klp_done(void) { sucess++; }`,
    },
    {
      name: "printk format specifiers are not words",
      code: `
 static void klp_show(void *fn)
 {
+	pr_info("%pS %pOFn %llx %-8s %*pbl\\n", fn, np, v, s, n, m);
 }`,
    },
    {
      name: "URLs, e-mail addresses and paths are left alone",
      code: `
+/*
+ * See https://example.org/recieve/adress and write to recieve@example.org,
+ * or read tools/recieve/teh.sh and <recieve.h>.
+ */`,
    },
    {
      name: "backquoted and single-quoted code in comments",
      code: `
+// The \`recieve\` hook and 'adress' field are named by the ABI.`,
      file: "rust/kernel/livepatch.rs",
    },
    {
      name: "trailers, indented code and quoted titles in the commit message",
      commitMessage: [
        'Fix the leak introduced by commit 0123456789ab ("klp: recieve hooks").',
        "",
        "    recieve_hook(teh);",
        "",
        'Fixes: 0123456789ab ("klp: recieve the adress")',
        "Link: https://lore.kernel.org/r/recieve-adress@example.org",
        "Reported-by: Teh Adress <teh@example.org>",
        SOB,
      ],
      code: `
+int x;`,
    },
    {
      name: "a typo-fix commit may name the typo it removes",
      commitMessage: ["Fix the spelling of recieve in a comment.", "", SOB],
      code: `
-/* recieve a message */
+/* receive a message */`,
    },
    {
      name: "a message that gives the right spelling names the typo on purpose",
      commitMessage: ["Spell recieve as receive in the docs.", "", SOB],
      code: `
+int x;`,
    },
    {
      name: "a message may name a typo the patch removes without giving the fix",
      commitMessage: ["Drop the comment that says recieve.", "", SOB],
      code: `
-/* recieve a message */
+/* got a message */`,
    },
    {
      name: "a removed word counts in any case and next to code punctuation",
      commitMessage: ["Drop the RECIEVE comment.", "", SOB],
      code: `
-x = 1; /* see RECIEVE_buf */
+x = 1;`,
    },
    {
      name: "'that that' can be correct",
      code: `
+/* Make sure that that callback runs only once. */`,
    },
    {
      name: "doubled words are not checked across code lines",
      code: `
+	x = the;
+	the = y;`,
    },
    {
      name: "context and removed lines are never reported",
      code: `
 /* recieve the adress */
-/* teh old comment */
+int x;`,
    },
    {
      name: "short dictionary entries that are kernel abbreviations",
      code: `
+/* Take the filp and iput it; the rela section and the ser port. */`,
    },
    {
      name: "Kconfig options and keywords are not prose",
      file: "kernel/livepatch/Kconfig",
      code: `
+config KLP_RECIEVE
+	bool "Livepatch sample"
+	depends on LIVEPATCH
+	help
+	  Say Y here to get the sample. Behaviour is unchanged otherwise.`,
    },
    {
      name: "rst literal blocks are code",
      file: "Documentation/livepatch/sample.rst",
      code: `
+Load the module like this::
+
+    insmod recieve teh=1
+
+Then the colour changes.`,
    },
    {
      name: "shell code is not a comment",
      file: "tools/testing/selftests/livepatch/test-recv.sh",
      code: `
+recieve=1   # the counter is initialised here
+echo "$# args, \${#recieve}"`,
    },
    {
      name: "lines beyond the line cap are skipped",
      code: `
+/* ${"recieve ".repeat(600)} */`,
    },
  ],
  invalid: [
    {
      name: "a removed line holding the typo only inside a longer word does not excuse the message",
      commitMessage: ["Fix how recieve is handled.", "", SOB],
      code: `
-/* recieved, unrecieve */
+/* handled */`,
      errors: [typoAt(1, "recieve", "receive", COMMIT_MSG)],
    },
    {
      name: "'preceed' in kernel prose means 'precede', not the nearer 'proceed'",
      code: `
+	/* The flush must preceed the unmap. */`,
      errors: [typoAt(1, "preceed", "precede")],
    },
    {
      name: "block comment",
      code: `
 static int klp_init(void)
 {
+	/* Wait for the transition to complete befor we recieve more. */
 	return 0;
 }`,
      errors: [typoAt(3, "befor", "before"), typoAt(3, "recieve", "receive")],
    },
    {
      name: "kernel-doc and a comment continued from outside the hunk",
      start: 10,
      code: `
  * klp_find_hook() - look up a hook
+ * @id: its identifer
+ * Return: the hook, or NULL when it does not exsist.
  */`,
      errors: [typoAt(11, "identifer", "identifier"), typoAt(12, "exsist", "exist")],
    },
    {
      name: "line comment and string literal",
      code: `
+	// Sucess: the patch is applied
+	pr_err("failed to allcoate %s\\n", name);`,
      errors: [typoAt(1, "Sucess", "Success"), typoAt(2, "allcoate", "allocate")],
    },
    {
      name: "the right spelling inside a longer word or before 's does not excuse the typo",
      commitMessage: ["The recieve path of the receiver and the receive's queue.", "", SOB],
      code: `
+int x;`,
      errors: [typoAt(1, "recieve", "receive", COMMIT_MSG)],
    },
    {
      name: "commit message",
      commitMessage: ["The transition is not reversed when the patch is disabled", "befor the callback runs.", "", SOB],
      code: `
+int x;`,
      errors: [typoAt(2, "befor", "before", COMMIT_MSG)],
    },
    {
      name: "Kconfig help text",
      file: "kernel/module/Kconfig",
      code: `
+config MODULE_STATS_EXTRA
+	bool "Extra module statistics"
+	help
+	  You don't need these options in produciton systems.`,
      errors: [typoAt(4, "produciton", "production")],
    },
    {
      name: "Kconfig help text continued from outside the hunk",
      file: "kernel/module/Kconfig",
      start: 20,
      code: `
 	  Enables the counters.
+	  This is usefull for debugging.`,
      errors: [typoAt(21, "usefull", "useful")],
    },
    {
      name: "rst documentation",
      file: "Documentation/core-api/symbol-namespaces.rst",
      code: `
+Modules whoes name matches the pattern can use the symbol.`,
      errors: [typoAt(1, "whoes", "whose")],
    },
    {
      name: "shell comment in a selftest",
      file: "tools/testing/selftests/livepatch/functions.sh",
      code: `
+	# the trace is marked as permament.
+	echo 1 > "$SYSFS/enabled"  # enable it imediately`,
      errors: [typoAt(1, "permament", "permanent"), typoAt(2, "imediately", "immediately")],
    },
    {
      name: "Python and Makefile comments",
      files: [
        { path: "scripts/livepatch/check.py", hunks: [{ lines: ["+# Seperate the symbols", "+x = 1"] }] },
        { path: "samples/livepatch/Makefile", hunks: [{ lines: ["+# Bulid the samples", "+obj-m += a.o"] }] },
      ],
      errors: [typoAt(1, "Seperate", "Separate", "scripts/livepatch/check.py"), typoAt(1, "Bulid", "Build", "samples/livepatch/Makefile")],
    },
    {
      name: "Rust comment",
      file: "rust/kernel/module_param.rs",
      code: `
+        // SAFETY: the pointer is valid, it was checked accross calls.
+        let v: &'static str = "x";`,
      errors: [typoAt(1, "accross", "across")],
    },
    {
      name: "one finding per occurrence on different lines",
      code: `
+/* recieve one */
+/* recieve two */`,
      errors: [typoAt(1, "recieve", "receive"), typoAt(2, "recieve", "receive")],
    },
    {
      name: "a comment about a misspelled identifier still has the typo",
      code: `
+static void recieve_msg(void);
+/* Call this to recieve a message. */`,
      errors: [typoAt(2, "recieve", "receive")],
    },
    {
      name: "kernel list of our own",
      code: `
+/* Take a refernce to the conext. */`,
      errors: [typoAt(1, "refernce", "reference"), typoAt(1, "conext", "context")],
    },
    {
      name: "doubled word",
      code: `
+/* Drop the the reference and return to to the caller. */`,
      errors: [
        { messageId: "doubled", line: 1, data: { from: "the the", to: "the" }, fix: { from: "the the", to: "the" } },
        { messageId: "doubled", line: 1, data: { from: "to to", to: "to" } },
      ],
    },
    {
      name: "doubled word across the lines of one comment",
      code: `
+/*
+ * Release the
+ * the module reference.
+ */`,
      errors: [{ messageId: "doubled", line: 3, data: { from: "the the", to: "the" } }],
    },
    {
      name: "'is not longer'",
      commitMessage: ["The hook is not longer needed after the transition.", "", SOB],
      code: `
+int x;`,
      errors: [{ messageId: "misspelling", file: COMMIT_MSG, line: 1, data: { from: "not longer", to: "no longer" } }],
    },
    {
      name: "'an' for 'and' before a word an article cannot precede",
      file: "rust/kernel/module_param.rs",
      code: `
+        // access. The value points to an initialised static, an
+        // so it is properly initialised.`,
      errors: [typoAt(1, "an", "and")],
    },
  ],
});

describe("typo on hostile input", () => {
  it("returns on a 10,000-character word", () => {
    const found = findingsOf(typo, { name: "long", code: `+/* ${"a".repeat(10_000)} */` });
    expect(found).toEqual([]);
  });

  it("returns on 5,000 repeated short words and reports them once", () => {
    const found = findingsOf(typo, { name: "many", code: `+/* ${"a ".repeat(1_900)} */` });
    expect(found.length).toBe(1);
    expect(found[0]?.fix).toEqual({ from: "a a", to: "a" });
    const capped = findingsOf(typo, { name: "capped", code: `+/* ${"a ".repeat(5_000)} */` });
    expect(capped).toEqual([]);
  });
});
