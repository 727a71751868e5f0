import unreleased from "../../rules/unreleased.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The unreleased rule on how a release is matched to its acquisition: one
 * function told apart by a flag argument, a release by the same key
 * arguments, a release-kind call that undoes an earlier step, and a loop's
 * error label that undoes only the current item.
 */

new RuleTester().run(unreleased, {
  valid: [
    {
      name: "a filter set by flag and removed by the same call with the flag set",
      file: "kernel/trace/trace_hooks.c",
      code: `
+static int hook_attach(struct hook *h, unsigned long ip)
+{
+	int ret;
+
+	ret = ftrace_set_filter_ip(&h->ops, ip, 0, 0);
+	if (ret)
+		return ret;
+	ret = register_ftrace_function(&h->ops);
+	if (ret)
+		goto err_filter;
+	return 0;
+
+err_filter:
+	ftrace_set_filter_ip(&h->ops, ip, 1, 0);
+	return ret;
+}`,
    },
    {
      name: "a filter set by flag and dropped with ftrace_free_filter()",
      file: "kernel/trace/trace_hooks.c",
      code: `
+static int hook_attach(struct hook *h, unsigned long ip)
+{
+	int ret;
+
+	ret = ftrace_set_filter_ip(&h->ops, ip, 0, 0);
+	if (ret)
+		return ret;
+	ret = register_ftrace_function(&h->ops);
+	if (ret) {
+		ftrace_free_filter(&h->ops);
+		return ret;
+	}
+	return 0;
+}`,
    },
    {
      name: "a call with the remove flag set acquires nothing",
      file: "kernel/trace/trace_hooks.c",
      code: `
+static int hook_move(struct hook *h, unsigned long old_ip)
+{
+	int ret;
+
+	ret = ftrace_set_filter_ip(&h->ops, old_ip, 1, 0);
+	if (ret)
+		return ret;
+	if (!h->new_ip)
+		return -EINVAL;
+	return 0;
+}`,
    },
    {
      name: "a release that names the object by the keys it was allocated with",
      file: "lib/keyed_cache.c",
      code: `
+static struct kc_entry *kc_attach(struct kc *kc, void *owner)
+{
+	struct kc_entry *e;
+
+	e = kc_entry_alloc(kc, owner, GFP_KERNEL);
+	if (!e)
+		return NULL;
+	e->data = kzalloc(KC_DATA_SIZE, GFP_KERNEL);
+	if (!e->data) {
+		kc_entry_free(kc, owner);
+		return NULL;
+	}
+	return e;
+}`,
    },
    {
      name: "re-enabling interrupts in an error branch undoes the earlier disable",
      file: "kernel/irq/slot.c",
      code: `
+void irq_slot_drop(struct irq_slot *s, unsigned int n)
+{
+	unsigned long flags;
+
+	local_irq_disable();
+	if (s->count < n) {
+		local_irq_enable();
+		return;
+	}
+	s->count -= n;
+	local_irq_enable();
+}`,
    },
    {
      name: "a loop whose error label walks back over the earlier items",
      file: "drivers/misc/multi/multi.c",
      code: `
+static int __init multi_init(void)
+{
+	int i, ret;
+
+	for (i = 0; i < NR_MULTI; i++) {
+		ret = misc_register(&multi_devs[i]);
+		if (ret)
+			goto err_dereg;
+	}
+	return 0;
+
+err_dereg:
+	while (--i >= 0)
+		misc_deregister(&multi_devs[i]);
+	return ret;
+}`,
    },
  ],
  invalid: [
    {
      name: "a filter left set when the register after it fails",
      file: "kernel/trace/trace_hooks.c",
      code: `
+static int hook_attach(struct hook *h, unsigned long ip)
+{
+	int ret;
+
+	ret = ftrace_set_filter_ip(&h->ops, ip, 0, 0);
+	if (ret)
+		return ret;
+	ret = register_ftrace_function(&h->ops);
+	if (ret) {
+		pr_err("hook: cannot register (%d)\\n", ret);
+		return ret;
+	}
+	return 0;
+}`,
      errors: [
        {
          messageId: "afterCallFlag",
          line: 5,
          endLine: 11,
          data: {
            failed: "register_ftrace_function",
            what: "the filter set by ftrace_set_filter_ip()",
            undone: "cleared",
            release: "ftrace_set_filter_ip",
            flag: "remove = 1",
          },
        },
      ],
    },
    {
      name: "a second filter set with the acquire flag does not undo the first",
      file: "kernel/trace/trace_hooks.c",
      code: `
+static int hook_attach2(struct hook *h, unsigned long ip, unsigned long ip2)
+{
+	int ret;
+
+	ret = ftrace_set_filter_ip(&h->ops, ip, 0, 0);
+	if (ret)
+		return ret;
+	ret = ftrace_set_filter_ip(&h->ops, ip2, 0, 0);
+	if (ret)
+		return ret;
+	return 0;
+}`,
      errors: [{ messageId: "onExitFlag", line: 5, endLine: 10 }],
    },
    {
      name: "a loop's error label undoes only the item that failed",
      file: "drivers/misc/multi/multi.c",
      code: `
+static int __init multi_init(void)
+{
+	int i, ret;
+
+	for (i = 0; i < NR_MULTI; i++) {
+		ret = misc_register(&multi_devs[i]);
+		if (ret)
+			goto err_dereg;
+	}
+	return 0;
+
+err_dereg:
+	misc_deregister(&multi_devs[i]);
+	return ret;
+}`,
      errors: [
        {
          messageId: "loopCurrent",
          line: 6,
          endLine: 8,
          data: { failed: "misc_register", undoes: "unregisters", acquire: "misc_register", done: "registered", undone: "unregistered" },
        },
      ],
    },
    {
      name: "a lock taken again after an unlock is still an acquisition",
      file: "kernel/module/tbl.c",
      code: `
+static int tbl_refresh(struct tbl *t)
+{
+	mutex_lock(&t->lock);
+	t->gen++;
+	mutex_unlock(&t->lock);
+
+	tbl_flush(t);
+
+	mutex_lock(&t->lock);
+	if (!t->ready)
+		return -EAGAIN;
+	mutex_unlock(&t->lock);
+	return 0;
+}`,
      errors: [{ messageId: "onExit", line: 9, endLine: 11 }],
    },
  ],
});
