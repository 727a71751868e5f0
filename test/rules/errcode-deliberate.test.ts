import errcode from "../../rules/errcode.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The errcode rule on returns that only look wrong: a deliberate 0 (optional
 * features, non-fatal failures, nothing to do), codes the kernel-doc allows,
 * -1 where the convention is not an errno, and functions whose value is no
 * error code at all.
 */

new RuleTester().run(errcode, {
  valid: [
    {
      name: "a header stub for a configured-out feature carries the real function's kernel-doc",
      file: "include/linux/qa_table.h",
      code: `
+#else /* !CONFIG_QA_TABLE */
+/**
+ * qa_table_lookup() - find the slot of a key
+ * @key: what to look for
+ * @slot: where the slot number goes
+ *
+ * Return: 0 and the slot in @slot, -ENOENT when @key is not in the table,
+ * -EINVAL for a key of zero.
+ */
+static inline int qa_table_lookup(unsigned long key, unsigned int *slot)
+{
+	return -EOPNOTSUPP;
+}
+#endif`,
    },
    {
      name: "PTR_ERR_OR_ZERO after IS_ERR_OR_NULL is deliberate",
      code: `
+static int qa_clk(struct qa *q)
+{
+	q->clk = devm_clk_get_optional(q->dev, "bus");
+	if (IS_ERR_OR_NULL(q->clk))
+		return PTR_ERR_OR_ZERO(q->clk);
+	return clk_prepare_enable(q->clk);
+}`,
    },
    {
      name: "a jump to an unseen label with no other jump to compare: no comment",
      start: 50,
      fn: "static int qa_probe(struct qa *q)",
      code: `
 	q->mode = 1;
+	if (q->id != QA_ID) {
+		dev_err(q->dev, "bad id\\n");
+		goto out_disable;
+	}
 	qa_reset(q);`,
    },
    {
      name: "kernel-doc that allows other codes",
      code: `
+/**
+ * qa_go() - start
+ * @q: the device
+ *
+ * Return: 0 on success, -EBUSY when running, or another negative error code.
+ */
+int qa_go(struct qa *q)
+{
+	if (q->running)
+		return -EBUSY;
+	if (q->dying)
+		return -EAGAIN;
+	return 0;
+}`,
    },
    {
      name: "optional feature logs and returns 0 on purpose",
      code: `
+static int foo_probe_extra(struct foo *foo)
+{
+	if (!foo_has_turbo(foo)) {
+		pr_info("turbo mode not supported, continuing without it\\n");
+		return 0;
+	}
+	return foo_turbo_on(foo);
+}`,
    },
    {
      name: "deprecated parameter warning then success",
      code: `
+static int bar_set_mode(const char *val, const struct kernel_param *kp)
+{
+	if (!strcmp(val, "legacy")) {
+		pr_warn("bar: mode=legacy is deprecated and ignored\\n");
+		return 0;
+	}
+	return param_set_int(val, kp);
+}`,
    },
    {
      name: "a comment says the failure is non-fatal",
      code: `
+static int baz_init_stats(struct baz *baz)
+{
+	int ret;
+
+	ret = baz_stats_register(baz);
+	if (ret) {
+		/* Statistics are optional, the device works without them. */
+		dev_err(baz->dev, "no stats: %d\\n", ret);
+		return 0;
+	}
+	return 0;
+}`,
    },
    {
      name: "-1 in a userspace tool",
      file: "tools/testing/selftests/livepatch/test_klp.c",
      code: `
+static int read_knob(const char *path)
+{
+	FILE *f = fopen(path, "r");
+
+	if (!f)
+		return -1;
+	fclose(f);
+	return 0;
+}`,
    },
    {
      name: "-1 from a comparison function",
      code: `
+static int sym_cmp(const void *a, const void *b)
+{
+	if (*(long *)a < *(long *)b)
+		return -1;
+	return *(long *)a > *(long *)b;
+}`,
    },
    {
      name: "return ret where ret holds the error",
      code: `
+static int qux_start(struct qux *q)
+{
+	int ret;
+
+	ret = qux_power_on(q);
+	if (ret) {
+		pr_err("qux: power on failed: %d\\n", ret);
+		return ret;
+	}
+	return 0;
+}`,
    },
    {
      name: "void and bool functions are not judged",
      code: `
+static bool zap_ready(struct zap *z)
+{
+	if (!z->ops) {
+		pr_err("zap: no ops\\n");
+		return 0;
+	}
+	return 1;
+}`,
    },
    {
      name: "goto out after the error code was set",
      code: `
+static int blk_prep(struct blk *b)
+{
+	int ret = 0;
+
+	b->map = kzalloc(BLK_SZ, GFP_KERNEL);
+	if (!b->map) {
+		ret = -ENOMEM;
+		goto out;
+	}
+	b->ready = true;
+out:
+	return ret;
+}`,
    },
    {
      name: "missing optional node returns 0 without logging",
      code: `
+static int brd_parse_dt(struct brd *b)
+{
+	struct device_node *np;
+
+	np = of_get_child_by_name(b->np, "leds");
+	if (!np)
+		return 0;
+	of_node_put(np);
+	return 0;
+}`,
    },
    {
      name: "kernel-doc lists the codes the function returns",
      code: `
+/**
+ * hk_set() - set a hook value
+ * @hk: the hook
+ * @val: new value
+ *
+ * Return: 0 on success, -EINVAL for a negative value.
+ */
+int hk_set(struct hk *hk, long val)
+{
+	if (val < 0)
+		return -EINVAL;
+	hk->val = val;
+	return 0;
+}`,
    },
    {
      name: "nothing found, nothing to do: goto out with ret 0 on purpose",
      code: `
+static int ent_refresh(struct ent_tbl *t, int key)
+{
+	struct ent *e;
+	int ret = 0;
+
+	e = ent_find(t, key);
+	if (!e)
+		goto out;
+	ret = ent_update(e);
+out:
+	return ret;
+}`,
    },
    {
      name: "a kthread function's return value is not an error code",
      code: `
+static int poll_thread(void *data)
+{
+	struct poller *p = data;
+
+	if (!p->dev) {
+		pr_err("poller without a device\n");
+		return 0;
+	}
+	return poller_loop(p);
+}`,
    },
  ],
  invalid: [
    {
      name: "an inline helper with real logic is still held to its kernel-doc",
      file: "include/linux/qa_table.h",
      code: `
+/**
+ * qa_table_slot() - the slot of a key
+ * @t: the table
+ * @key: what to look for
+ *
+ * Return: the slot, or -ENOENT when @key is not in the table.
+ */
+static inline int qa_table_slot(struct qa_table *t, unsigned long key)
+{
+	if (!key)
+		return -EINVAL;
+	return key % t->size;
+}`,
      errors: [{ messageId: "docMismatch", line: 11 }],
    },
  ],
});
