import errcode from "../../rules/errcode.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The errcode rule on shapes that span more than one branch: PTR_ERR() of
 * the wrong pointer, a label that returns 0 to error jumps, a loop whose
 * error the next iteration overwrites, a -1 that reaches an errno caller,
 * and one point for a positive errno the kernel-doc promises negative.
 */

new RuleTester().run(errcode, {
  valid: [
    {
      name: "PTR_ERR of the pointer that was checked, through a cast",
      code: `
+static int rb_attach(struct rb_dev *rb)
+{
+	struct rb_map *map;
+
+	map = rb_map_create(rb);
+	if (IS_ERR(map))
+		return PTR_ERR((void *)map);
+	rb->map = map;
+	return 0;
+}`,
    },
    {
      name: "PTR_ERR of a second name for the same pointer",
      code: `
+static int rb_clk_on(struct rb_dev *rb)
+{
+	struct clk *clk;
+
+	clk = rb->clk = devm_clk_get(rb->dev, "core");
+	if (IS_ERR(rb->clk))
+		return PTR_ERR(clk);
+	return clk_prepare_enable(clk);
+}`,
    },
    {
      name: "a notifier callback that returns 0 from its exit label on purpose",
      code: `
+static int hk_module_notify(struct notifier_block *nb, unsigned long action, void *data)
+{
+	struct module *mod = data;
+	int err;
+
+	mutex_lock(&hk_mutex);
+	err = hk_scan_module(mod);
+	if (err)
+		goto out;
+	hk_arm(mod);
+out:
+	mutex_unlock(&hk_mutex);
+	return 0;
+}`,
    },
    {
      name: "IS_ERR of an assignment is another shape",
      code: `
+static int rb_attach(struct rb_dev *rb)
+{
+	if (IS_ERR(rb->map = rb_map_create(rb)))
+		return PTR_ERR(rb->map);
+	return 0;
+}`,
    },
    {
      name: "-1 from an index lookup whose caller turns it into a code",
      file: "kernel/module/slots.c",
      code: `
+static int slot_find_free(struct slot_tbl *t)
+{
+	int i;
+
+	for (i = 0; i < t->nr; i++)
+		if (!t->used[i])
+			return i;
+	return -1;
+}
+
+int slot_take(struct slot_tbl *t)
+{
+	int idx;
+
+	idx = slot_find_free(t);
+	if (idx < 0)
+		return -ENOSPC;
+	t->used[idx] = true;
+	return idx;
+}`,
    },
    {
      name: "a label that hands the error on (to a tracepoint) before returning 0 ignores it on purpose",
      code: `
+static int cfg_apply(struct cfg *c)
+{
+	int err;
+
+	err = cfg_write(c);
+	if (err)
+		goto out;
+	cfg_commit(c);
+out:
+	trace_cfg_apply(c, err);
+	return 0;
+}`,
    },
    {
      name: "an optional step that skips ahead to a label in the middle of the work",
      code: `
+static int qa_setup(struct qa *q)
+{
+	int err;
+
+	err = qa_probe_turbo(q);
+	if (err)
+		goto skip_turbo;
+	qa_turbo_on(q);
+skip_turbo:
+	qa_set_defaults(q);
+	return 0;
+}`,
    },
    {
      name: "jumps that carry no error to a label that returns 0",
      code: `
+static int cfg_apply(struct cfg *c)
+{
+	if (!c->dirty)
+		goto out;
+	cfg_commit(c);
+out:
+	cfg_unlock(c);
+	return 0;
+}`,
    },
    {
      name: "a loop that stops at the first error",
      code: `
+static int grp_start_all(struct grp *g)
+{
+	struct grp_member *m;
+	int ret = 0;
+
+	list_for_each_entry(m, &g->members, node) {
+		ret = grp_member_start(m);
+		if (ret) {
+			pr_err("cannot start %s: %d\\n", m->name, ret);
+			break;
+		}
+	}
+	return ret;
+}`,
    },
    {
      name: "a loop that logs each failure but returns success on purpose",
      code: `
+static int grp_start_all(struct grp *g)
+{
+	struct grp_member *m;
+	int ret;
+
+	list_for_each_entry(m, &g->members, node) {
+		ret = grp_member_start(m);
+		if (ret)
+			pr_err("cannot start %s: %d, continuing\\n", m->name, ret);
+	}
+	return ret;
+}`,
    },
    {
      name: "a loop that keeps the first error",
      code: `
+static int grp_start_all(struct grp *g)
+{
+	struct grp_member *m;
+	int ret, err = 0;
+
+	list_for_each_entry(m, &g->members, node) {
+		ret = grp_member_start(m);
+		if (ret) {
+			pr_err("cannot start %s: %d\\n", m->name, ret);
+			if (!err)
+				err = ret;
+		}
+	}
+	return err;
+}`,
    },
  ],
  invalid: [
    {
      name: "IS_ERR() of a local, PTR_ERR() of the field it has not been stored in yet",
      file: "drivers/misc/rb/rb_core.c",
      code: `
+static int rb_attach(struct rb_dev *rb)
+{
+	struct rb_map *map;
+
+	map = rb_map_create(rb);
+	if (IS_ERR(map)) {
+		dev_err(rb->dev, "no map\\n");
+		return PTR_ERR(rb->map);
+	}
+	rb->map = map;
+	return 0;
+}`,
      errors: [{ messageId: "wrongPtrErr", line: 8, data: { checked: "map", returned: "rb->map" } }],
    },
    {
      name: "PTR_ERR() of another local stored in ret",
      file: "drivers/misc/rb/rb_core.c",
      code: `
+static int rb_open_pair(struct rb_dev *rb)
+{
+	int ret;
+
+	rb->tx = rb_chan_get(rb, "tx");
+	if (IS_ERR(rb->tx)) {
+		ret = PTR_ERR(rb->rx);
+		goto err;
+	}
+	return 0;
+err:
+	return ret;
+}`,
      errors: [{ messageId: "wrongPtrErr", line: 7, data: { checked: "rb->tx", returned: "rb->rx" } }],
    },
    {
      name: "-1 among negative codes in a parse helper",
      file: "kernel/module/params_list.c",
      code: `
+static int parse_pair(const char *s, int *a, int *b)
+{
+	if (!s)
+		return -EINVAL;
+	if (sscanf(s, "%d:%d", a, b) != 2)
+		return -1;
+	return 0;
+}`,
      errors: [{ messageId: "minusOne", line: 6 }],
    },
    {
      name: "-1 from a helper whose caller returns it as its own error",
      file: "kernel/module/params_list.c",
      code: `
+static int str_to_mode(const char *s)
+{
+	if (!strcmp(s, "fast"))
+		return 0;
+	return -1;
+}
+
+static int mode_set(const char *val, const struct kernel_param *kp)
+{
+	int ret;
+
+	ret = str_to_mode(val);
+	if (ret)
+		return ret;
+	return param_set_charp(val, kp);
+}`,
      errors: [{ messageId: "minusOne", line: 5 }],
    },
    {
      name: "error jumps that set err to a label ending in return 0",
      file: "fs/cfgfs/apply.c",
      code: `
+int cfg_apply(struct cfg *c)
+{
+	void *buf;
+	int err;
+
+	buf = kmalloc(c->size, GFP_KERNEL);
+	if (!buf)
+		return -ENOMEM;
+	err = cfg_read(c, buf);
+	if (err)
+		goto done;
+	if (!cfg_valid(buf)) {
+		err = -EINVAL;
+		goto done;
+	}
+	cfg_commit(c, buf);
+done:
+	kfree(buf);
+	return 0;
+}`,
      errors: [{ messageId: "labelZero", line: 19, data: { label: "done", var: "err" } }],
    },
    {
      name: "a loop whose next iteration overwrites the error it logged",
      file: "drivers/misc/grp/grp.c",
      code: `
+static int grp_start_all(struct grp *g)
+{
+	struct grp_member *m;
+	int ret = 0;
+
+	list_for_each_entry(m, &g->members, node) {
+		ret = grp_member_start(m);
+		if (ret < 0)
+			dev_err(g->dev, "cannot start %s: %d\\n", m->name, ret);
+	}
+
+	return ret;
+}`,
      errors: [{ messageId: "loopOverwrite", line: 8, endLine: 9, data: { var: "ret" } }],
    },
    {
      name: "a positive errno where the kernel-doc promises it negative is one point",
      file: "kernel/module/names.c",
      code: `
+/**
+ * name_tbl_add() - record a name
+ * @t: the table
+ * @name: the name
+ *
+ * Return: 0 on success, -EEXIST or -ENOMEM on failure.
+ */
+int name_tbl_add(struct name_tbl *t, const char *name)
+{
+	char *copy;
+
+	if (name_tbl_has(t, name))
+		return -EEXIST;
+	copy = kstrdup(name, GFP_KERNEL);
+	if (!copy)
+		return ENOMEM;
+	t->names[t->nr++] = copy;
+	return 0;
+}`,
      errors: [{ messageId: "positive", line: 16, data: { code: "ENOMEM" } }],
    },
  ],
});
