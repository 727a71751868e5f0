import unreleased from "../../rules/unreleased.js";
import { RuleTester } from "../helpers/rule-tester.js";
import { GADGET_PROBE_HEAD } from "../helpers/rule-shapes.js";

/**
 * The unreleased rule on objects that need no release in the function:
 * handed over (to a list, a kobject, the caller's structure), managed
 * (devm_, __free, scoped iterators), released by a helper, or never a known
 * acquisition at all.
 */

new RuleTester().run(unreleased, {
  valid: [
    {
      name: "a creator whose destroy the patch never shows is not a known pair",
      code: `
+static int gadget_probe(struct platform_device *pdev)
+{
+	struct gadget *g;
+
+	g = gadget_create(&pdev->dev);
+	if (IS_ERR(g))
+		return PTR_ERR(g);
+	g->irq = platform_get_irq(pdev, 0);
+	if (g->irq < 0)
+		return g->irq;
+	return 0;
+}`,
    },
    {
      name: "a created object handed to the device before the irq lookup fails",
      code: `${GADGET_PROBE_HEAD}
+	platform_set_drvdata(pdev, g);
+	g->irq = platform_get_irq(pdev, 0);
+	if (g->irq < 0)
+		return g->irq;
+	return 0;
+}`,
    },
    {
      name: "a reference taken into a variable is put through that variable",
      code: `
+static int qa_link(struct qa *q, u32 fd)
+{
+	struct bpf_prog *prog;
+
+	prog = bpf_prog_get(fd);
+	if (IS_ERR(prog))
+		return PTR_ERR(prog);
+	if (prog->type != BPF_PROG_TYPE_XDP) {
+		bpf_prog_put(prog);
+		return -EINVAL;
+	}
+	q->prog = prog;
+	return 0;
+}`,
    },
    {
      name: "items linked into a list in the loop belong to the list",
      code: `
+static int qa_fill(struct qa *q, unsigned int n)
+{
+	struct qa_item *it;
+	unsigned int i;
+
+	for (i = 0; i < n; i++) {
+		it = kzalloc(sizeof(*it), GFP_KERNEL);
+		if (!it)
+			return -ENOMEM;
+		list_add_tail(&it->node, &q->items);
+	}
+	return 0;
+}`,
    },
    {
      name: "memory handed to a kobject is freed by kobject_put()",
      code: `
+static int qa_sysfs(struct qa *q)
+{
+	struct kobject *k;
+	int ret;
+
+	k = kzalloc(sizeof(*k), GFP_KERNEL);
+	if (!k)
+		return -ENOMEM;
+	ret = kobject_init_and_add(k, &qa_ktype, NULL, "qa");
+	if (ret) {
+		kobject_put(k);
+		return ret;
+	}
+	q->kobj = k;
+	return 0;
+}`,
    },
    {
      name: "an iterator loop that drops the node before leaving",
      code: `
+static int qa_parse(struct device_node *np)
+{
+	struct device_node *child;
+
+	for_each_child_of_node(np, child) {
+		if (!of_device_is_available(child)) {
+			of_node_put(child);
+			return -ENODEV;
+		}
+	}
+	return 0;
+}`,
    },
    {
      name: "a scoped iterator needs no put",
      code: `
+static int qa_parse(struct device_node *np)
+{
+	for_each_child_of_node_scoped(np, child) {
+		if (!of_device_is_available(child))
+			return -ENODEV;
+	}
+	return 0;
+}`,
    },
    {
      name: "a helper the patch adds does the release",
      code: `
+static void baz_cleanup(struct baz *baz)
+{
+	baz_notifier_unregister(&baz->nb);
+}
+
+static int baz_init_one(struct baz *baz)
+{
+	int err;
+
+	err = baz_notifier_register(&baz->nb);
+	if (err)
+		return err;
+	err = baz_fill(baz);
+	if (err) {
+		baz_cleanup(baz);
+		return err;
+	}
+	return 0;
+}`,
    },
    {
      name: "managed devm_ allocations need no release",
      code: `
+static int qux_probe(struct platform_device *pdev)
+{
+	struct qux *q;
+
+	q = devm_kzalloc(&pdev->dev, sizeof(*q), GFP_KERNEL);
+	if (!q)
+		return -ENOMEM;
+	if (qux_read_id(q) < 0)
+		return -ENODEV;
+	return 0;
+}`,
    },
    {
      name: "ownership is handed to the caller's structure",
      code: `
+static int zap_attach(struct zap_dev *zd)
+{
+	struct zap_buf *b;
+
+	b = kzalloc(sizeof(*b), GFP_KERNEL);
+	if (!b)
+		return -ENOMEM;
+	zd->buf = b;
+	if (zap_check(zd))
+		return -EIO;
+	return 0;
+}`,
    },
    {
      name: "ambiguous getter without a put in sight is not an acquisition",
      code: `
+static int cfg_apply(struct cfg *cfg)
+{
+	struct cfg_ops *ops;
+
+	ops = cfg_ops_get(cfg);
+	if (!ops)
+		return -ENODEV;
+	if (ops->apply(cfg))
+		return -EIO;
+	return 0;
+}`,
    },
    {
      name: "a cleanup call not in the patch that takes the object",
      code: `
+static int dev_prep(struct dev_ctx *dc)
+{
+	dc->map = kcalloc(dc->n, sizeof(*dc->map), GFP_KERNEL);
+	if (!dc->map)
+		return -ENOMEM;
+	if (dev_prep_hw(dc)) {
+		dev_ctx_teardown(dc);
+		return -EIO;
+	}
+	return 0;
+}`,
    },
    {
      name: "scope-based cleanup with __free needs no release",
      code: `
+static int cfg_load(struct cfg *c)
+{
+	char *buf __free(kfree) = NULL;
+
+	buf = kmalloc(CFG_MAX, GFP_KERNEL);
+	if (!buf)
+		return -ENOMEM;
+	if (cfg_read(c, buf))
+		return -EIO;
+	return cfg_parse(c, buf);
+}`,
    },
    {
      name: "a reference stored straight into the object",
      code: `
+static int port_bind(struct port *p, struct device *dev)
+{
+	p->dev = get_device(dev);
+	if (port_check(p))
+		return -EINVAL;
+	return 0;
+}`,
    },
    {
      name: "storing into a local array is no hand-over",
      code: `
+static int xfer_one(struct xdev *xd, size_t len)
+{
+	struct xmsg msgs[1];
+	u8 *buf;
+
+	buf = kmalloc(len, GFP_KERNEL);
+	if (!buf)
+		return -ENOMEM;
+	msgs[0].buf = buf;
+	kfree(buf);
+	return xdev_send(xd, msgs, 1);
+}`,
    },
  ],
  invalid: [],
});
