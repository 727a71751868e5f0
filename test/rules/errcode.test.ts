import { describe, expect, it } from "vitest";
import errcode from "../../rules/errcode.js";
import { findingsOf, RuleTester } from "../helpers/rule-tester.js";
import type { InvalidCase } from "../helpers/rule-tester.js";
import { LEAD_INS } from "./lead-ins.js";

/** A positive errno in a function added right after a hunk's lead-in (the `@@` names a struct or table). */
const leadInPositive: InvalidCase[] = LEAD_INS.map(({ shape, fn, lead }) => ({
  name: `positive errno in a function added after a hunk that opens inside ${shape}`,
  file: "drivers/x/x.c",
  start: 40,
  fn,
  code: [...lead, " ", "+static int cfg_check(struct cfg *c)", "+{", "+\tif (!c->name)", "+\t\treturn EINVAL;", "+\treturn 0;", "+}"].join("\n"),
  errors: [{ messageId: "positive", line: 40 + lead.length + 1 + 3, data: { code: "EINVAL" } }],
}));

new RuleTester().run(errcode, {
  valid: [
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
    ...leadInPositive,
    {
      name: "PTR_ERR() of a pointer that may be NULL",
      code: `
+static int qa_clk(struct qa *q)
+{
+	q->clk = devm_clk_get_optional(q->dev, "bus");
+	if (IS_ERR_OR_NULL(q->clk))
+		return PTR_ERR(q->clk);
+	return clk_prepare_enable(q->clk);
+}`,
      errors: [{ messageId: "ptrErrNull", line: 5, data: { var: "q->clk" } }],
    },
    {
      name: "jump to an unseen label that other jumps reach with the code in ret",
      start: 50,
      fn: "static int qa_probe(struct qa *q)",
      code: `
 	ret = regmap_read(q->map, QA_ID_REG, &id);
 	if (ret)
 		goto out_disable;
+	if (id != QA_ID) {
+		dev_err(q->dev, "bad id %u\\n", id);
+		goto out_disable;
+	}
 	qa_reset(q);`,
      errors: [{ messageId: "stillZeroGotoUnseen", line: 55, data: { var: "ret", label: "out_disable" } }],
    },
    {
      name: "a promised code replaced by another is one point, not two",
      code: `
+/**
+ * qa_go() - start
+ * @q: the device
+ *
+ * Return: 0 on success, -EBUSY when running.
+ */
+int qa_go(struct qa *q)
+{
+	if (q->running)
+		return -EAGAIN;
+	return 0;
+}`,
      errors: [{ messageId: "docMismatch", line: 10, data: { promised: "-EBUSY", code: "-EAGAIN" } }],
    },
    {
      name: "a branch returning 0 after an error takes the doc's promised code, and the doc point is dropped",
      code: `
+/**
+ * qa_prio() - set the priority
+ * @q: the device
+ * @p: new priority
+ *
+ * Return: 0 on success, -ERANGE when @p is out of range.
+ */
+int qa_prio(struct qa *q, int p)
+{
+	if (p < 0 || p > 7) {
+		pr_err("qa: priority %d out of range\\n", p);
+		return 0;
+	}
+	q->prio = p;
+	return 0;
+}`,
      errors: [{ messageId: "loggedZero", line: 12, data: { code: "-ERANGE" } }],
    },
    {
      name: "logs an error and returns 0",
      code: `
+int klp_hook_set(struct klp_hook *hook, long val)
+{
+	if (val < 0) {
+		pr_err("invalid hook value %ld\\n", val);
+		return 0;
+	}
+	hook->val = val;
+	return 0;
+}`,
      errors: [{ messageId: "loggedZero", line: 5, data: { code: "-EINVAL" } }],
    },
    {
      name: "allocation failure returns 0",
      code: `
+static int ring_init(struct ring *r)
+{
+	r->slots = kcalloc(r->n, sizeof(*r->slots), GFP_KERNEL);
+	if (!r->slots)
+		return 0;
+	return 0;
+}`,
      errors: [{ messageId: "failedZero", line: 5, data: { failed: "kcalloc", code: "-ENOMEM" } }],
    },
    {
      name: "logs the failure then falls through to return 0",
      code: `
+static int pwr_resume(struct device *dev)
+{
+	int err;
+
+	err = pwr_restore(dev);
+	if (err)
+		dev_err(dev, "restore failed: %d\\n", err);
+	return 0;
+}`,
      errors: [{ messageId: "fallThrough", line: 6, endLine: 8, data: { code: "err" } }],
    },
    {
      name: "goto out with ret still 0 after a failed lookup",
      code: `
+static int mod_bind(struct mod_ctx *mc, const char *name)
+{
+	struct mod_ent *e;
+	int ret;
+
+	ret = mod_prepare(mc);
+	if (ret)
+		goto out;
+	e = mod_find(mc, name);
+	if (!e) {
+		pr_err("%s: not found\\n", name);
+		goto out;
+	}
+	e->bound = true;
+out:
+	return ret;
+}`,
      errors: [{ messageId: "stillZeroGoto", line: 12, data: { label: "out", var: "ret" } }],
    },
    {
      name: "positive errno",
      code: `
+static int cfg_check(struct cfg *c)
+{
+	if (!c->name)
+		return EINVAL;
+	return 0;
+}`,
      errors: [{ messageId: "positive", line: 4, data: { code: "EINVAL" } }],
    },
    {
      name: "-1 in kernel code",
      file: "kernel/module/main.c",
      code: `
+static int mod_check_sig(struct load_info *info)
+{
+	if (info->len < MOD_SIG_LEN)
+		return -1;
+	return 0;
+}`,
      errors: [{ messageId: "minusOne", line: 4 }],
    },
    {
      name: "kernel-doc promises a code the function never returns",
      code: `
+/**
+ * hk_get() - look up a hook
+ * @id: hook id
+ *
+ * Return: 0 on success, -ENOENT if there is no such hook, -EBUSY if it is in use.
+ */
+int hk_get(unsigned long id)
+{
+	if (!hk_table[id])
+		return -ENOENT;
+	return 0;
+}`,
      errors: [{ messageId: "docPromises", line: 5, data: { code: "-EBUSY" } }],
    },
    {
      name: "returns a code the kernel-doc does not list",
      code: `
+/**
+ * hk_put() - release a hook
+ * @id: hook id
+ *
+ * Return: 0 on success, -ENOENT if there is no such hook.
+ */
+int hk_put(unsigned long id)
+{
+	if (id >= HK_MAX)
+		return -ERANGE;
+	if (!hk_table[id])
+		return -ENOENT;
+	return 0;
+}`,
      errors: [{ messageId: "docMissing", line: 10, data: { code: "-ERANGE" } }],
    },
  ],
});

describe("errcode on hostile input", () => {
  it("returns on 10,000 parentheses and a 5,000-character line", () => {
    const found = findingsOf(errcode, {
      name: "hostile",
      code: `\n+int h(void)\n+{\n+\tif ${"(".repeat(10000)}\n+\treturn ${"x+".repeat(2500)}1;\n+}`,
    });
    expect(Array.isArray(found)).toBe(true);
  });
});
