import unreleased from "../../rules/unreleased.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * A `break` ends a switch case: a `return` in a later case is not on the
 * path of an acquisition made in an earlier one, so an error exit after the
 * switch is still reached while the object is held.
 */

new RuleTester().run(unreleased, {
  valid: [
    {
      name: "the case that allocates hands the buffer over before the error exit",
      code: `
+static int pq_setup(struct pq_dev *pd, int kind)
+{
+	switch (kind) {
+	case PQ_KIND_BUF:
+		pd->buf = kzalloc(PQ_BUF_SIZE, GFP_KERNEL);
+		if (!pd->buf)
+			return -ENOMEM;
+		break;
+	case PQ_KIND_NONE:
+		return -EINVAL;
+	default:
+		break;
+	}
+	if (!pd->ready)
+		return -EAGAIN;
+	return 0;
+}`,
    },
  ],
  invalid: [
    {
      name: "a lock taken in one case is still held at an error exit after the switch",
      code: `
+static int pq_arm(struct pq_dev *pd, int kind)
+{
+	switch (kind) {
+	case PQ_KIND_SYNC:
+		mutex_lock(&pd->lock);
+		break;
+	case PQ_KIND_NONE:
+		return -EINVAL;
+	default:
+		return -EOPNOTSUPP;
+	}
+	if (!pd->ready)
+		return -EAGAIN;
+	pd->armed = true;
+	mutex_unlock(&pd->lock);
+	return 0;
+}`,
      errors: [{ messageId: "onExit", line: 5, endLine: 13 }],
    },
  ],
});
