import errcode from "../../rules/errcode.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The errcode rule on an error branch whose `err = -E...;` the patch
 * deleted, leaving only a new log line before a jump it did not touch: the
 * jump now carries whatever the error variable held, 0 after a check that
 * passed. The point sits on the branch's new line.
 */

const PATH = "drivers/misc/relay.c";
const FN = "static int relay_setup(struct relay *r)";

new RuleTester().run(errcode, {
  valid: [
    {
      name: "the code moved above the check: the variable still holds it",
      file: PATH,
      start: 40,
      fn: FN,
      code: `
 	ret = relay_check(r);
 	if (ret)
 		goto out;
 
+	ret = -ENOMEM;
 	r->buf = kmalloc(r->len, GFP_KERNEL);
 	if (!r->buf) {
-		ret = -ENOMEM;
+		pr_err("relay: no memory for %zu bytes\\n", r->len);
 		goto out;
 	}`,
    },
    {
      name: "the branch sets another code in place of the deleted one",
      file: PATH,
      start: 40,
      fn: FN,
      code: `
 	ret = relay_check(r);
 	if (ret)
 		goto out;
 
 	r->buf = kmalloc(r->len, GFP_KERNEL);
 	if (!r->buf) {
-		ret = -ENOMEM;
+		pr_err("relay: no memory for %zu bytes\\n", r->len);
+		ret = -EAGAIN;
 		goto out;
 	}`,
    },
    {
      name: "a deleted assignment in a branch that now does more than log is another change",
      file: PATH,
      start: 40,
      fn: FN,
      code: `
 	ret = relay_check(r);
 	if (ret)
 		goto out;
 
 	r->buf = kmalloc(r->len, GFP_KERNEL);
 	if (!r->buf) {
-		ret = -ENOMEM;
+		r->buf = relay_fallback_buf(r);
 		goto out;
 	}`,
    },
    {
      name: "the variable was last set by a call whose check is unseen: nothing is known",
      file: PATH,
      start: 40,
      fn: FN,
      code: `
 	r->buf = kmalloc(r->len, GFP_KERNEL);
 	if (!r->buf) {
-		ret = -ENOMEM;
+		pr_err("relay: no memory\\n");
 		goto out;
 	}`,
    },
    {
      name: "the code moved under the label the branch jumps to",
      file: PATH,
      code: `
 static int relay_open(struct relay *r)
 {
 	int err;
 
 	err = relay_claim(r);
 	if (err)
 		goto out;
 	r->map = relay_map(r);
 	if (!r->map) {
-		err = -EIO;
+		dev_warn(r->dev, "cannot map the relay window\\n");
 		goto out_nomap;
 	}
 	return 0;
+out_nomap:
+	err = -EIO;
 	relay_release(r);
 out:
 	return err;
 }`,
    },
  ],
  invalid: [
    {
      name: "the branch lost its -ENOMEM and only logs before the jump it kept",
      file: PATH,
      start: 40,
      fn: FN,
      code: `
 	ret = relay_check(r);
 	if (ret)
 		goto out;
 
 	r->buf = kmalloc(r->len, GFP_KERNEL);
 	if (!r->buf) {
-		ret = -ENOMEM;
+		pr_err("relay: no memory for %zu bytes\\n",
+		       r->len);
 		goto out;
 	}`,
      errors: [{ messageId: "droppedCode", line: 46, endLine: 48, data: { var: "ret", code: "-ENOMEM" } }],
    },
    {
      name: "the same with the label shown, ending in return err",
      file: PATH,
      code: `
 static int relay_open(struct relay *r)
 {
 	int err;
 
 	err = relay_claim(r);
 	if (err)
 		goto out;
 	r->map = relay_map(r);
 	if (!r->map) {
-		err = -EIO;
+		dev_warn(r->dev, "cannot map the relay window\\n");
 		goto out_release;
 	}
 	return 0;
 out_release:
 	relay_release(r);
 out:
 	return err;
 }`,
      errors: [{ messageId: "droppedCode", line: 10, endLine: 11, data: { var: "err", code: "-EIO" } }],
    },
  ],
});
