import unreleased from "../../rules/unreleased.js";
import { RuleTester } from "../helpers/rule-tester.js";
import type { FileSpec } from "../helpers/make-patch.js";

/**
 * The unreleased rule on pairs named as brackets: init/end, begin/end,
 * start/finish, open/close, setup/teardown. The pair counts only when the
 * patch shows the closing name; the object may be the call's result when
 * its first argument is a flag. Across two hunks of one function, a release
 * further down on the path the error branch leaves shows the object is
 * still held there.
 */

const PATH = "lib/codec/codec_probe.c";

/** Hunk 1 sets the decoder up; hunk 2 (after unseen lines) is `second`. */
function twoHunks(second: string[]): FileSpec[] {
  const fn = "static int codec_probe_header(const u8 *buf, size_t len)";
  return [
    {
      path: PATH,
      hunks: [
        {
          start: 300,
          fn,
          lines: [
            " 	struct codec_state *st;",
            " 	int ret;",
            " ",
            "+	st = codec_state_init(CODEC_STREAM, len);",
            "+	if (!st)",
            "+		return -ENOMEM;",
            " ",
            " 	codec_reset_window(buf, len);",
          ],
        },
        { start: 340, fn, lines: second },
      ],
    },
  ];
}

new RuleTester().run(unreleased, {
  valid: [
    {
      name: "a _begin whose closing name the patch never shows",
      file: "fs/jrnl/txn.c",
      code: `
+static int jrnl_log_record(struct jrnl *j, const void *rec)
+{
+	int ret;
+
+	ret = jrnl_batch_begin(j);
+	if (ret)
+		return ret;
+	ret = jrnl_append(j, rec);
+	if (ret)
+		return ret;
+	return 0;
+}`,
    },
    {
      name: "a transaction ended on the error path before returning",
      file: "fs/jrnl/txn.c",
      code: `
+static int jrnl_log_record(struct jrnl *j, const void *rec)
+{
+	int ret;
+
+	ret = jrnl_txn_begin(j);
+	if (ret)
+		return ret;
+	ret = jrnl_append(j, rec);
+	if (ret) {
+		jrnl_txn_end(j);
+		return ret;
+	}
+	jrnl_txn_end(j);
+	return 0;
+}`,
    },
    {
      name: "a close that restores an earlier open is no acquisition",
      file: "drivers/misc/vport/vport.c",
      code: `
+static int vport_reopen(struct vport *vp)
+{
+	vport_chan_close(vp);
+	if (vp->dead)
+		return -ENODEV;
+	return vport_chan_open(vp);
+}`,
    },
    {
      name: "after the gap a new return whose function shows no release further down",
      files: twoHunks([" 	ret = codec_parse(st, buf);", "+	if (ret == CODEC_TRUNCATED)", "+		return -EINVAL;", " ", " 	return ret;", " }"]),
    },
    {
      name: "after the gap the release sits under a label no jump reaches",
      files: twoHunks([
        " 	ret = codec_parse(st, buf);",
        "+	if (ret == CODEC_TRUNCATED)",
        "+		return -EINVAL;",
        " ",
        "+out_end:",
        "+	codec_state_end(st);",
        " 	return ret;",
        " }",
      ]),
    },
  ],
  invalid: [
    {
      name: "a decoder from _init, given a flag first, left running by an error return",
      file: "lib/codec/codec_probe.c",
      code: `
+static int codec_check_window(const u8 *buf, size_t len)
+{
+	struct codec_state *st;
+	int res;
+
+	st = codec_state_init(CODEC_STREAM, len);
+	if (!st)
+		return -ENOMEM;
+	res = codec_parse(st, buf);
+	if (res == CODEC_TOO_BIG) {
+		pr_err("codec window too large\\n");
+		return -EFBIG;
+	}
+	codec_state_end(st);
+	return 0;
+}`,
      errors: [
        {
          messageId: "onExit",
          file: "lib/codec/codec_probe.c",
          line: 6,
          endLine: 12,
          data: { release: "codec_state_end", what: "what codec_state_init() initialised", undone: "torn down" },
        },
      ],
    },
    {
      name: "a transaction begun and not ended when a write fails",
      file: "fs/jrnl/txn.c",
      code: `
+static int jrnl_log_record(struct jrnl *j, const void *rec)
+{
+	int ret;
+
+	ret = jrnl_txn_begin(j);
+	if (ret)
+		return ret;
+	ret = jrnl_append(j, rec);
+	if (ret)
+		return ret;
+	jrnl_txn_end(j);
+	return 0;
+}`,
      errors: [
        {
          messageId: "afterCall",
          line: 5,
          endLine: 10,
          data: { failed: "jrnl_append", release: "jrnl_txn_end", what: "what jrnl_txn_begin() started", undone: "ended" },
        },
      ],
    },
    {
      name: "a walk started and not finished on a lookup failure",
      file: "kernel/objwalk.c",
      code: `
+int objwalk_count(struct objtree *t, unsigned long *nr)
+{
+	struct objwalk w;
+
+	objwalk_start(&w, t);
+	if (!objwalk_next(&w))
+		return -ENOENT;
+	*nr = w.seen;
+	objwalk_finish(&w);
+	return 0;
+}`,
      errors: [
        {
          messageId: "afterCall",
          line: 5,
          endLine: 7,
          data: { failed: "objwalk_next", release: "objwalk_finish", what: "what objwalk_start() started", undone: "ended" },
        },
      ],
    },
    {
      name: "a handle opened and not closed when reading it fails",
      file: "drivers/misc/blob/blob_load.c",
      code: `
+static int blob_load(struct blob_dev *bd, const char *name)
+{
+	struct blob_handle *h;
+	int err;
+
+	h = blob_store_open(bd->store, name);
+	if (IS_ERR(h))
+		return PTR_ERR(h);
+	err = blob_read(h, bd->buf, bd->size);
+	if (err < 0)
+		return err;
+	blob_store_close(h);
+	return 0;
+}`,
      errors: [
        {
          messageId: "afterCall",
          line: 6,
          endLine: 11,
          data: { failed: "blob_read", release: "blob_store_close", what: "what blob_store_open() opened", undone: "closed" },
        },
      ],
    },
    {
      name: "a ring set up and not torn down when filling it fails",
      file: "drivers/net/qring/qring.c",
      code: `
+static int qring_bring_up(struct qring *r)
+{
+	int ret;
+
+	ret = qring_setup(r);
+	if (ret)
+		return ret;
+	ret = qring_fill(r);
+	if (ret)
+		return ret;
+	return 0;
+}
+
+static void qring_bring_down(struct qring *r)
+{
+	qring_teardown(r);
+}`,
      errors: [
        {
          messageId: "afterCall",
          line: 5,
          endLine: 10,
          data: { failed: "qring_fill", release: "qring_teardown", what: "what qring_setup() initialised", undone: "torn down" },
        },
      ],
    },
    {
      name: "after the gap a new return skips the release further down",
      files: twoHunks([
        " 	ret = codec_parse(st, buf);",
        "+	if (ret == CODEC_TRUNCATED) {",
        '+		pr_err("codec header truncated\\n");',
        "+		return -EINVAL;",
        "+	}",
        " ",
        " 	codec_state_end(st);",
        " 	return ret;",
        " }",
      ]),
      errors: [
        {
          messageId: "acrossGapLater",
          file: PATH,
          line: 343,
          data: { release: "codec_state_end", what: "what codec_state_init() initialised", undone: "torn down" },
        },
      ],
    },
    {
      name: "after the gap a new return skips the label that ends what _begin started",
      files: [
        {
          path: "fs/jrnl/replay.c",
          hunks: [
            {
              start: 80,
              fn: "static int jrnl_replay(struct jrnl *j)",
              lines: [" 	int ret;", " ", "+	ret = jrnl_txn_begin(j);", "+	if (ret)", "+		return ret;", " 	jrnl_rewind(j);"],
            },
            {
              start: 120,
              fn: "static int jrnl_replay(struct jrnl *j)",
              lines: [
                " 	ret = jrnl_apply_all(j);",
                " 	if (ret)",
                "-		return ret;",
                "+		goto out_end;",
                "+	if (j->dirty)",
                "+		return -EIO;",
                "+	ret = 0;",
                "+out_end:",
                "+	jrnl_txn_end(j);",
                " 	return ret;",
                " }",
              ],
            },
          ],
        },
      ],
      errors: [
        {
          messageId: "acrossGap",
          file: "fs/jrnl/replay.c",
          line: 124,
          data: { label: "out_end", release: "jrnl_txn_end", what: "what jrnl_txn_begin() started", undone: "ended" },
        },
      ],
    },
  ],
});
