import { describe, expect, it } from "vitest";
import warn from "../../rules/warn.js";
import { isErrorLog, mayHoldErrorLog } from "../../rules/utils/c-errors.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The warn rule skips a teardown function's body when no line may hold an
 * error-level log call (`mayHoldErrorLog`), unless the function undoes
 * something (its silent skips need no message). Every name `isErrorLog`
 * accepts must pass the text test, or a point would be lost.
 */

describe("mayHoldErrorLog", () => {
  const names = ["pr_err", "pr_crit", "pr_alert", "pr_emerg", "pr_warn", "pr_warning", "pr_err_ratelimited", "pr_warn_once", "dev_err", "netdev_warn"];
  names.push("dev_err_once", "drm_err_ratelimited", "dev_warn_ratelimited", "pci_crit", "dev_alert", "dev_emerg", "printk");

  it.each(names)("passes a line calling %s", (name) => {
    expect(isErrorLog({ name, args: ['KERN_ERR "x"'], line: 1, assignedTo: null })).toBe(true);
    expect(mayHoldErrorLog(`\t\t${name}(dev, "failed\\n");`)).toBe(true);
  });

  it("fails a line with only informational output or none", () => {
    expect(mayHoldErrorLog('\tdev_info(dev, "ready\\n");')).toBe(false);
    expect(mayHoldErrorLog("\tfoo_release(f);")).toBe(false);
  });
});

new RuleTester().run(warn, {
  valid: [
    {
      name: "a teardown branch that returns without any message",
      code: `
+static void mon_unregister(struct mon *m)
+{
+	if (!m->registered)
+		return;
+	list_del(&m->node);
+}`,
    },
  ],
  invalid: [
    {
      name: "a teardown branch whose only message is a printk at error level",
      code: `
+static void mon_unregister(struct mon *m)
+{
+	if (!m->registered) {
+		printk(KERN_ERR "mon: %s is not registered\\n", m->name);
+		return;
+	}
+	list_del(&m->node);
+}`,
      errors: [{ messageId: "state", line: 3, endLine: 6, data: { kind: "unregister" } }],
    },
  ],
});
