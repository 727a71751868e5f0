import unreleased from "../../rules/unreleased.js";
import { RuleTester } from "../helpers/rule-tester.js";
import type { InvalidCase } from "../helpers/rule-tester.js";
import { LEAD_INS } from "./lead-ins.js";
import { GADGET_PROBE_HEAD } from "../helpers/rule-shapes.js";

/**
 * The unreleased rule on error paths that do release what was acquired
 * (goto ladders, releases in the branch, locks dropped before returning),
 * and on functions added after a hunk that opens inside a definition.
 */

const leadInLeaks: InvalidCase[] = LEAD_INS.map(({ shape, fn, lead }) => ({
  name: `clk leak in a function added after a hunk that opens inside ${shape}`,
  file: "drivers/x/x.c",
  start: 40,
  fn,
  code: [
    ...lead,
    " ",
    "+static int foo_setup(struct foo *f)",
    "+{",
    "+\tint ret;",
    "+",
    "+\tret = clk_prepare_enable(f->clk);",
    "+\tif (ret)",
    "+\t\treturn ret;",
    "+",
    "+\tret = foo_reset(f);",
    "+\tif (ret)",
    "+\t\treturn ret;",
    "+\treturn 0;",
    "+}",
  ].join("\n"),
  // The acquisition sits 5 lines into the function, which starts after the lead-in and a blank line.
  errors: [
    {
      messageId: "afterCall",
      line: 40 + lead.length + 1 + 4,
      endLine: 40 + lead.length + 1 + 10,
      data: {
        failed: "foo_reset",
        what: "the clk enabled by clk_prepare_enable()",
        undone: "disabled",
        acquire: "clk_prepare_enable",
        release: "clk_disable_unprepare",
      },
    },
  ],
}));

new RuleTester().run(unreleased, {
  valid: [
    {
      name: "a function after a struct lead-in that does disable the clk",
      file: "drivers/x/x.c",
      start: 40,
      fn: "struct foo_ops {",
      code: `
 	int (*reset)(struct foo *f);
 };
 
+static int foo_setup(struct foo *f)
+{
+	int ret;
+
+	ret = clk_prepare_enable(f->clk);
+	if (ret)
+		return ret;
+	ret = foo_reset(f);
+	if (ret) {
+		clk_disable_unprepare(f->clk);
+		return ret;
+	}
+	return 0;
+}`,
    },
    {
      name: "every later error path cleans up everything",
      code: `
+static int foo_probe(struct platform_device *pdev)
+{
+	struct foo *priv = platform_get_drvdata(pdev);
+	int ret;
+
+	ret = clk_prepare_enable(priv->clk);
+	if (ret)
+		return ret;
+	priv->buf = kmalloc(FOO_BUF_SIZE, GFP_KERNEL);
+	if (!priv->buf) {
+		clk_disable_unprepare(priv->clk);
+		return -ENOMEM;
+	}
+	ret = request_irq(priv->irq, foo_isr, 0, "foo", priv);
+	if (ret) {
+		kfree(priv->buf);
+		clk_disable_unprepare(priv->clk);
+		return ret;
+	}
+	return 0;
+}`,
    },
    {
      name: "returning a value tested for something other than a negative code",
      code: `${GADGET_PROBE_HEAD}
+	g->irq = platform_get_irq_optional(pdev, 0);
+	if (g->irq > 0)
+		return g->irq;
+	return 0;
+}`,
    },
    {
      name: "goto ladder releases through a later label",
      code: `
+static int foo_setup(struct foo *foo)
+{
+	int ret;
+
+	foo->buf = NULL;
+	ret = foo_hook_register(&foo->hook);
+	if (ret)
+		return ret;
+
+	ret = foo_start(foo);
+	if (ret)
+		goto err_unregister;
+
+	ret = foo_enable_irq(foo);
+	if (ret)
+		goto err_stop;
+	return 0;
+
+err_stop:
+	foo_stop(foo);
+err_unregister:
+	foo_hook_unregister(&foo->hook);
+	return ret;
+}`,
    },
    {
      name: "release inside the error branch before returning",
      code: `
+static int bar_load(struct bar *bar)
+{
+	char *name;
+
+	name = kstrdup(bar->label, GFP_KERNEL);
+	if (!name)
+		return -ENOMEM;
+	if (strlen(name) > BAR_MAX) {
+		kfree(name);
+		return -EINVAL;
+	}
+	bar->name = name;
+	return 0;
+}`,
    },
    {
      name: "the acquisition's own failure check needs no release",
      code: `
+static int mod_track(struct module *mod)
+{
+	struct mod_entry *e;
+
+	e = kmalloc(sizeof(*e), GFP_KERNEL);
+	if (!e) {
+		pr_err("no memory for %s\\n", mod->name);
+		return -ENOMEM;
+	}
+	list_add(&e->list, &mod_entries);
+	return 0;
+}`,
    },
    {
      name: "goto to a label the hunk does not show: stay silent",
      start: 120,
      fn: "static int klp_init_object(struct klp_patch *patch, struct klp_object *obj)",
      code: `
 	int ret;
+	ret = klp_hook_register(obj->hook);
+	if (ret)
+		return ret;
+	ret = klp_init_object_loaded(patch, obj);
+	if (ret)
+		goto out;`,
    },
    {
      name: "lock released before the error return",
      code: `
+static int cnt_bump(struct cnt *c)
+{
+	int v;
+
+	mutex_lock(&c->lock);
+	v = ++c->val;
+	mutex_unlock(&c->lock);
+	if (v > CNT_MAX)
+		return -EOVERFLOW;
+	return 0;
+}`,
    },
    {
      name: "lock released on the error path through out_unlock",
      code: `
+static int cnt_set(struct cnt *c, int v)
+{
+	int ret = 0;
+
+	mutex_lock(&c->lock);
+	if (v < 0) {
+		ret = -EINVAL;
+		goto out_unlock;
+	}
+	c->val = v;
+out_unlock:
+	mutex_unlock(&c->lock);
+	return ret;
+}`,
    },
    {
      name: "a loop that unwinds earlier items on failure",
      code: `
+static int grp_register_all(struct grp *g)
+{
+	int i, ret;
+
+	for (i = 0; i < g->n; i++) {
+		ret = grp_item_register(&g->items[i]);
+		if (ret)
+			goto unwind;
+	}
+	return 0;
+unwind:
+	while (--i >= 0)
+		grp_item_unregister(&g->items[i]);
+	return ret;
+}`,
    },
    {
      name: "lock and unlock per iteration is not accumulation",
      code: `
+static int tbl_scan(struct tbl *t)
+{
+	struct tbl_ent *e;
+
+	list_for_each_entry(e, &t->list, node) {
+		spin_lock(&e->lock);
+		e->seen = true;
+		spin_unlock(&e->lock);
+	}
+	if (!t->n)
+		return -ENOENT;
+	return 0;
+}`,
    },
    {
      name: "pre-existing leak the patch does not touch is not ours",
      code: `
 static int old_fn(struct old *o)
 {
 	char *p = kmalloc(16, GFP_KERNEL);
 	if (!p)
 		return -ENOMEM;
+	o->flags |= OLD_READY;
 	if (o->bad)
 		return -EINVAL;
 	kfree(p);
 	return 0;
 }`,
    },
  ],
  invalid: [...leadInLeaks],
});
