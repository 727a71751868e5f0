import errcode from "../../rules/errcode.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The errcode rule on a `-1` that a helper returns as "not found" and a
 * caller in the same patch passes up as its own error code, whatever the
 * caller's variable is called: the name of the helper (a count, an index)
 * says nothing then. A caller that compares the value and returns a code of
 * its own maps it to an errno, and the helper is fine.
 */

new RuleTester().run(errcode, {
  valid: [
    {
      name: "a slot lookup whose caller compares -1 and returns its own code",
      file: "drivers/misc/tbl/tbl_core.c",
      code: `
+static int tbl_find_slot(struct tbl *t, u32 key)
+{
+	int i;
+
+	for (i = 0; i < t->nr; i++)
+		if (t->keys[i] == key)
+			return i;
+	return -1;
+}
+
+int tbl_remove(struct tbl *t, u32 key)
+{
+	int slot;
+
+	slot = tbl_find_slot(t, key);
+	if (slot == -1)
+		return -ENOENT;
+	t->keys[slot] = 0;
+	return 0;
+}`,
    },
    {
      name: "a counting helper whose caller maps a negative result to -EINVAL",
      file: "kernel/module/sect_count.c",
      code: `
+static int count_sections(const struct load_info *info, const char *prefix)
+{
+	int n = 0;
+	unsigned int i;
+
+	for (i = 1; i < info->hdr->e_shnum; i++)
+		if (strstarts(info->secstrings + info->sechdrs[i].sh_name, prefix))
+			n++;
+	if (!n)
+		return -1;
+	return n;
+}
+
+static int check_sections(const struct load_info *info)
+{
+	int nsec;
+
+	nsec = count_sections(info, ".klp.");
+	if (nsec < 0)
+		return -EINVAL;
+	return nsec > 8 ? -E2BIG : 0;
+}`,
    },
    {
      name: "a caller that returns the helper's count only on success",
      file: "drivers/misc/tbl/tbl_core.c",
      code: `
+static int tbl_count_used(struct tbl *t)
+{
+	int i, n = 0;
+
+	if (!t->nr)
+		return -1;
+	for (i = 0; i < t->nr; i++)
+		n += !!t->keys[i];
+	return n;
+}
+
+int tbl_report(struct tbl *t)
+{
+	int used;
+
+	used = tbl_count_used(t);
+	if (used < 0) {
+		pr_err("tbl: empty table\\n");
+		return -ENODATA;
+	}
+	return used;
+}`,
    },
  ],
  invalid: [
    {
      name: "an index lookup whose caller returns the negative index as its error",
      file: "drivers/misc/tbl/tbl_core.c",
      code: `
+static int tbl_find_slot(struct tbl *t, u32 key)
+{
+	int i;
+
+	for (i = 0; i < t->nr; i++)
+		if (t->keys[i] == key)
+			return i;
+	return -1;
+}
+
+int tbl_remove(struct tbl *t, u32 key)
+{
+	int slot;
+
+	slot = tbl_find_slot(t, key);
+	if (slot < 0)
+		return slot;
+	t->keys[slot] = 0;
+	return 0;
+}`,
      errors: [{ messageId: "minusOne", file: "drivers/misc/tbl/tbl_core.c", line: 8 }],
    },
    {
      name: "a counting helper whose caller logs and passes the -1 up",
      file: "kernel/module/sect_count.c",
      code: `
+static int count_sections(const struct load_info *info, const char *prefix)
+{
+	int n = 0;
+	unsigned int i;
+
+	for (i = 1; i < info->hdr->e_shnum; i++)
+		if (strstarts(info->secstrings + info->sechdrs[i].sh_name, prefix))
+			n++;
+	if (!n)
+		return -1;
+	return n;
+}
+
+static int check_sections(const struct load_info *info)
+{
+	int nsec = count_sections(info, ".klp.");
+
+	if (nsec <= 0) {
+		pr_err("no livepatch sections\\n");
+		return nsec;
+	}
+	return nsec > 8 ? -E2BIG : 0;
+}`,
      errors: [{ messageId: "minusOne", file: "kernel/module/sect_count.c", line: 10 }],
    },
  ],
});
