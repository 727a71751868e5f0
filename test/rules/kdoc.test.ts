import { describe, expect, it } from "vitest";
import kdoc from "../../rules/kdoc.js";
import { findingsOf, RuleTester } from "../helpers/rule-tester.js";

new RuleTester().run(kdoc, {
  valid: [
    {
      // Every point anchors on an added comment line: an old comment is not read at all.
      name: "a stale entry and a misaligned field in comments the patch leaves alone",
      file: "include/linux/klp_hook.h",
      code: `
 /**
  * klp_hook_find() - look up a hook by its id
  * @patch: the patch that owns the hook
  * @key: the hook id
  */
 struct klp_hook *klp_hook_find(struct klp_patch *patch, unsigned long id)
 {
+	might_sleep();
 	return NULL;
 }
 
 /**
  * struct klp_hook - a callback hook
  * @id:		unique id
  * @refs:	reference count
  * @node: list node
  * @fn:		the callback
  */
 struct klp_hook {
+	unsigned long flags;
 	unsigned long id;
 	unsigned int refs;
 	struct list_head node;
 	int (*fn)(void *data);
 };`,
    },
    {
      name: "entries match the parameters",
      code: `
+/**
+ * klp_hook_find() - look up a hook by its id
+ * @patch: the patch that owns the hook
+ * @id: the hook id
+ *
+ * Return: the hook, or NULL.
+ */
+struct klp_hook *klp_hook_find(struct klp_patch *patch, unsigned long id)
+{
+	return NULL;
+}`,
    },
    {
      name: "struct fields documented and aligned",
      file: "include/linux/klp_hook.h",
      code: `
+/**
+ * struct klp_hook - a callback hook
+ * @id:		unique id
+ * @refs:	reference count
+ * @node:	list node
+ * @fn:		the callback
+ */
+struct klp_hook {
+	unsigned long id;
+	unsigned int refs;
+	struct list_head node;
+	int (*fn)(void *data);
+};`,
    },
    {
      name: "one space after each colon is a consistent style",
      file: "include/linux/foo.h",
      code: `
+/**
+ * struct foo - a foo
+ * @a: first
+ * @bb: second
+ * @ccc: third
+ * @dd: fourth
+ */
+struct foo {
+	int a;
+	int bb;
+	int ccc;
+	int dd;
+};`,
    },
    {
      name: "variadic and anonymous union members",
      code: `
+/**
+ * foo_log() - log a foo
+ * @foo: the foo
+ * @fmt: format
+ * @...: arguments
+ */
+void foo_log(struct foo *foo, const char *fmt, ...)
+{
+}`,
    },
  ],
  invalid: [
    {
      name: "a renamed parameter",
      code: `
+/**
+ * klp_hook_add() - add a hook
+ * @obj: the object
+ * @hk: the hook
+ */
+int klp_hook_add(struct klp_object *obj, struct klp_hook *hook)
+{
+	return 0;
+}`,
      errors: [{ messageId: "renamedParam", line: 4, data: { entry: "hk", name: "klp_hook_add", param: "hook" } }],
    },
    {
      name: "the header names another function",
      code: `
+/**
+ * klp_hook_del() - remove a hook
+ * @hook: the hook
+ */
+void klp_hook_remove(struct klp_hook *hook)
+{
+}`,
      errors: [{ messageId: "wrongName", line: 2, data: { doc: "klp_hook_del()", name: "klp_hook_remove()" } }],
    },
    {
      name: "a struct entry with no such member",
      file: "include/linux/bar.h",
      code: `
+/**
+ * struct bar - a bar
+ * @len:	length
+ * @buf:	buffer
+ * @flags:	flags
+ */
+struct bar {
+	size_t len;
+	char *buf;
+};`,
      errors: [{ messageId: "unknownField", file: "include/linux/bar.h", line: 5, data: { entry: "flags", name: "struct bar" } }],
    },
    {
      name: "one field description out of line",
      file: "include/linux/baz.h",
      code: `
+/**
+ * struct baz - a baz
+ * @id:		id
+ * @count:	count
+ * @owner: owner
+ * @list:	list node
+ */
+struct baz {
+	int id;
+	int count;
+	void *owner;
+	struct list_head list;
+};`,
      errors: [{ messageId: "misaligned", file: "include/linux/baz.h", line: 5, data: { entry: "owner" } }],
    },
  ],
});

describe("kdoc on hostile input", () => {
  it("returns on a 5,000-character doc line", () => {
    const found = findingsOf(kdoc, { name: "hostile", code: `\n+/**\n+ * f() - ${"x".repeat(5000)}\n+ * @${"a".repeat(3000)}:\n+ */\n+void f(void)\n+{\n+}` });
    expect(Array.isArray(found)).toBe(true);
  });
});
