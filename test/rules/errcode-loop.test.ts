import errcode from "../../rules/errcode.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * A loop that only logs each failure while the next iteration overwrites the
 * code: the assignment may sit a few plain statements before the check, and
 * the function may fall into an exit label that unlocks before it returns
 * the code. A read of the code on the way, or another assignment, clears it.
 */

new RuleTester().run(errcode, {
  valid: [
    {
      name: "the exit label looks at the code before returning it",
      code: `
+static int rq_flush_all(struct rq_pool *p)
+{
+	struct rq_queue *q;
+	int ret = 0;
+
+	mutex_lock(&p->lock);
+	list_for_each_entry(q, &p->queues, node) {
+		ret = rq_queue_flush(q);
+		if (ret)
+			pr_err("flush of %s failed: %d\\n", q->name, ret);
+	}
+out_unlock:
+	if (ret)
+		p->broken = true;
+	mutex_unlock(&p->lock);
+	return ret;
+}`,
    },
    {
      name: "a statement between the call and the check reads the code",
      code: `
+static int rq_start_all(struct rq_pool *p)
+{
+	struct rq_queue *q;
+	int ret = 0;
+
+	list_for_each_entry(q, &p->queues, node) {
+		ret = rq_queue_start(q);
+		q->state = ret;
+		if (ret)
+			pr_err("start of %s failed: %d\\n", q->name, ret);
+	}
+	return ret;
+}`,
    },
    {
      name: "the check tests the result of an older call, not this iteration's",
      code: `
+static int rq_arm_all(struct rq_pool *p)
+{
+	struct rq_queue *q;
+	int err = 0;
+
+	list_for_each_entry(q, &p->queues, node) {
+		err = rq_queue_arm(q);
+		if (q->deferred)
+			err = 0;
+		if (err)
+			pr_err("arming %s failed: %d\\n", q->name, err);
+	}
+	return err;
+}`,
    },
  ],
  invalid: [
    {
      name: "a plain statement between the call and the check",
      code: `
+static int rq_enable_all(struct rq_pool *p)
+{
+	struct rq_queue *q;
+	int ret = 0;
+
+	list_for_each_entry(q, &p->queues, node) {
+		ret = rq_queue_enable(q);
+		q->tries++;
+		if (ret)
+			pr_err("enabling %s failed: %d\\n", q->name, ret);
+	}
+	return ret;
+}`,
      errors: [{ messageId: "loopOverwrite", line: 9, endLine: 10, data: { var: "ret" } }],
    },
    {
      name: "the loop falls into an exit label that unlocks and returns the code",
      code: `
+static int rq_resume_all(struct rq_pool *p)
+{
+	struct rq_queue *q;
+	int err;
+
+	mutex_lock(&p->lock);
+	if (p->dead) {
+		err = -ENODEV;
+		goto out_unlock;
+	}
+	list_for_each_entry(q, &p->queues, node) {
+		err = rq_queue_resume(q);
+		if (err)
+			pr_err("resume of %s failed: %d\\n", q->name, err);
+	}
+out_unlock:
+	mutex_unlock(&p->lock);
+	return err;
+}`,
      errors: [{ messageId: "loopOverwrite", line: 13, endLine: 14, data: { var: "err" } }],
    },
  ],
});
