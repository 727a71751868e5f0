import unreleased from "../../rules/unreleased.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The unreleased rule on conditional acquisitions: a reference taken only
 * when it can be (`if (m && !try_module_get(m)) m = NULL;`,
 * `if (!kref_get_unless_zero(&o->ref)) o = NULL;`) holds nothing on the exit
 * that tests the pointer for NULL; the leak to report is a later exit where
 * the object is certainly held.
 */

new RuleTester().run(unreleased, {
  valid: [
    {
      name: "a module reference taken only when the owner is set, put on every later exit",
      file: "drivers/misc/widget/widget_core.c",
      code: `
+static int widget_call_probe(struct widget *w)
+{
+	struct module *owner = w->drv->owner;
+	int ret;
+
+	if (owner && !try_module_get(owner))
+		owner = NULL;
+	if (!owner)
+		return -ENXIO;
+
+	ret = w->drv->probe(w);
+	module_put(owner);
+	return ret;
+}`,
    },
    {
      name: "a kref taken unless zero, the NULL exit before any use",
      file: "net/sessmgr/sess.c",
      code: `
+static int sess_touch(struct sess_table *t, u32 key)
+{
+	struct sess *s;
+	int ret;
+
+	spin_lock(&t->lock);
+	s = sess_find_locked(t, key);
+	if (s && !kref_get_unless_zero(&s->ref))
+		s = NULL;
+	spin_unlock(&t->lock);
+	if (!s)
+		return -ESTALE;
+
+	ret = sess_refresh(s);
+	kref_put(&s->ref, sess_release);
+	return ret;
+}`,
    },
    {
      name: "a node lookup whose NULL check comes after an unrelated branch",
      file: "drivers/leds/leds-quad.c",
      code: `
+static int quad_parse_leds(struct quad_priv *priv, struct device *dev)
+{
+	struct device_node *np;
+
+	np = of_get_child_by_name(dev->of_node, "leds");
+	if (priv->legacy_layout)
+		quad_legacy_setup(priv);
+	if (!np) {
+		dev_err(dev, "no leds node\\n");
+		return -ENODEV;
+	}
+	priv->nr_leds = of_get_child_count(np);
+	of_node_put(np);
+	return 0;
+}`,
    },
  ],
  invalid: [
    {
      name: "the leak is the later exit where the module reference is held, not the NULL exit",
      file: "drivers/misc/widget/widget_core.c",
      code: `
+static int widget_call_reset(struct widget *w)
+{
+	struct module *owner = w->drv->owner;
+	int ret;
+
+	if (owner && !try_module_get(owner))
+		owner = NULL;
+	if (!owner)
+		return -ENXIO;
+
+	if (!w->drv->reset)
+		return -EOPNOTSUPP;
+	ret = w->drv->reset(w);
+	module_put(owner);
+	return ret;
+}`,
      errors: [
        {
          messageId: "onExit",
          line: 6,
          endLine: 12,
          data: { what: "the reference taken by try_module_get()", undone: "dropped", acquire: "try_module_get", release: "module_put" },
        },
      ],
    },
    {
      name: "a kref taken unless zero leaks on the busy exit after the NULL exit",
      file: "net/sessmgr/sess.c",
      code: `
+static int sess_rekey(struct sess_table *t, u32 key)
+{
+	struct sess *s;
+	int ret;
+
+	rcu_read_lock();
+	s = sess_find_rcu(t, key);
+	if (s && !kref_get_unless_zero(&s->ref))
+		s = NULL;
+	rcu_read_unlock();
+	if (unlikely(s == NULL))
+		return -ESTALE;
+	if (s->busy)
+		return -EBUSY;
+
+	ret = sess_new_key(s);
+	kref_put(&s->ref, sess_release);
+	return ret;
+}`,
      errors: [
        {
          messageId: "onExit",
          line: 8,
          endLine: 14,
          data: { what: "the reference taken by kref_get_unless_zero()", undone: "dropped", acquire: "kref_get_unless_zero", release: "kref_put" },
        },
      ],
    },
    {
      name: "an exit that also runs with the reference held (an || condition) still leaks",
      file: "drivers/misc/widget/widget_core.c",
      code: `
+static int widget_call_suspend(struct widget *w)
+{
+	struct module *owner = w->drv->owner;
+	int ret;
+
+	if (owner && !try_module_get(owner))
+		owner = NULL;
+	if (!owner || !w->drv->suspend)
+		return -ENXIO;
+	ret = w->drv->suspend(w);
+	module_put(owner);
+	return ret;
+}`,
      errors: [
        {
          messageId: "onExit",
          line: 6,
          endLine: 9,
          data: { what: "the reference taken by try_module_get()", undone: "dropped", acquire: "try_module_get", release: "module_put" },
        },
      ],
    },
    {
      name: "a node lookup checked late still leaks on the count check",
      file: "drivers/leds/leds-quad.c",
      code: `
+static int quad_count_leds(struct quad_priv *priv, struct device *dev)
+{
+	struct device_node *np;
+
+	np = of_get_child_by_name(dev->of_node, "leds");
+	if (priv->legacy_layout)
+		quad_legacy_setup(priv);
+	if (!np)
+		return -ENODEV;
+	priv->nr_leds = of_get_child_count(np);
+	if (priv->nr_leds > QUAD_MAX_LEDS)
+		return -E2BIG;
+	of_node_put(np);
+	return 0;
+}`,
      errors: [
        {
          messageId: "onExit",
          line: 5,
          endLine: 12,
          data: { what: "the reference taken by of_get_child_by_name()", undone: "dropped", acquire: "of_get_child_by_name", release: "of_node_put" },
        },
      ],
    },
  ],
});
