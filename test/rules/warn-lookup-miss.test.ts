import warn from "../../rules/warn.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The warn rule on two more "must be there" shapes in void teardown paths:
 * a search loop whose match jumps past an error message that only the
 * fall-through reaches (not found), and a negated bool helper the patch
 * adds whose body only tests membership (`return cur == p;`).
 */

new RuleTester().run(warn, {
  valid: [
    {
      name: "a search loop in a free path whose fall-through says it is expected",
      file: "drivers/misc/slotmap/slotmap.c",
      code: `
+void slotmap_free(struct slotmap *m, unsigned int key)
+{
+	struct slot *s;
+
+	list_for_each_entry(s, &m->slots, node) {
+		if (s->key == key) {
+			slot_release(s);
+			goto unlock;
+		}
+	}
+	pr_err("slot %u not found, nothing to do\\n", key);
+unlock:
+	mutex_unlock(&m->lock);
+}`,
    },
    {
      name: "a search loop whose fall-through does more than log",
      file: "drivers/misc/slotmap/slotmap.c",
      code: `
+void slotmap_release(struct slotmap *m, unsigned int key)
+{
+	struct slot *s;
+
+	list_for_each_entry(s, &m->slots, node) {
+		if (s->key == key) {
+			slot_release(s);
+			return;
+		}
+	}
+	pr_err("slot %u missing, rebuilding\\n", key);
+	slotmap_rebuild(m);
+}`,
    },
    {
      name: "a search loop in a stop path (user space may stop twice)",
      file: "drivers/misc/slotmap/slotmap.c",
      code: `
+void slotmap_stop(struct slotmap *m, unsigned int key)
+{
+	struct slot *s;
+
+	list_for_each_entry(s, &m->slots, node) {
+		if (s->key == key) {
+			slot_halt(s);
+			return;
+		}
+	}
+	pr_err("slot %u not running\\n", key);
+}`,
    },
    {
      name: "a negated bool helper that asks hardware is a runtime condition",
      file: "drivers/misc/slotmap/slotmap.c",
      code: `
+static bool slot_link_up(struct slot *s)
+{
+	return readl(s->regs + SLOT_STATUS) & SLOT_LINK;
+}
+
+static void slotmap_unregister(struct slot *s)
+{
+	if (!slot_link_up(s)) {
+		pr_err("slot %u link down\\n", s->key);
+		return;
+	}
+	slot_detach_hw(s);
+}`,
    },
  ],
  invalid: [
    {
      name: "a free path whose search loop jumps past a not-found message",
      file: "drivers/misc/slotmap/slotmap.c",
      code: `
+void slotmap_free(struct slotmap *m, unsigned int key)
+{
+	struct slot *s;
+
+	mutex_lock(&m->lock);
+	list_for_each_entry(s, &m->slots, node) {
+		if (s->key == key) {
+			slot_release(s);
+			goto unlock;
+		}
+	}
+	pr_err("no slot %u to free\\n", key);
+unlock:
+	mutex_unlock(&m->lock);
+}`,
      errors: [{ messageId: "notFound", line: 12, data: { kind: "free" } }],
    },
    {
      name: "a partial destroy path whose match returns and whose miss only logs",
      file: "drivers/misc/slotmap/slotmap.c",
      fn: "void slotmap_destroy_slot(struct slotmap *m, const char *name)",
      start: 210,
      code: `
 	hlist_for_each_entry(s, &m->hash, hnode) {
 		if (!strcmp(s->name, name)) {
 			slot_teardown(s);
 			return;
 		}
 	}
+	pr_err("slot %s is not in the table\\n", name);
 }`,
      errors: [{ messageId: "notFound", line: 216 }],
    },
    {
      name: "an unregister path that negates a membership helper the patch adds",
      file: "drivers/misc/slotmap/slotmap.c",
      code: `
+static bool slotmap_owns(struct slotmap *m, struct slot *s)
+{
+	return rcu_access_pointer(m->active) == s;
+}
+
+static void slotmap_unregister_slot(struct slotmap *m, struct slot *s)
+{
+	if (!slotmap_owns(m, s)) {
+		pr_err("slot %u was never registered\\n", s->key);
+		return;
+	}
+	RCU_INIT_POINTER(m->active, NULL);
+}`,
      errors: [{ messageId: "notFound", line: 8, data: { kind: "unregister" } }],
    },
  ],
});
