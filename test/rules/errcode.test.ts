import { describe, expect, it } from "vitest";
import errcode from "../../rules/errcode.js";
import { findingsOf, RuleTester } from "../helpers/rule-tester.js";
import type { InvalidCase } from "../helpers/rule-tester.js";
import { LEAD_INS } from "./lead-ins.js";

/**
 * The errcode rule: error paths that return success or a wrong code. The
 * returns it must leave alone (deliberate 0, documented codes, userspace
 * conventions) are in errcode-deliberate.test.ts.
 */

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
  valid: [],
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
