import errcode from "../../rules/errcode.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * errcode on what says a path is deliberate: a comment that belongs to an
 * earlier jump (`goto done; /* optional *\/`) no longer speaks for the next
 * error branch, and an error-level "unsupported <value>" message that
 * prints the value refuses input rather than skipping an optional feature,
 * also in a partial function whose return type only the `@@` line shows.
 */

new RuleTester().run(errcode, {
  valid: [
    {
      name: "a comment right above the branch still says it is optional",
      file: "drivers/misc/blobcfg/blobcfg.c",
      code: `
+static int blobcfg_check(struct blobcfg *b)
+{
+	int err = 0;
+
+	b->mode = blobcfg_mode(b);
+	/* a missing mode is optional */
+	if (!b->mode) {
+		pr_err("%s: no mode\\n", b->name);
+		goto done;
+	}
+	b->ready = true;
+done:
+	return err;
+}`,
    },
    {
      name: "an unsupported feature without a printed value stays deliberate",
      file: "drivers/misc/blobcfg/blobcfg.c",
      fn: "int blobcfg_probe_caps(struct blobcfg *b)",
      start: 40,
      code: `
 	caps = blobcfg_read_caps(b);
+	if (!(caps & BLOBCFG_CAP_DMA)) {
+		dev_err(b->dev, "DMA unsupported\\n");
+		return 0;
+	}
 	b->dma = true;`,
    },
    {
      name: "an unsupported value at warning level stays alone",
      file: "drivers/misc/blobcfg/blobcfg.c",
      fn: "int blobcfg_parse_hdr(struct blobcfg *b)",
      start: 60,
      code: `
 	hdr = b->hdr;
+	if (hdr->kind != BLOBCFG_KIND_RAW) {
+		pr_warn("%s: unsupported kind %u\\n", b->name, hdr->kind);
+		return 0;
+	}
 	b->len = hdr->len;`,
    },
  ],
  invalid: [
    {
      name: "a second goto after a logged error with err still 0, below an optional jump",
      file: "drivers/misc/blobcfg/blobcfg.c",
      code: `
+static int blobcfg_check(struct blobcfg *b)
+{
+	struct blobcfg_hdr *hdr;
+	int err = 0;
+
+	hdr = blobcfg_find_hdr(b);
+	if (!hdr)
+		goto done;	/* a header is optional */
+	if (hdr->version > BLOBCFG_VERSION) {
+		pr_err("%s: header version %u too new\\n", b->name, hdr->version);
+		goto done;
+	}
+	b->hdr = hdr;
+done:
+	return err;
+}`,
      errors: [{ messageId: "stillZeroGoto", line: 11, data: { label: "done", var: "err" } }],
    },
    {
      name: "a partial int function that logs an unsupported value over two lines and returns 0",
      file: "drivers/misc/blobcfg/blobcfg.c",
      fn: "int blobcfg_load(struct blobcfg *b, const void *data)",
      start: 80,
      code: `
 	if (ret)
 		return ret;
 
+	if (hdr.algo != BLOBCFG_ALGO_SHA256) {
+		pr_err("%s: unsupported digest algorithm %u\\n",
+		       b->name, hdr.algo);
+		return 0;
+	}
+
 	b->len = be32_to_cpu(hdr.len);`,
      errors: [{ messageId: "loggedZero", line: 86 }],
    },
  ],
});
