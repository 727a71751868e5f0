import { describe, expect, it } from "vitest";
import unreleased from "../../rules/unreleased.js";
import { findingsOf, RuleTester } from "../helpers/rule-tester.js";
import { GADGET_PROBE_HEAD } from "../helpers/rule-shapes.js";

/**
 * The unreleased rule: the leaks it must report (the classic pairs are in
 * unreleased-classic.test.ts). The cases it must leave alone are in
 * unreleased-error-paths.test.ts (paths that do release) and
 * unreleased-ownership.test.ts (objects handed over or never acquired).
 */

new RuleTester().run(unreleased, {
  valid: [],
  invalid: [
    {
      name: "a second plain error return after the first point shares its fix",
      code: `
+static int foo_start(struct foo *f)
+{
+	int ret;
+
+	ret = clk_prepare_enable(f->clk);
+	if (ret)
+		return ret;
+	ret = foo_reset(f);
+	if (ret)
+		return ret;
+	ret = foo_calibrate(f);
+	if (ret)
+		return ret;
+	return 0;
+}`,
      // One point per acquisition: the later plain return has the same fix, and no cleanup on it says otherwise.
      errors: [
        {
          messageId: "afterCall",
          line: 5,
          endLine: 10,
          data: {
            failed: "foo_reset",
            what: "the clk enabled by clk_prepare_enable()",
            undone: "disabled",
            acquire: "clk_prepare_enable",
            release: "clk_disable_unprepare",
          },
        },
      ],
    },
    {
      name: "an error path that frees the buffer but leaves the clk enabled",
      file: "drivers/net/ethernet/foo/foo_main.c",
      start: 120,
      fn: "static int foo_probe(struct platform_device *pdev)",
      code: `
 	if (IS_ERR(priv->base))
 		return PTR_ERR(priv->base);
 
+	ret = clk_prepare_enable(priv->clk);
+	if (ret)
+		return ret;
+
+	priv->buf = kmalloc(FOO_BUF_SIZE, GFP_KERNEL);
+	if (!priv->buf)
+		return -ENOMEM;
+
+	ret = request_irq(priv->irq, foo_isr, 0, "foo", priv);
+	if (ret) {
+		dev_err(&pdev->dev, "cannot request irq %d\\n", priv->irq);
+		kfree(priv->buf);
+		return ret;
+	}
+	return 0;
 }`,
      errors: [
        {
          messageId: "afterCall",
          line: 123,
          endLine: 129,
          data: {
            failed: "kmalloc",
            what: "the clk enabled by clk_prepare_enable()",
            undone: "disabled",
            acquire: "clk_prepare_enable",
            release: "clk_disable_unprepare",
          },
        },
        // Its own point: the branch cleans up and still misses the clk.
        {
          messageId: "afterCall",
          line: 132,
          endLine: 135,
          data: {
            failed: "request_irq",
            what: "the clk enabled by clk_prepare_enable()",
            undone: "disabled",
            acquire: "clk_prepare_enable",
            release: "clk_disable_unprepare",
          },
        },
      ],
    },
    {
      name: "a created object not destroyed when the irq lookup fails",
      file: "drivers/misc/gadget.c",
      code: `${GADGET_PROBE_HEAD}
+	g->irq = platform_get_irq(pdev, 0);
+	if (g->irq < 0)
+		return g->irq;
+	return 0;
+}`,
      errors: [
        {
          messageId: "afterCall",
          line: 6,
          endLine: 16,
          data: { failed: "platform_get_irq", what: "what gadget_create() created", undone: "destroyed", acquire: "gadget_create", release: "gadget_destroy" },
        },
      ],
    },
    {
      name: "a ladder jump that skips the label releasing the IRQ",
      code: `
+static int qa_setup(struct qa *q)
+{
+	int ret;
+
+	ret = qa_hw_register(q);
+	if (ret)
+		return ret;
+	ret = request_irq(q->irq, qa_isr, 0, "qa", q);
+	if (ret)
+		goto err_unregister;
+	ret = qa_start(q);
+	if (ret)
+		goto err_unregister;
+	return 0;
+
+err_unregister:
+	qa_hw_unregister(q);
+	return ret;
+}`,
      errors: [
        {
          messageId: "afterCall",
          line: 8,
          endLine: 13,
          data: { failed: "qa_start", what: "the IRQ requested by request_irq()", undone: "released", acquire: "request_irq", release: "free_irq" },
        },
      ],
    },
    {
      name: "kfree() does not undo kobject_init_and_add()",
      code: `
+static int qa_node_add(struct qa *q, struct qa_node *n)
+{
+	int ret;
+
+	ret = kobject_init_and_add(&n->kobj, &qa_node_ktype, &q->kobj, "n%d", n->id);
+	if (ret)
+		goto err_free;
+	return 0;
+
+err_free:
+	kfree(n);
+	return ret;
+}`,
      errors: [{ messageId: "ownFailure", line: 5, endLine: 7 }],
    },
    {
      name: "a get whose result is put, leaked on a later return",
      code: `
+static int qa_map(struct qa *q, u32 fd)
+{
+	struct bpf_map *map;
+	int err;
+
+	map = bpf_map_get(fd);
+	if (IS_ERR(map))
+		return PTR_ERR(map);
+	if (map->max_entries < 4)
+		return -E2BIG;
+	err = qa_bind(q, map);
+	bpf_map_put(map);
+	return err;
+}`,
      errors: [{ messageId: "onExit", line: 6, endLine: 10 }],
    },
    {
      name: "leaving a child-node loop on error keeps the reference",
      code: `
+static int qa_parse(struct device *dev, struct device_node *np)
+{
+	struct device_node *child;
+	u32 reg;
+
+	for_each_available_child_of_node(np, child) {
+		if (of_property_read_u32(child, "reg", &reg))
+			return dev_err_probe(dev, -EINVAL, "no reg in %pOF\\n", child);
+	}
+	return 0;
+}`,
      errors: [{ messageId: "iterator", line: 8, data: { acquire: "for_each_available_child_of_node", var: "child", release: "of_node_put" } }],
    },
    {
      name: "two early exits from one iterator loop get one point",
      code: `
+static int qa_parse(struct device *dev)
+{
+	struct fwnode_handle *child;
+	u32 ch;
+	int ret;
+
+	device_for_each_child_node(dev, child) {
+		ret = fwnode_property_read_u32(child, "reg", &ch);
+		if (ret)
+			goto err_out;
+		if (ch >= 4) {
+			ret = -EINVAL;
+			goto err_out;
+		}
+	}
+	return 0;
+
+err_out:
+	dev_err(dev, "bad node: %d\n", ret);
+	return ret;
+}`,
      errors: [{ messageId: "iterator", line: 10, data: { acquire: "device_for_each_child_node", var: "child", release: "fwnode_handle_put" } }],
    },
    {
      name: "return 0 after a logged failure is an error path too",
      code: `
+static int qa_label(struct qa *q, char *out, size_t len)
+{
+	char *copy;
+
+	copy = kstrdup(q->label, GFP_KERNEL);
+	if (!copy)
+		return -ENOMEM;
+	if (strscpy(out, copy, len) < 0) {
+		pr_err("qa: label too long\\n");
+		return 0;
+	}
+	kfree(copy);
+	return 0;
+}`,
      errors: [{ messageId: "afterCall", line: 5, endLine: 10 }],
    },
  ],
});

describe("unreleased on hostile input", () => {
  it("returns on 10,000 parentheses, a 5,000-character line and deep nesting", () => {
    const parens = "+\tif " + "(".repeat(10000);
    const long = "+\tp = kzalloc(" + "x".repeat(5000) + ");";
    const nest = Array.from({ length: 2000 }, () => "+\t{ ret = foo_register(x); if (ret) goto err;").join("\n");
    const found = findingsOf(unreleased, { name: "hostile", code: `\n+int h(void)\n+{\n${parens}\n${long}\n${nest}\n+}` });
    expect(Array.isArray(found)).toBe(true);
  });
});
