import unreleased from "../../rules/unreleased.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The unreleased rule on objects given to someone else's teardown by a call:
 * managed actions (`devm_add_action_or_reset()` and the plain variant, whose
 * failure runs nothing) and calls that link the object into a parent, judged
 * on the callee when the patch shows it, on the author's comment, or on the
 * callee's name (a link verb hands over; an init verb only raises a doubt).
 */

/** A probe that enables a clock and hands it to a managed action `{call}` with helper `{helper}`. */
function clockProbe(call: string, helper: string, failure: string): string {
  return `
+static void sensor_clk_off(void *clk)
+{
+	${helper}(clk);
+}
+
+static int sensor_probe(struct platform_device *pdev)
+{
+	struct sensor *s = platform_get_drvdata(pdev);
+	int ret;
+
+	ret = clk_prepare_enable(s->clk);
+	if (ret)
+		return ret;
+
+	ret = ${call}(&pdev->dev, sensor_clk_off, s->clk);
+	if (ret)
+${failure}
+
+	ret = sensor_hw_reset(s);
+	if (ret)
+		return ret;
+	return 0;
+}`;
}

new RuleTester().run(unreleased, {
  valid: [
    {
      name: "an _or_reset action whose helper (shown) disables the clock owns it, its failure branch included",
      file: "drivers/iio/sensor.c",
      code: clockProbe("devm_add_action_or_reset", "clk_disable_unprepare", "\t\treturn ret;"),
    },
    {
      name: "the plain action releases on its own failure branch, and owns the clock after it",
      file: "drivers/iio/sensor.c",
      code: clockProbe("devm_add_action", "clk_disable_unprepare", "\t{\n+\t\tclk_disable_unprepare(s->clk);\n+\t\treturn ret;\n+\t}"),
    },
    {
      name: "an action the patch does not show, given the structure the clock hangs off",
      file: "drivers/iio/sensor.c",
      start: 80,
      code: `
+static int sensor_probe(struct platform_device *pdev)
+{
+	struct sensor *s = platform_get_drvdata(pdev);
+	int ret;
+
+	ret = clk_prepare_enable(s->clk);
+	if (ret)
+		return ret;
+	ret = devm_add_action_or_reset(&pdev->dev, sensor_teardown, s);
+	if (ret)
+		return ret;
+	return sensor_hw_reset(s) ? -EIO : 0;
+}`,
    },
    {
      name: "the release itself, cast to an action, hands the buffer over",
      file: "drivers/misc/relay.c",
      code: `
+static int relay_setup(struct device *dev, struct relay *r)
+{
+	void *buf;
+	int ret;
+
+	buf = kzalloc(r->len, GFP_KERNEL);
+	if (!buf)
+		return -ENOMEM;
+	ret = devm_add_action_or_reset(dev, (void (*)(void *))kfree, buf);
+	if (ret)
+		return ret;
+	if (r->len > RELAY_MAX)
+		return -E2BIG;
+	r->scratch = buf;
+	return 0;
+}`,
    },
    {
      name: "a child linked into its parent by a helper the patch shows",
      file: "drivers/base/tray.c",
      code: `
+static void tray_adopt(struct tray *t, struct tray_slot *slot)
+{
+	list_add_tail(&slot->node, &t->slots);
+}
+
+static int tray_add_slot(struct tray *t, unsigned int width)
+{
+	struct tray_slot *slot;
+
+	slot = kzalloc(sizeof(*slot), GFP_KERNEL);
+	if (!slot)
+		return -ENOMEM;
+	slot->width = width;
+	tray_adopt(t, slot);
+	if (width > t->max_width)
+		return -ERANGE;
+	return 0;
+}`,
    },
    {
      name: "an unseen call with a neutral name, and the author's comment that the parent's teardown frees the entry",
      file: "net/core/ledger.c",
      start: 300,
      code: `
+static int ledger_new_entry(struct ledger *lg, u32 key)
+{
+	struct ledger_entry *e;
+
+	e = kmalloc(sizeof(*e), GFP_KERNEL);
+	if (!e)
+		return -ENOMEM;
+	e->key = key;
+	ledger_take(lg, e);
+	/* lg now holds e; ledger_destroy() frees it with the rest. */
+	if (key >= lg->nr_keys)
+		return -EINVAL;
+	return 0;
+}`,
    },
    {
      name: "an unseen init call given the parent first sets the entry up inside it",
      file: "net/core/ledger.c",
      code: `
+static int ledger_new_entry(struct ledger *lg, u32 key)
+{
+	struct ledger_entry *e;
+
+	e = kmalloc(sizeof(*e), GFP_KERNEL);
+	if (!e)
+		return -ENOMEM;
+	ledger_init_entry(lg, e);
+	if (key >= lg->nr_keys)
+		return -EINVAL;
+	return 0;
+}`,
    },
    {
      name: "an unseen call whose name links the entry into a parent pool",
      file: "mm/pool_demo.c",
      code: `
+static int pool_grow(struct pool *pool)
+{
+	struct pool_chunk *chunk;
+
+	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
+	if (!chunk)
+		return -ENOMEM;
+	pool_insert_chunk(pool, chunk);
+	if (pool->nr_chunks > POOL_MAX_CHUNKS)
+		return -ENOSPC;
+	return 0;
+}`,
    },
  ],
  invalid: [
    {
      name: "the plain action runs nothing when it fails: that branch must disable the clock",
      file: "drivers/iio/sensor.c",
      code: clockProbe("devm_add_action", "clk_disable_unprepare", "\t\treturn ret;"),
      errors: [
        {
          messageId: "afterCall",
          line: 11,
          endLine: 17,
          data: { failed: "devm_add_action", what: "the clk enabled by clk_prepare_enable()", undone: "disabled", release: "clk_disable_unprepare" },
        },
      ],
    },
    {
      name: "an action whose helper disables something else hands nothing over",
      file: "drivers/iio/sensor.c",
      code: clockProbe("devm_add_action_or_reset", "regulator_disable", "\t\treturn ret;"),
      errors: [
        {
          messageId: "afterCall",
          line: 11,
          endLine: 17,
          data: { failed: "devm_add_action_or_reset", what: "the clk enabled by clk_prepare_enable()", undone: "disabled", release: "clk_disable_unprepare" },
        },
      ],
    },
    {
      name: "an action for another object leaves this one behind",
      file: "drivers/misc/relay.c",
      code: `
+static int relay_setup(struct device *dev, struct relay *r)
+{
+	void *buf, *log;
+	int ret;
+
+	buf = kzalloc(r->len, GFP_KERNEL);
+	if (!buf)
+		return -ENOMEM;
+	log = kzalloc(r->log_len, GFP_KERNEL);
+	if (!log)
+		return -ENOMEM;
+	ret = devm_add_action_or_reset(dev, (void (*)(void *))kfree, log);
+	if (ret)
+		return ret;
+	r->scratch = buf;
+	r->log = log;
+	return 0;
+}`,
      errors: [{ messageId: "onExit", line: 6, endLine: 11 }],
    },
    {
      name: "a helper the patch shows that only fills in fields links nothing",
      file: "drivers/base/tray.c",
      code: `
+static void tray_init_slot(struct tray *t, struct tray_slot *slot)
+{
+	slot->tray_id = t->id;
+}
+
+static int tray_add_slot(struct tray *t, unsigned int width)
+{
+	struct tray_slot *slot;
+
+	slot = kzalloc(sizeof(*slot), GFP_KERNEL);
+	if (!slot)
+		return -ENOMEM;
+	tray_init_slot(t, slot);
+	if (width > t->max_width)
+		return -ERANGE;
+	list_add(&slot->node, &t->slots);
+	return 0;
+}`,
      errors: [{ messageId: "onExit", line: 10, endLine: 15 }],
    },
    {
      name: "an unseen init call given the entry first and the parent after: a leak worded with that doubt",
      file: "net/core/ledger.c",
      code: `
+static int ledger_new_entry(struct ledger *lg, u32 key)
+{
+	struct ledger_entry *e;
+
+	e = kmalloc(sizeof(*e), GFP_KERNEL);
+	if (!e)
+		return -ENOMEM;
+	ledger_entry_init(e, lg);
+	if (key >= lg->nr_keys)
+		return -EINVAL;
+	return 0;
+}`,
      errors: [
        {
          messageId: "linkDoubt",
          line: 5,
          endLine: 10,
          data: { linker: "ledger_entry_init", parent: "lg", what: "the memory allocated by kmalloc()", undone: "freed", release: "kfree" },
        },
      ],
    },
    {
      name: "an unseen call with a neutral name and no comment: the leak is plain",
      file: "net/core/ledger.c",
      code: `
+static int ledger_new_entry(struct ledger *lg, u32 key)
+{
+	struct ledger_entry *e;
+
+	e = kmalloc(sizeof(*e), GFP_KERNEL);
+	if (!e)
+		return -ENOMEM;
+	ledger_take(lg, e);
+	if (key >= lg->nr_keys)
+		return -EINVAL;
+	return 0;
+}`,
      errors: [{ messageId: "onExit", line: 5, endLine: 10 }],
    },
    {
      name: "a failed link hands nothing over: its own error branch must free",
      file: "mm/pool_demo.c",
      code: `
+static int pool_grow(struct pool *pool)
+{
+	struct pool_chunk *chunk;
+	int ret;
+
+	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
+	if (!chunk)
+		return -ENOMEM;
+	ret = pool_insert_chunk(pool, chunk);
+	if (ret)
+		return ret;
+	return 0;
+}`,
      errors: [
        {
          messageId: "afterCall",
          line: 6,
          endLine: 11,
          data: { failed: "pool_insert_chunk", what: "the memory allocated by kzalloc()", undone: "freed", release: "kfree" },
        },
      ],
    },
  ],
});
