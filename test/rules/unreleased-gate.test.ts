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
    {
      name: "results returned or stored into the caller's object: nothing the function must release",
      code: `
+static struct sess_priv *sess_new(struct sess *s, int id)
+{
+	if (id >= SESS_MAX)
+		return NULL;
+	s->buf = kzalloc(SESS_LEN, GFP_KERNEL);
+	if (!s->buf)
+		return NULL;
+	s->dev = get_device(s->parent);
+	if (id == 0)
+		return ERR_PTR(-EINVAL);
+	return kzalloc(sizeof(struct sess_priv), GFP_KERNEL);
+}`,
    },
    {
      name: "an acquisition with no exit after it",
      code: `
+static void sess_init(struct sess *s)
+{
+	if (!s)
+		return;
+	s->priv = kzalloc(sizeof(*s->priv), GFP_KERNEL);
+	mutex_lock(&s->lock);
+	s->count++;
+	mutex_unlock(&s->lock);
+}`,
    },
  ],
  invalid: [
    {
      name: "the assignment on the line before the call",
      code: `
+static int sess_open(struct sess *s, int id)
+{
+	struct sess_priv *priv;
+
+	priv =
+		kzalloc(sizeof(*priv), GFP_KERNEL);
+	if (!priv)
+		return -ENOMEM;
+	if (id >= SESS_MAX)
+		return -EINVAL;
+	s->priv = priv;
+	return 0;
+}`,
      errors: [{ messageId: "onExit", line: 6, endLine: 10 }],
    },
    {
      name: "only the error exit is added",
      code: `
 static int sess_open(struct sess *s, int id)
 {
 	struct sess_priv *priv;
 
 	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
 	if (!priv)
 		return -ENOMEM;
+	if (id >= SESS_MAX)
+		return -EINVAL;
 	s->priv = priv;
 	return 0;
 }`,
      errors: [{ messageId: "onExit", line: 9 }],
    },
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
  /** A function of the given lines; a line starting with "=" is context (shown, not added), the rest are added. */
  const fnOf = (name: string, ...texts: string[]): CFunction =>
    ({
      name,
      lines: texts.map((t, i) => ({ kind: t.startsWith("=") ? "ctx" : "add", newLine: i + 1, text: t.startsWith("=") ? t.slice(1) : t })),
    }) as unknown as CFunction;
  const exit = "\treturn -EINVAL;";
  const may = (...texts: string[]): boolean => textMayAcquire(fnOf("f", ...texts), index);

  it("passes over a function without acquiring calls", () => {
    expect(textMayAcquire(fnOf("f", "int f(int x)", "{", "\treturn memcmp(a, b, x);", "}"), index)).toBe(false);
  });

  it("finds a call however it is spaced", () => {
    expect(may("\tp = kzalloc(n, GFP_KERNEL);", exit)).toBe(true);
    expect(may("\tp = kzalloc\t (n, GFP_KERNEL);", exit)).toBe(true);
    expect(may("\tp = kzalloc", "\t\t(n, GFP_KERNEL);", exit)).toBe(true);
    expect(may("\tp = kzalloc/* x */(n, GFP_KERNEL);", exit)).toBe(true);
  });

  it("finds an iterator loop that holds a reference", () => {
    expect(may("\tfor_each_child_of_node(np, child) {", exit)).toBe(true);
  });

  it("skips the function's own name and names that are not called", () => {
    expect(textMayAcquire(fnOf("mutex_lock", "void mutex_lock(struct mutex *m)", "{", exit, "}"), index)).toBe(false);
    expect(may("\tint kzalloc = 1;", "\tx = 2kzalloc(3);", exit)).toBe(false);
  });

  it("skips a lock taken in a locking helper and a call in the function that releases it", () => {
    expect(textMayAcquire(fnOf("foo_lock_all", "\tmutex_lock(&d->lock);", exit), index)).toBe(false);
    expect(textMayAcquire(fnOf("kfree", "\tp = kzalloc(n, GFP_KERNEL);", exit), index)).toBe(false);
  });

  it("skips a result the parser does not keep, for a pair named by its result", () => {
    expect(may("\treturn kzalloc(n, GFP_KERNEL);", exit)).toBe(false);
    expect(may("\tfoo(kzalloc(n, GFP_KERNEL));", exit)).toBe(false);
    expect(may("\tx += kzalloc(n, GFP_KERNEL);", exit)).toBe(false);
    expect(may("\tif (x == kzalloc(n, GFP_KERNEL))", exit)).toBe(false);
    // A pair named by its argument is tracked all the same.
    expect(may("\tfoo(get_device(dev));", exit)).toBe(true);
  });

  it("skips a result stored into a member, except for kinds the rule follows there", () => {
    expect(may("\tp->buf = kzalloc(n, GFP_KERNEL);", exit)).toBe(false);
    expect(may("\ts.buf = kzalloc(n, GFP_KERNEL);", exit)).toBe(false);
    expect(may("\tp->dev = get_device(dev);", exit)).toBe(false);
    expect(may("\tp->ret = mutex_lock_interruptible(&d->lock);", exit)).toBe(true);
    // The parser keeps no target when more follows the call: the argument's pair is tracked.
    expect(may("\tp->dev = get_device(dev) ?: dev;", exit)).toBe(true);
    expect(may('\tp->dev = get_device(")");', exit)).toBe(true);
    // An argument list too long to read to its end is taken as tracked.
    expect(may(`\tp->dev = get_device(${"x".repeat(300)});`, exit)).toBe(true);
  });

  it("lets through what the text leaves open", () => {
    // A cast, a comment, an initialiser's field, a target on the line before behind a comment.
    expect(may("\tp->buf = (void *)kzalloc(n, GFP_KERNEL);", exit)).toBe(true);
    expect(may("\tp->buf = /* zeroed */ kzalloc(n, GFP_KERNEL);", exit)).toBe(true);
    expect(may("\tstruct foo f = { .buf = kzalloc(n, GFP_KERNEL) };", exit)).toBe(true);
    expect(may("\t(*pp)->buf = kzalloc(n, GFP_KERNEL);", exit)).toBe(true);
    expect(may("\telse ->dev = get_device(dev);", exit)).toBe(true);
    expect(may("\tp->buf = /* zeroed */", "\t\tkzalloc(n, GFP_KERNEL);", exit)).toBe(true);
    expect(may("\tp =", "\t\tkzalloc(n, GFP_KERNEL);", exit)).toBe(true);
    expect(may("#define GET(p) \\", "\tp->buf =", "\t\tkzalloc(n, GFP_KERNEL);", exit)).toBe(true);
    // The target on the line before, read there.
    expect(may("\tp->buf =", "\t\tkzalloc(n, GFP_KERNEL);", exit)).toBe(false);
    expect(may("\treturn", "\t\tkzalloc(n, GFP_KERNEL);", exit)).toBe(false);
  });

  it("asks for an exit after the acquisition", () => {
    expect(may("\tp = kzalloc(n, GFP_KERNEL);")).toBe(false);
    expect(may(exit, "\tp = kzalloc(n, GFP_KERNEL);")).toBe(false);
    expect(may("\tif (!(p = kzalloc(n, GFP_KERNEL))) goto out;")).toBe(true);
    // A `do` loop's condition comes after its body, whose exits the rule walks after it.
    expect(may("\tdo {", "\t\tif (x) goto out;", "\t} while ((p = kzalloc(n, GFP_KERNEL)));")).toBe(true);
  });

  it("asks for an added line a point may be anchored on", () => {
    expect(may("=\tp = kzalloc(n, GFP_KERNEL);", "=\tif (!p)", "=\t\treturn -ENOMEM;", "\tfoo();")).toBe(false);
    expect(may("\tp = kzalloc(n, GFP_KERNEL);", "=\tif (!p)", "=\t\treturn -ENOMEM;")).toBe(true);
    expect(may("=\tp = kzalloc(n, GFP_KERNEL);", "\tif (x)", "=\t\treturn -ENOMEM;")).toBe(true);
    expect(may("=\tp = kzalloc(n, GFP_KERNEL);", "=\tif (x)", "\t\treturn -ENOMEM;")).toBe(true);
    expect(may("\tfoo();", "=\tp = kzalloc(n, GFP_KERNEL);", "=\tq = kzalloc(n, GFP_KERNEL);", "=\t\treturn -ENOMEM;")).toBe(false);
  });
});
