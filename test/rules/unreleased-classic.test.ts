import unreleased from "../../rules/unreleased.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The unreleased rule on the classic kernel pairs, one leak each: register
 * without unregister, kzalloc without kfree, a goto to the wrong label, a
 * lock held on return, a loop that fails half way, kobject_put after
 * kobject_init_and_add, a pair the patch defines, request_irq.
 */

new RuleTester().run(unreleased, {
  valid: [],
  invalid: [
    {
      name: "error path after a register without unregister",
      code: `
+static int klp_init_object(struct klp_patch *patch, struct klp_object *obj)
+{
+	int ret;
+
+	ret = klp_hook_register(obj->hook);
+	if (ret)
+		return ret;
+
+	ret = klp_init_object_loaded(patch, obj);
+	if (ret)
+		return ret;
+	return 0;
+}`,
      errors: [
        {
          messageId: "afterCall",
          line: 5,
          endLine: 11,
          data: {
            failed: "klp_init_object_loaded",
            what: "the hook registered by klp_hook_register()",
            undone: "unregistered",
            acquire: "klp_hook_register",
            release: "klp_hook_unregister",
          },
        },
      ],
    },
    {
      name: "kzalloc leaked when a later check fails",
      code: `
+static int sess_open(struct sess *s, int id)
+{
+	struct sess_priv *priv;
+
+	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
+	if (!priv)
+		return -ENOMEM;
+	if (id >= SESS_MAX)
+		return -EINVAL;
+	s->priv = priv;
+	return 0;
+}`,
      errors: [{ messageId: "onExit", line: 5, endLine: 9 }],
    },
    {
      name: "goto to a label that frees something else",
      code: `
+static int pkt_setup(struct pkt *p)
+{
+	void *hdr, *body;
+	int ret = -ENOMEM;
+
+	hdr = kmalloc(PKT_HDR, GFP_KERNEL);
+	if (!hdr)
+		return -ENOMEM;
+	body = vzalloc(p->len);
+	if (!body)
+		goto err_hdr;
+	ret = pkt_fill(p, hdr, body);
+	if (ret)
+		goto err_hdr;
+	return 0;
+err_hdr:
+	kfree(hdr);
+	return ret;
+}`,
      errors: [
        {
          messageId: "afterCall",
          line: 9,
          endLine: 14,
          data: { failed: "pkt_fill", what: "the memory allocated by vzalloc()", undone: "freed", acquire: "vzalloc", release: "vfree" },
        },
      ],
    },
    {
      name: "mutex held on an error return",
      code: `
+static int cnt_add(struct cnt *c, int v)
+{
+	mutex_lock(&c->lock);
+	if (c->val + v > CNT_MAX)
+		return -EOVERFLOW;
+	c->val += v;
+	mutex_unlock(&c->lock);
+	return 0;
+}`,
      errors: [
        {
          messageId: "onExit",
          line: 3,
          endLine: 5,
          data: { what: "the lock taken by mutex_lock()", acquire: "mutex_lock", undone: "released", release: "mutex_unlock" },
        },
      ],
    },
    {
      name: "spin_lock_irqsave without the restore on an early return",
      start: 200,
      fn: "static void q_push(struct q *q, struct q_item *it)",
      code: `
 	unsigned long flags;
 
 	spin_lock_irqsave(&q->lock, flags);
+	if (q->dead)
+		return;
 	list_add_tail(&it->node, &q->items);
 	spin_unlock_irqrestore(&q->lock, flags);`,
      errors: [
        {
          messageId: "onExit",
          line: 204,
          endLine: 204,
          data: { what: "the lock taken by spin_lock_irqsave()", acquire: "spin_lock_irqsave", undone: "released", release: "spin_unlock_irqrestore" },
        },
      ],
    },
    {
      name: "loop registering per item bails out without undoing earlier items",
      code: `
+static int grp_register_all(struct grp *g)
+{
+	int i, ret;
+
+	for (i = 0; i < g->n; i++) {
+		ret = grp_item_register(&g->items[i]);
+		if (ret)
+			return ret;
+	}
+	return 0;
+}`,
      errors: [{ messageId: "loop", line: 6, endLine: 8 }],
    },
    {
      name: "kobject_init_and_add failure still needs kobject_put",
      code: `
+static int obj_sysfs_add(struct obj *o, struct kobject *parent)
+{
+	int ret;
+
+	ret = kobject_init_and_add(&o->kobj, &obj_ktype, parent, "%s", o->name);
+	if (ret)
+		return ret;
+	return 0;
+}`,
      errors: [{ messageId: "ownFailure", line: 5, endLine: 7 }],
    },
    {
      name: "the patch pairs its own get and put",
      files: [
        {
          path: "drivers/misc/widget.c",
          hunks: [
            {
              lines: [
                "+static int widget_use(struct widget *w)",
                "+{",
                "+	widget_ref_get(w);",
                "+	if (w->broken)",
                "+		return -EIO;",
                "+	widget_ref_put(w);",
                "+	return 0;",
                "+}",
              ],
            },
          ],
        },
      ],
      errors: [{ messageId: "onExit", file: "drivers/misc/widget.c", line: 3, endLine: 5 }],
    },
    {
      name: "request_irq not freed when a later step fails, exit only added",
      start: 50,
      fn: "static int snd_probe(struct snd_dev *sd)",
      code: `
 	ret = request_irq(sd->irq, snd_isr, 0, "snd", sd);
 	if (ret)
 		return ret;
+	ret = snd_hw_init(sd);
+	if (ret)
+		return ret;
 	return 0;
 }`,
      errors: [
        {
          messageId: "afterCall",
          line: 55,
          endLine: 55,
          data: { failed: "snd_hw_init", what: "the IRQ requested by request_irq()", undone: "released", acquire: "request_irq", release: "free_irq" },
        },
      ],
    },
  ],
});
