import { describe, expect, it } from "vitest";
import warn from "../../rules/warn.js";
import { findingsOf, RuleTester } from "../helpers/rule-tester.js";

new RuleTester().run(warn, {
  valid: [
    {
      name: "an undo-named loop whose apply step the patch does not show",
      code: `
+static void qa_clear_relocs(struct qa_rel *r, unsigned int n)
+{
+	unsigned int i;
+
+	for (i = 0; i < n; i++) {
+		if (r[i].type != R_QA_ABS32)
+			continue;
+		r[i].val = 0;
+	}
+}`,
    },
    {
      name: "user-input validation in a store handler keeps its pr_err",
      code: `
+static void knob_store_value(struct knob *k, const char *buf)
+{
+	if (kstrtoint(buf, 0, &k->val)) {
+		pr_err("knob: bad value\\n");
+		return;
+	}
+}`,
    },
    {
      name: "a plain NULL check without logging",
      code: `
+void hook_release(struct hook *h)
+{
+	if (!h)
+		return;
+	kfree(h);
+}`,
    },
    {
      name: "the branch already warns",
      code: `
+void hook_put(struct hook *h)
+{
+	if (WARN_ON_ONCE(!h->refs)) {
+		pr_err("hook released too often\\n");
+		return;
+	}
+	h->refs--;
+}`,
    },
    {
      name: "a hardware failure reported by a callee is not a bug",
      code: `
+static void eng_stop(struct eng *e)
+{
+	int ret;
+
+	ret = eng_send_cmd(e, ENG_CMD_STOP);
+	if (ret) {
+		dev_err(e->dev, "stop failed: %d\\n", ret);
+		return;
+	}
+	e->running = false;
+}`,
    },
    {
      name: "a non-teardown void function",
      code: `
+static void stats_print(struct stats *s)
+{
+	if (!s->valid) {
+		pr_err("stats not ready\\n");
+		return;
+	}
+	pr_info("%lu\\n", s->n);
+}`,
    },
    {
      name: "a teardown function that returns an error code",
      code: `
+static int hook_unregister(struct hook *h)
+{
+	if (!h->registered) {
+		pr_err("hook not registered\\n");
+		return -EINVAL;
+	}
+	return 0;
+}`,
    },
    {
      name: "an undo loop without a matching apply step shown",
      code: `
+void clear_fixups(struct fix *f, unsigned int n)
+{
+	unsigned int i;
+
+	for (i = 0; i < n; i++) {
+		if (f[i].type != FIX_CALL)
+			continue;
+		f[i].insn = FIX_NOP;
+	}
+}`,
    },
    {
      name: "hardware still busy in a stop path is a runtime failure",
      code: `
+static void dma_chan_stop(struct dma_chan_priv *c)
+{
+	if (readl(c->base + CHAN_STATUS) & CHAN_BUSY) {
+		dev_err(c->dev, "channel still busy\n");
+		return;
+	}
+	writel(0, c->base + CHAN_CTRL);
+}`,
    },
  ],
  invalid: [
    {
      name: "an undo loop whose apply step has the verb in the middle of the name",
      code: `
+static int qa_write_relocs(struct qa_rel *r, unsigned int n)
+{
+	unsigned int i;
+
+	for (i = 0; i < n; i++)
+		qa_write_one(&r[i]);
+	return 0;
+}
+
+static void qa_clear_relocs(struct qa_rel *r, unsigned int n)
+{
+	unsigned int i;
+
+	for (i = 0; i < n; i++) {
+		if (r[i].type != R_QA_ABS32)
+			continue;
+		r[i].val = 0;
+	}
+}`,
      errors: [{ messageId: "silentSkip", line: 15 }],
    },
    {
      name: "refcount underflow only printed in a release path",
      code: `
+void klp_hook_release(struct klp_hook *hook)
+{
+	if (!hook->refs) {
+		pr_err("hook %lu released too often\\n", hook->id);
+		return;
+	}
+	hook->refs--;
+}`,
      errors: [{ messageId: "refcount", line: 3, endLine: 6, data: { kind: "release" } }],
    },
    {
      name: "double unregister only printed",
      code: `
+static void mon_unregister(struct mon *m)
+{
+	mutex_lock(&mon_lock);
+	if (!m->registered) {
+		pr_err("mon: %s is not registered\\n", m->name);
+		mutex_unlock(&mon_lock);
+		return;
+	}
+	list_del(&m->node);
+	m->registered = false;
+	mutex_unlock(&mon_lock);
+}`,
      errors: [{ messageId: "state", line: 4, endLine: 8, data: { kind: "unregister" } }],
    },
    {
      name: "missing object that must exist in a free path",
      file: "drivers/base/widget.c",
      code: `
+static void widget_free_slot(struct widget *w, int id)
+{
+	struct slot *s = widget_find_slot(w, id);
+
+	if (!s) {
+		dev_err(w->dev, "slot %d vanished\\n", id);
+		return;
+	}
+	kfree(s);
+}`,
      errors: [{ messageId: "state", line: 5, data: { kind: "free" } }],
    },
    {
      name: "an undo loop that silently skips what the apply step would reject",
      files: [
        {
          path: "arch/foo/kernel/fixup.c",
          hunks: [
            {
              start: 10,
              fn: "int apply_fixups(struct fix *f, unsigned int n)",
              lines: [
                "+void clear_fixups(struct fix *f, unsigned int n)",
                "+{",
                "+	unsigned int i;",
                "+",
                "+	for (i = 0; i < n; i++) {",
                "+		if (f[i].type != FIX_CALL)",
                "+			continue;",
                "+		f[i].insn = FIX_NOP;",
                "+	}",
                "+}",
              ],
            },
          ],
        },
      ],
      errors: [{ messageId: "silentSkip", file: "arch/foo/kernel/fixup.c", line: 15, endLine: 16 }],
    },
  ],
});

describe("warn on hostile input", () => {
  it("returns on deeply nested braces", () => {
    const nest = "+\t" + "{".repeat(5000) + "\n+\t" + "}".repeat(5000);
    const found = findingsOf(warn, { name: "hostile", code: `\n+void x_release(struct x *x)\n+{\n${nest}\n+}` });
    expect(Array.isArray(found)).toBe(true);
  });
});
