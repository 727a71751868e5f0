import errcode from "../../rules/errcode.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The errcode rule's first look (`rules/utils/errcode-gate.ts`) skips
 * functions where no check can report. These cases put the only new line
 * where a check anchors away from the statement it judges (the `return 0;`
 * after an unchanged branch, the label's `return 0;`, a jump whose code was
 * set by an earlier, checked call), and give the skipped shapes their near
 * misses: the full pass must still see the first kind, and report nothing on
 * the second.
 */

const PATH = "drivers/misc/pwr.c";

new RuleTester().run(errcode, {
  valid: [
    {
      name: "the branch sets the code before its jump",
      file: PATH,
      code: `
+static int pwr_attach(struct pwr *p)
+{
+	int ret;
+
+	ret = pwr_probe(p);
+	if (ret)
+		goto out;
+	p->buf = kzalloc(p->len, GFP_KERNEL);
+	if (!p->buf) {
+		ret = -ENOMEM;
+		goto out;
+	}
+	pwr_start(p);
+out:
+	return ret;
+}`,
    },
    {
      name: "an unchanged branch before a new statement that is not a return 0",
      file: PATH,
      start: 20,
      fn: "static int pwr_resume(struct device *dev)",
      code: `
 	err = pwr_restore(dev);
 	if (err)
 		dev_err(dev, "restore failed: %d\\n", err);
+	pwr_kick(dev);
 	return err;`,
    },
    {
      name: "a new return 0 with no label before it",
      file: PATH,
      start: 20,
      fn: "static int pwr_suspend(struct device *dev)",
      code: `
 	err = pwr_save(dev);
 	if (err)
 		goto out;
-	return 1;
+	return 0;`,
    },
  ],
  invalid: [
    {
      name: "only the return 0 after an unchanged logged failure is new",
      file: PATH,
      start: 20,
      fn: "static int pwr_resume(struct device *dev)",
      code: `
 	err = pwr_restore(dev);
 	if (err)
 		dev_err(dev, "restore failed: %d\\n", err);
-	return err;
+	return 0;`,
      errors: [{ messageId: "fallThrough", line: 21, endLine: 23, data: { code: "err" } }],
    },
    {
      name: "only the label's return 0 is new",
      file: "fs/cfgfs/apply.c",
      start: 30,
      fn: "int cfg_apply(struct cfg *c)",
      code: `
 	err = cfg_read(c, buf);
 	if (err)
 		goto done;
 	cfg_commit(c, buf);
 done:
 	kfree(buf);
-	return err;
+	return 0;`,
      errors: [{ messageId: "labelZero", line: 36, data: { label: "done", var: "err" } }],
    },
    {
      name: "a failed allocation jumps out with ret still 0 from the checked call",
      file: PATH,
      code: `
+static int pwr_attach(struct pwr *p)
+{
+	int ret;
+
+	ret = pwr_probe(p);
+	if (ret)
+		goto out;
+	p->buf = kzalloc(p->len, GFP_KERNEL);
+	if (!p->buf)
+		goto out;
+	pwr_start(p);
+out:
+	return ret;
+}`,
      errors: [{ messageId: "stillZeroGoto", line: 10, data: { label: "out", var: "ret" } }],
    },
  ],
});
