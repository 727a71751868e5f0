/**
 * Hunk shapes that several rule suites build cases from. A case adds the
 * lines that make it valid or invalid after a shared opening, so the
 * difference between cases is what the reader sees.
 */

/**
 * The opening of a probe that creates a gadget and attaches it, destroying
 * it when attaching fails; the case goes on from there and closes the
 * function. Starts with a newline, as RuleTester's `code` strings do.
 */
export const GADGET_PROBE_HEAD = `
+static int gadget_probe(struct platform_device *pdev)
+{
+	struct gadget *g;
+	int ret;
+
+	g = gadget_create(&pdev->dev);
+	if (IS_ERR(g))
+		return PTR_ERR(g);
+	ret = gadget_attach(g);
+	if (ret) {
+		gadget_destroy(g);
+		return ret;
+	}`;
