import unreleased from "../../rules/unreleased.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * unreleased on loops that create one sysfs or device attribute file per
 * item (`sysfs_create_bin_file()`, `device_create_file()`, ...): a return
 * from inside the loop on a later failure leaves the earlier files behind,
 * unless the error path walks back and removes them.
 */

new RuleTester().run(unreleased, {
  valid: [
    {
      name: "a loop that removes the files it created before returning",
      file: "drivers/misc/gauge/gauge.c",
      code: `
+static int gauge_add_files(struct gauge *g)
+{
+	int i, ret;
+
+	for (i = 0; i < g->nr; i++) {
+		ret = device_create_file(g->dev, &g->attrs[i]);
+		if (ret) {
+			while (--i >= 0)
+				device_remove_file(g->dev, &g->attrs[i]);
+			return ret;
+		}
+	}
+	return 0;
+}`,
    },
  ],
  invalid: [
    {
      name: "a loop of binary attribute files that returns on a later failure",
      file: "drivers/misc/gauge/gauge.c",
      code: `
+static int gauge_add_blobs(struct gauge *g)
+{
+	int i, ret;
+
+	for (i = 0; i < g->nr_blobs; i++) {
+		ret = sysfs_create_bin_file(&g->dev->kobj, &g->blobs[i]);
+		if (ret) {
+			dev_err(g->dev, "blob %d: %d\\n", i, ret);
+			return ret;
+		}
+	}
+	return 0;
+}`,
      errors: [{ messageId: "loop", line: 6, endLine: 9 }],
    },
  ],
});
