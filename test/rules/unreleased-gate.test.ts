import { describe, expect, it } from "vitest";
import unreleased from "../../rules/unreleased.js";
import { textMayAcquire } from "../../rules/utils/acquire-gate.js";
import type { PatchIndex } from "../../rules/utils/patch-index.js";
import type { CFunction } from "../../src/parse/c/types.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The text gate in front of the unreleased rule: a function whose text holds
 * no call that may acquire is passed over before its body is parsed, and
 * every call the parser would find still gets through, wherever its
 * parenthesis lies.
 */

new RuleTester().run(unreleased, {
  valid: [
    {
      name: "no acquiring call at all: nothing to say",
      code: `
+static int sess_check(struct sess *s, int id)
+{
+	if (id >= SESS_MAX)
+		return -EINVAL;
+	memcpy(s->buf, s->tmp, SESS_LEN);
+	return 0;
+}`,
    },
    {
      name: "an acquiring name in a comment or a string only",
      code: `
+static int sess_check(struct sess *s, int id)
+{
+	/* the caller did kzalloc (and frees it) */
+	if (id >= SESS_MAX)
+		return -EINVAL;
+	pr_debug("kzalloc(%d)\\n", id);
+	return 0;
+}`,
    },
  ],
  invalid: [
    {
      name: "the call's parenthesis on the next line",
      code: `
+static int sess_open(struct sess *s, int id)
+{
+	struct sess_priv *priv;
+
+	priv = kzalloc
+		(sizeof(*priv), GFP_KERNEL);
+	if (!priv)
+		return -ENOMEM;
+	if (id >= SESS_MAX)
+		return -EINVAL;
+	s->priv = priv;
+	return 0;
+}`,
      errors: [{ messageId: "onExit", line: 5, endLine: 10 }],
    },
    {
      name: "a comment between the name and its parenthesis",
      code: `
+static int sess_open(struct sess *s, int id)
+{
+	struct sess_priv *priv;
+
+	priv = kzalloc /* zeroed */ (sizeof(*priv), GFP_KERNEL);
+	if (!priv)
+		return -ENOMEM;
+	if (id >= SESS_MAX)
+		return -EINVAL;
+	s->priv = priv;
+	return 0;
+}`,
      errors: [{ messageId: "onExit", line: 5, endLine: 9 }],
    },
  ],
});

describe("textMayAcquire", () => {
  const index: PatchIndex = { identifiers: { has: () => false }, reachOf: () => undefined, functions: new Map() };
  const fnOf = (name: string, ...texts: string[]): CFunction =>
    ({ name, lines: texts.map((text, i) => ({ kind: "add", newLine: i + 1, text })) }) as unknown as CFunction;

  it("passes over a function without acquiring calls", () => {
    expect(textMayAcquire(fnOf("f", "int f(int x)", "{", "\treturn memcmp(a, b, x);", "}"), index)).toBe(false);
  });

  it("finds a call however it is spaced", () => {
    expect(textMayAcquire(fnOf("f", "\tp = kzalloc(n, GFP_KERNEL);"), index)).toBe(true);
    expect(textMayAcquire(fnOf("f", "\tp = kzalloc\t (n, GFP_KERNEL);"), index)).toBe(true);
    expect(textMayAcquire(fnOf("f", "\tp = kzalloc", "\t\t(n, GFP_KERNEL);"), index)).toBe(true);
    expect(textMayAcquire(fnOf("f", "\tp = kzalloc/* x */(n, GFP_KERNEL);"), index)).toBe(true);
  });

  it("finds an iterator loop that holds a reference", () => {
    expect(textMayAcquire(fnOf("f", "\tfor_each_child_of_node(np, child) {"), index)).toBe(true);
  });

  it("skips the function's own name and names that are not called", () => {
    expect(textMayAcquire(fnOf("mutex_lock", "void mutex_lock(struct mutex *m)", "{", "}"), index)).toBe(false);
    expect(textMayAcquire(fnOf("f", "\tint kzalloc = 1;", "\tx = 2kzalloc(3);"), index)).toBe(false);
  });
});
