import warn from "../../rules/warn.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The warn rule on a void undo path (restore, revert, unwind, rollback...)
 * that silently skips a state its forward step in the same patch refuses
 * with an error code: the state cannot reach the undo by construction, so a
 * skip hides a bug. Without that refusal in the patch the rule stays silent.
 */

const FILE = "drivers/misc/pmdom/limits.c";

/** The forward step: refuses fixed domains with -EPERM. */
const SET_LIMITS = `
+static int pm_set_limits(struct pm_dom *d, u32 max)
+{
+	if (d->kind == PM_KIND_FIXED)
+		return -EPERM;
+	d->saved = d->max;
+	d->max = max;
+	return 0;
+}
+`;

new RuleTester().run(warn, {
  valid: [
    {
      name: "a bare return on a state the forward step accepts without an error",
      file: FILE,
      code: `
+static int pm_set_limits(struct pm_dom *d, u32 max)
+{
+	if (d->kind == PM_KIND_FIXED)
+		max = d->max;
+	d->saved = d->max;
+	d->max = max;
+	return 0;
+}
+
+static void pm_unwind_limits(struct pm_dom *d)
+{
+	if (d->kind == PM_KIND_FIXED)
+		return;
+	d->max = d->saved;
+}`,
    },
    {
      name: "a bare return whose forward step the patch does not show",
      file: FILE,
      code: `
+static void pm_unwind_limits(struct pm_dom *d)
+{
+	if (d->kind == PM_KIND_FIXED)
+		return;
+	d->max = d->saved;
+}`,
    },
    {
      name: "the forward step refuses another state than the one skipped",
      file: FILE,
      code: `${SET_LIMITS}
+static void pm_unwind_limits(struct pm_dom *d)
+{
+	if (d->kind == PM_KIND_SHARED)
+		return;
+	d->max = d->saved;
+}`,
    },
    {
      name: "a flag the undo may well find cleared is not a state test against a constant",
      file: FILE,
      code: `
+static int pm_set_limits(struct pm_dom *d, u32 max)
+{
+	if (!d->online)
+		return -ENODEV;
+	d->max = max;
+	return 0;
+}
+
+static void pm_unwind_limits(struct pm_dom *d)
+{
+	if (!d->online)
+		return;
+	d->max = d->saved;
+}`,
    },
    {
      name: "the skip already warns",
      file: FILE,
      code: `${SET_LIMITS}
+static void pm_unwind_limits(struct pm_dom *d)
+{
+	if (WARN_ON_ONCE(d->kind == PM_KIND_FIXED))
+		return;
+	d->max = d->saved;
+}`,
    },
  ],
  invalid: [
    {
      name: "an unwind that returns silently on a domain kind the set step refuses",
      file: FILE,
      code: `${SET_LIMITS}
+static void pm_unwind_limits(struct pm_dom *d)
+{
+	if (d->kind == PM_KIND_FIXED)
+		return;
+	d->max = d->saved;
+}`,
      errors: [{ messageId: "silentRefused", file: FILE, line: 12, endLine: 13, data: { counterpart: "pm_set_limits" } }],
    },
    {
      name: "a revert loop over an array that skips a mode the apply step refuses through its error label",
      file: "kernel/trace/fxhook.c",
      code: `
+static int fx_apply_hooks(struct fx_hook *hooks, unsigned int n)
+{
+	struct fx_hook *h;
+	int err = 0;
+
+	for (h = hooks; h < hooks + n; h++) {
+		if (h->mode != FX_MODE_JUMP) {
+			err = -EOPNOTSUPP;
+			goto out;
+		}
+	}
+	for (h = hooks; h < hooks + n; h++)
+		fx_poke(h);
+out:
+	return err;
+}
+
+static void fx_revert_hooks(struct fx_hook *hooks, unsigned int n)
+{
+	unsigned int i;
+
+	for (i = 0; i < n; i++) {
+		if (hooks[i].mode != FX_MODE_JUMP)
+			continue;
+		fx_unpoke(&hooks[i]);
+	}
+}`,
      errors: [{ messageId: "silentRefused", file: "kernel/trace/fxhook.c", line: 23, endLine: 24, data: { counterpart: "fx_apply_hooks" } }],
    },
    {
      name: "a restore loop (not a sysfs store handler) that skips a width the save step refuses",
      file: "drivers/soc/cfgregs/cfgregs.c",
      code: `
+static int cfg_save_regs(struct cfg_reg *regs, unsigned int n)
+{
+	unsigned int i;
+
+	for (i = 0; i < n; i++) {
+		if (regs[i].width != CFG_W32)
+			return -EINVAL;
+		regs[i].saved = readl(regs[i].addr);
+	}
+	return 0;
+}
+
+static void cfg_restore_regs(struct cfg_reg *regs, unsigned int n)
+{
+	struct cfg_reg *r;
+
+	for (r = regs; r < regs + n; r++) {
+		if (r->width != CFG_W32)
+			continue;
+		writel(r->saved, r->addr);
+	}
+}`,
      errors: [{ messageId: "silentRefused", file: "drivers/soc/cfgregs/cfgregs.c", line: 18, endLine: 19, data: { counterpart: "cfg_save_regs" } }],
    },
    {
      name: "a rollback of a commit step that refuses a level above the limit",
      file: "mm/tierctl.c",
      code: `
+static int tier_commit_level(struct tier *t, int level)
+{
+	if (t->level > TIER_MAX_LEVEL)
+		return -ERANGE;
+	t->prev = t->level;
+	t->level = level;
+	return 0;
+}
+
+static void tier_rollback_level(struct tier *tr)
+{
+	if (tr->level > TIER_MAX_LEVEL)
+		return;
+	tr->level = tr->prev;
+}`,
      errors: [{ messageId: "silentRefused", file: "mm/tierctl.c", line: 12, endLine: 13, data: { counterpart: "tier_commit_level" } }],
    },
  ],
});
