import errcode from "../../rules/errcode.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * "Still 0" judged on the path through the exit's own branch: an error code
 * a sibling branch sets before it breaks out of the loop (or switch) never
 * reaches a later exit in that loop, while one that falls through, goes on
 * with the next iteration, or only leaves an inner switch may; so does a
 * switch case's code whose `break` comes before a later case's `return`.
 */

new RuleTester().run(errcode, {
  valid: [
    {
      name: "the sibling branch sets the code and falls through: it may reach the exit",
      code: `
+static int tk_check_slots(struct tk_table *t)
+{
+	struct tk_slot *s;
+	int err = 0;
+
+	list_for_each_entry(s, &t->slots, node) {
+		if (s->width > TK_MAX_WIDTH) {
+			pr_err("slot %u too wide\\n", s->nr);
+			err = -EINVAL;
+		}
+		if (s->owner != t) {
+			pr_err("slot %u has another owner\\n", s->nr);
+			goto out;
+		}
+	}
+out:
+	return err;
+}`,
    },
    {
      name: "the sibling branch sets the code and continues: a later iteration carries it",
      code: `
+static int tk_scan(struct tk_table *t)
+{
+	struct tk_slot *s;
+	int ret = 0;
+
+	for (i = 0; i < t->nr; i++) {
+		s = &t->slot[i];
+		if (!s->used) {
+			ret = -ENOENT;
+			continue;
+		}
+		if (s->busy) {
+			dev_err(t->dev, "slot %d busy\\n", i);
+			goto unlock;
+		}
+	}
+unlock:
+	mutex_unlock(&t->lock);
+	return ret;
+}`,
    },
    {
      name: "a break that only leaves an inner switch lets the code reach the exit",
      code: `
+static int tk_parse(struct tk_table *t)
+{
+	struct tk_ent *e;
+	int rc = 0;
+
+	tk_for_each_ent(t, e) {
+		switch (e->kind) {
+		case TK_PLAIN:
+			break;
+		default:
+			rc = -EOPNOTSUPP;
+			break;
+		}
+		if (e->len > t->room) {
+			pr_err("entry too long\\n");
+			goto done;
+		}
+	}
+done:
+	return rc;
+}`,
    },
    {
      name: "a switch case sets the code and breaks, while a later case returns: the code reaches the exit",
      code: `
+static int tk_apply_mode(struct tk_table *t, int mode)
+{
+	struct tk_map *m;
+	int ret = 0;
+
+	switch (mode) {
+	case TK_MODE_RAW:
+		ret = -EOPNOTSUPP;
+		break;
+	case TK_MODE_GONE:
+		return -ENODEV;
+	default:
+		break;
+	}
+	m = tk_map_get(t);
+	if (!m) {
+		pr_err("no map for mode %d\n", mode);
+		goto out;
+	}
+	tk_map_apply(m, mode);
+out:
+	return ret;
+}`,
    },
    {
      name: "the code is set at the top of the loop body, which always runs first",
      code: `
+static int tk_claim(struct tk_table *t)
+{
+	struct tk_slot *s;
+	int ret = 0;
+
+	list_for_each_entry(s, &t->slots, node) {
+		ret = -EBUSY;
+		if (s->locked) {
+			pr_err("slot %u locked\\n", s->nr);
+			goto out;
+		}
+		ret = 0;
+	}
+out:
+	return ret;
+}`,
    },
  ],
  invalid: [
    {
      name: "a sibling branch sets the code and breaks: this goto still carries 0",
      code: `
+static int tk_register_all(struct tk_table *t)
+{
+	struct tk_slot *s;
+	int err = 0;
+
+	mutex_lock(&t->lock);
+	list_for_each_entry(s, &t->slots, node) {
+		if (s->nr >= TK_MAX_SLOTS) {
+			pr_err("slot %u out of range\\n", s->nr);
+			err = -EINVAL;
+			break;
+		}
+		if (tk_slot_taken(t, s->nr)) {
+			pr_err("slot %u registered twice\\n", s->nr);
+			goto unlock;
+		}
+		tk_slot_mark(t, s->nr);
+	}
+unlock:
+	mutex_unlock(&t->lock);
+	return err;
+}`,
      errors: [{ messageId: "stillZeroGoto", line: 15, data: { label: "unlock", var: "err" } }],
    },
    {
      name: "a sibling branch sets the code and breaks: this return still gives 0",
      code: `
+static int tk_bind_ports(struct tk_dev *td)
+{
+	unsigned int i;
+	int rc = 0;
+
+	while (i < td->nports) {
+		if (td->port[i].dead) {
+			rc = -ENODEV;
+			break;
+		}
+		if (!td->port[i].map) {
+			dev_err(td->dev, "port %u has no map\\n", i);
+			return rc;
+		}
+		i++;
+	}
+	return rc;
+}`,
      errors: [{ messageId: "stillZero", line: 13, data: { var: "rc" } }],
    },
  ],
});
