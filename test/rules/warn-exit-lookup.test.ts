import warn from "../../rules/warn.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The warn rule on two more can't-happen shapes: a module's `__exit`
 * function that only prints when users are left or a list is not empty
 * (with or without braces, whatever words its name holds), and a void
 * unregister/remove path that only prints when a lookup of the object it
 * was handed fails (never registered: a caller bug). Lookups of keys read
 * from user space stay alone.
 */

new RuleTester().run(warn, {
  valid: [
    {
      name: "a remove path that parses its key from a user string",
      file: "drivers/misc/tagtab/tagtab.c",
      code: `
+static void tagtab_remove_tag(const char *arg)
+{
+	unsigned int tag;
+
+	if (kstrtouint(arg, 0, &tag))
+		return;
+	mutex_lock(&tagtab_lock);
+	if (!tagtab_lookup(tag)) {
+		pr_err("tag %u not found\\n", tag);
+		mutex_unlock(&tagtab_lock);
+		return;
+	}
+	tagtab_drop(tag);
+	mutex_unlock(&tagtab_lock);
+}`,
    },
    {
      name: "a failed lookup in a stop path (not an unregister) stays a plain message",
      file: "drivers/misc/tagtab/tagtab.c",
      code: `
+static void tagtab_stop_scan(struct tagtab *t, unsigned int id)
+{
+	if (!tagtab_find_scan(t, id)) {
+		pr_err("scan %u not running\\n", id);
+		return;
+	}
+	tagtab_cancel_scan(t, id);
+}`,
    },
    {
      name: "a negated lookup together with another call is a runtime condition",
      file: "drivers/misc/tagtab/tagtab.c",
      code: `
+void tagtab_unregister(struct tagtab_entry *e)
+{
+	if (!tagtab_find(e->tag) && !tagtab_flush_pending(e->tag)) {
+		pr_err("tag %u gone\\n", e->tag);
+		return;
+	}
+	list_del(&e->node);
+}`,
    },
    {
      name: "an unregister that returns an error code lets the caller act",
      file: "drivers/misc/tagtab/tagtab.c",
      code: `
+int tagtab_unregister(struct tagtab_entry *e)
+{
+	if (!tagtab_find(e->tag)) {
+		pr_err("tag %u was never registered\\n", e->tag);
+		return -ENOENT;
+	}
+	list_del(&e->node);
+	return 0;
+}`,
    },
  ],
  invalid: [
    {
      name: "an unregister that only prints when the entry was never registered",
      file: "drivers/misc/tagtab/tagtab.c",
      code: `
+void tagtab_unregister(struct tagtab_entry *e)
+{
+	spin_lock(&tagtab_lock);
+	if (!tagtab_lookup(e->tag)) {
+		pr_err("tag %u was never registered\\n", e->tag);
+		spin_unlock(&tagtab_lock);
+		return;
+	}
+	hlist_del_init(&e->node);
+	spin_unlock(&tagtab_lock);
+}`,
      errors: [{ messageId: "notFound", line: 4, endLine: 8, data: { kind: "unregister" } }],
    },
    {
      name: "a detach whose xarray slot is empty",
      file: "drivers/misc/tagtab/tagtab.c",
      code: `
+static void tagtab_detach_port(struct tagtab *t, struct tagtab_port *p)
+{
+	if (xa_load(&t->ports, p->index) == NULL) {
+		dev_err(t->dev, "port %u not attached\\n", p->index);
+		return;
+	}
+	xa_erase(&t->ports, p->index);
+}`,
      errors: [{ messageId: "notFound", line: 3, endLine: 6, data: { kind: "removal" } }],
    },
    {
      name: "an __exit function that only prints when the pending list is not empty, without braces",
      file: "drivers/misc/tagtab/tagtab_mod.c",
      code: `
+static void __exit tagtab_mod_exit(void)
+{
+	if (!list_empty(&tagtab_pending))
+		pr_err("tags still pending at unload\\n");
+	tagtab_free_all();
+}`,
      errors: [{ messageId: "state", line: 3, endLine: 4, data: { kind: "teardown" } }],
    },
    {
      name: "an __exit function of a selftest module named after its users",
      file: "tools/testing/selftests/livepatch/test_modules/test_klp_user_refs.c",
      code: `
+static void __exit test_klp_user_refs_exit(void)
+{
+	if (refcount_read(&probe_refs) != 1)
+		pr_err("%u probe refs left at exit\\n", refcount_read(&probe_refs) - 1);
+	unregister_probe_hooks();
+}`,
      errors: [{ messageId: "refcount", line: 3, endLine: 4, data: { kind: "teardown" } }],
    },
  ],
});
