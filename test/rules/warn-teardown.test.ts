import warn from "../../rules/warn.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The warn rule on teardown shapes beyond "log and return": a section left
 * (unlock, preempt_enable) before the message, a message that lets teardown
 * carry on, a lookup by key that must succeed, and kernel modules that live
 * under tools/testing/selftests.
 */

new RuleTester().run(warn, {
  valid: [
    {
      name: "teardown that carries on after a timeout the hardware reports",
      file: "drivers/dma/qdma/qdma_core.c",
      code: `
+static void qdma_chan_shutdown(struct qdma_chan *c)
+{
+	unsigned long left;
+
+	left = wait_for_completion_timeout(&c->idle, HZ);
+	if (!left)
+		dev_err(c->dev, "channel %u did not go idle\\n", c->id);
+
+	qdma_chan_reset(c);
+}`,
    },
    {
      name: "a branch that logs and also cleans up is not a blind message",
      file: "lib/obj_pool.c",
      code: `
+void obj_pool_destroy(struct obj_pool *pool)
+{
+	if (pool->nr_used) {
+		pr_err("pool %s destroyed with %u objects in use\\n", pool->name, pool->nr_used);
+		obj_pool_drain(pool);
+	}
+	kfree(pool);
+}`,
    },
    {
      name: "an informational message in a teardown path",
      file: "lib/obj_pool.c",
      code: `
+void obj_pool_destroy(struct obj_pool *pool)
+{
+	if (pool->nr_used)
+		pr_info("pool %s: %u objects still cached\\n", pool->name, pool->nr_used);
+	kfree(pool);
+}`,
    },
    {
      name: "a message that says the case is expected",
      file: "lib/obj_pool.c",
      code: `
+void obj_pool_destroy(struct obj_pool *pool)
+{
+	if (!pool->cache)
+		pr_warn("pool %s has no cache, nothing to do\\n", pool->name);
+	kfree(pool);
+}`,
    },
    {
      name: "a userspace selftest helper is not kernel code",
      file: "tools/testing/selftests/kmod/kmod_helper.c",
      code: `
+static void cleanup_module_dir(void)
+{
+	if (!module_dir) {
+		pr_err("no module dir\\n");
+		return;
+	}
+	rmdir(module_dir);
+}`,
    },
    {
      name: "a close path that user space can reach while busy keeps its message and carries on",
      file: "drivers/char/qpipe.c",
      code: `
+static void qpipe_close(struct qpipe *p)
+{
+	if (p->nr_pending)
+		pr_err("qpipe: closing with %u requests pending\n", p->nr_pending);
+	qpipe_flush(p);
+}`,
    },
    {
      name: "an unlock and a free before the message is real cleanup, not only a message",
      file: "kernel/trace/trace_probe_tbl.c",
      code: `
+void probe_tbl_remove(struct probe_tbl *tbl, unsigned long key)
+{
+	struct probe_ent *e;
+
+	spin_lock(&tbl->lock);
+	e = probe_tbl_get_locked(tbl, key);
+	if (!e) {
+		spin_unlock(&tbl->lock);
+		kfree(tbl->scratch);
+		pr_err("no probe %lx\\n", key);
+		return;
+	}
+	probe_ent_free(e);
+	spin_unlock(&tbl->lock);
+}`,
    },
  ],
  invalid: [
    {
      name: "a lookup by key that must succeed, with the lock dropped before the message",
      file: "kernel/trace/trace_probe_tbl.c",
      code: `
+void probe_tbl_remove(struct probe_tbl *tbl, unsigned long key)
+{
+	struct probe_ent *e;
+	unsigned long flags;
+
+	raw_spin_lock_irqsave(&tbl->lock, flags);
+	e = probe_tbl_get_locked(tbl, key);
+	if (!e) {
+		raw_spin_unlock_irqrestore(&tbl->lock, flags);
+		pr_err("no probe %lx to remove\\n", key);
+		return;
+	}
+	probe_ent_free(e);
+	raw_spin_unlock_irqrestore(&tbl->lock, flags);
+}`,
      errors: [{ messageId: "state", line: 8, endLine: 12, data: { kind: "removal" } }],
    },
    {
      name: "an underflow check that re-enables preemption before the message",
      file: "kernel/sched/slot_refs.c",
      code: `
+void slot_release_n(struct slot *s, unsigned int n)
+{
+	preempt_disable();
+	if (atomic_read(&s->users) < n) {
+		preempt_enable();
+		pr_err("slot %d: dropping %u users, %d held\\n", s->id, n, atomic_read(&s->users));
+		return;
+	}
+	atomic_sub(n, &s->users);
+	preempt_enable();
+}`,
      errors: [{ messageId: "refcount", line: 4, endLine: 8, data: { kind: "release" } }],
    },
    {
      name: "objects still in use at destroy, and teardown carries on",
      file: "lib/obj_pool.c",
      code: `
+void obj_pool_destroy(struct obj_pool *pool)
+{
+	if (!list_empty(&pool->busy))
+		pr_err("pool %s destroyed with objects in use\\n", pool->name);
+
+	kmem_cache_destroy(pool->cache);
+	kfree(pool);
+}`,
      errors: [{ messageId: "state", line: 3, endLine: 4, data: { kind: "teardown" } }],
    },
    {
      name: "an __exit function of a selftest kernel module: a thread that was never started",
      file: "tools/testing/selftests/ftrace/test_modules/trace_busy_mod.c",
      code: `
+static void __exit trace_busy_mod_exit(void)
+{
+	if (!busy_task) {
+		pr_err("busy task missing at exit\\n");
+		return;
+	}
+	kthread_stop(busy_task);
+}`,
      errors: [{ messageId: "state", line: 3, endLine: 6, data: { kind: "teardown" } }],
    },
  ],
});
