import { describe, expect, it } from "vitest";
import { extractFunctions } from "../../../src/parse/c/functions.js";
import { walkStatements } from "../../../src/parse/c/structure.js";
import type { CFunction, CStmt } from "../../../src/parse/c/types.js";
import { hunkLines, makePatch } from "../../helpers/make-patch.js";
import type { HunkSpec } from "../../helpers/make-patch.js";

function fnsOf(hunks: HunkSpec[], path = "kernel/livepatch/core.c"): CFunction[] {
  const patch = makePatch({ files: [{ path, hunks }] });
  const file = patch.files[0];
  if (!file) throw new Error("no file");
  return extractFunctions(file);
}

function kinds(fn: CFunction): string[] {
  const out: string[] = [];
  walkStatements(fn.body, (s: CStmt) => out.push(s.kind === "label" ? `label:${s.name}` : s.kind === "goto" ? `goto:${s.label}` : s.kind));
  return out;
}

describe("extractFunctions", () => {
  it("reconstructs a whole function added by the patch", () => {
    const [fn, ...rest] = fnsOf([
      {
        start: 10,
        lines: hunkLines(`
+/**
+ * foo_setup() - set up a foo
+ * @foo: the foo
+ */
+static int foo_setup(struct foo *foo, unsigned long flags)
+{
+	int ret;
+
+	ret = foo_register(foo);
+	if (ret)
+		goto err;
+	return 0;
+err:
+	kfree(foo);
+	return ret;
+}`),
      },
    ]);
    expect(rest).toHaveLength(0);
    expect(fn?.name).toBe("foo_setup");
    expect(fn?.params).toEqual(["foo", "flags"]);
    expect(fn?.returnType).toBe("static int");
    expect(fn?.isVoid).toBe(false);
    expect(fn?.complete).toBe(true);
    expect(fn?.kernelDoc?.length).toBe(4);
    expect(fn?.startLine).toBe(14);
    expect(fn?.endLine).toBe(25);
    expect(fn ? kinds(fn) : []).toEqual(["expr", "expr", "if", "goto:err", "return", "label:err", "expr", "return"]);
  });

  it("names a partial function after the @@ context and marks it incomplete", () => {
    const [fn] = fnsOf([
      {
        start: 40,
        fn: "static void klp_free_hooks(struct klp_patch *patch)",
        lines: hunkLines(`
 	list_for_each_entry_safe(hook, tmp, &patch->hooks, node) {
+		if (!hook->refs) {
+			pr_err("bad\\n");
+			return;
+		}
 		list_del(&hook->node);
 	}
 }`),
      },
    ]);
    expect(fn?.name).toBe("klp_free_hooks");
    expect(fn?.isVoid).toBe(true);
    expect(fn?.complete).toBe(false);
    expect(fn?.hasEnd).toBe(true);
    expect(fn ? kinds(fn) : []).toEqual(["loop", "block", "if", "block", "expr", "return", "expr"]);
  });

  it("joins two hunks of the same function and records the gap", () => {
    const ctx = "static int bar_probe(struct bar *bar)";
    const fns = fnsOf([
      { start: 5, lines: hunkLines(`\n ${ctx}\n {\n+\tint ret = 0;\n \tbar->x = 1;`) },
      { start: 60, fn: ctx, lines: hunkLines(`\n \treturn ret;\n }`) },
    ]);
    expect(fns).toHaveLength(1);
    expect(fns[0]?.hasGaps).toBe(true);
    expect(fns[0]?.complete).toBe(false);
    expect(fns[0]?.hasEnd).toBe(true);
  });

  it("names every hunk after git's context, when consecutive hunks repeat it and when it changes", () => {
    const ctx = "static int bar_probe(struct bar *bar)";
    const body = hunkLines(`\n \tbar->x = 1;\n+\tbar->y = 2;\n \treturn 0;\n }`);
    const first = fnsOf([{ start: 40, fn: ctx, lines: body }], "drivers/bar/a.c");
    const again = fnsOf([{ start: 80, fn: ctx, lines: body }], "drivers/bar/b.c");
    expect([...first, ...again].map((f) => [f.file, f.name, f.params, f.signature])).toEqual([
      ["drivers/bar/a.c", "bar_probe", ["bar"], ctx],
      ["drivers/bar/b.c", "bar_probe", ["bar"], ctx],
    ]);
    // An initialiser next: no function, though its context holds parentheses.
    expect(fnsOf([{ start: 90, fn: "static const u32 regs[ARRAY_SIZE(x)] = {", lines: body }])).toEqual([]);
    expect(fnsOf([{ start: 99, fn: ctx, lines: body }]).map((f) => f.name)).toEqual(["bar_probe"]);
  });

  it("reads a signature over several lines the same with comments in it or code after the brace", () => {
    const fns = fnsOf([
      {
        lines: hunkLines(`
+static int foo_init(struct foo *foo,
+		    unsigned long flags)
+{
+	return 0;
+}
+static int foo_exit(struct foo *foo, /* may be NULL */
+		    unsigned long flags)
+{
+	return 0;
+}
+static int foo_reset(struct foo *foo, unsigned long flags)
+{	/* nothing to do */
+	return 0;
+}`),
      },
    ]);
    expect(fns.map((f) => [f.name, f.returnType, f.params, f.signature])).toEqual([
      ["foo_init", "static int", ["foo", "flags"], "static int foo_init(struct foo *foo, unsigned long flags)"],
      ["foo_exit", "static int", ["foo", "flags"], "static int foo_exit(struct foo *foo, /* may be NULL */ unsigned long flags)"],
      ["foo_reset", "static int", ["foo", "flags"], "static int foo_reset(struct foo *foo, unsigned long flags) { /* nothing to do */"],
    ]);
  });

  it("shows the new side through the diff's own line objects and leaves the diff as it was", () => {
    const ctx = "static int bar_probe(struct bar *bar)";
    const patch = makePatch({
      files: [
        {
          path: "drivers/bar.c",
          hunks: [
            { start: 5, lines: hunkLines(`\n ${ctx}\n {\n-\tint ret;\n+\tint ret = 0;\n \tbar->x = 1;`) },
            { start: 60, fn: ctx, lines: hunkLines(`\n \treturn ret;\n }`) },
          ],
        },
      ],
    });
    const file = patch.files[0];
    if (!file) throw new Error("no file");
    const before = file.hunks.map((h) => h.lines.map((l) => ({ ...l })));
    const [fn] = extractFunctions(file);
    const shown = file.hunks.flatMap((h) => h.lines.filter((l) => l.kind !== "del"));
    expect(fn?.lines).toHaveLength(shown.length);
    fn?.lines.forEach((l, i) => expect(l).toBe(shown[i]));
    expect(fn?.lines.map((l) => `${l.newLine}${l.kind === "add" ? "+" : " "}${l.text}`)).toEqual([
      `5 ${ctx}`,
      "6 {",
      "7+\tint ret = 0;",
      "8 \tbar->x = 1;",
      "60 \treturn ret;",
      "61 }",
    ]);
    expect(file.hunks.map((h) => h.lines)).toEqual(before);
  });

  it("keeps comments, strings and preprocessor lines out of the statements", () => {
    const [fn] = fnsOf([
      {
        lines: hunkLines(`
+void baz(void)
+{
+	/* if (x) { return; */
+	pr_info("{ not a block\\n");
+#if defined(CONFIG_FOO) && \\
+	defined(CONFIG_BAR)
+	do_foo();
+#endif
+	// return 1;
+}`),
      },
    ]);
    expect(fn ? kinds(fn) : []).toEqual(["expr", "expr"]);
    expect(fn?.comments).toHaveLength(2);
  });

  it("reads else-if chains, do/while, switch and iterator macros", () => {
    const [fn] = fnsOf([
      {
        lines: hunkLines(`
+int qux(int a)
+{
+	if (a == 1)
+		a++;
+	else if (a == 2)
+		a--;
+	else
+		return -EINVAL;
+	do {
+		a = next(a);
+	} while (a);
+	for_each_online_cpu(cpu)
+		use(cpu);
+	switch (a) {
+	case 1:
+		break;
+	default:
+		return a;
+	}
+	return 0;
+}`),
      },
    ]);
    expect(fn ? kinds(fn) : []).toEqual([
      "if",
      "expr",
      "if",
      "expr",
      "return",
      "loop",
      "block",
      "expr",
      "loop",
      "expr",
      "switch",
      "block",
      "label:case",
      "break",
      "label:case",
      "return",
      "return",
    ]);
  });

  /** A function the patch adds right after the hunk's leading lines, which close some unseen scope. */
  const ADDED_FN = `+static int foo_setup(struct foo *f)
+{
+	int ret;
+
+	ret = clk_prepare_enable(f->clk);
+	if (ret)
+		return ret;
+	return 0;
+}`;

  // Hunks that open inside a definition or initialiser, as git -p shows them.
  const leadIns: { shape: string; fn: string; lead: string }[] = [
    { shape: "a struct definition", fn: "struct foo_ops {", lead: " \tint (*reset)(struct foo *f);\n };" },
    { shape: "an array of structs", fn: "static const struct of_device_id foo_of_match[] = {", lead: ' \t{ .compatible = "acme,foo" },\n \t{ }\n };' },
    { shape: "an enum", fn: "enum foo_state {", lead: " \tFOO_IDLE,\n \tFOO_RUNNING,\n };" },
    { shape: "a packed union", fn: "union foo_reg {", lead: " \tu32 raw;\n \tstruct { u16 lo, hi; } half;\n } __packed;" },
    { shape: "a macro-built table", fn: "static const struct foo_desc foo_descs[] = {", lead: ' \tFOO_DESC(0, "zero"),\n \tFOO_DESC(1, "one"),\n };' },
    { shape: "a struct that declares a variable", fn: "static struct {", lead: " \tint users;\n } foo_state;" },
    { shape: "an initialiser closed with a comma", fn: "static const u8 foo_tbl[][2] = {", lead: " \t{ 1, 2 },\n }," },
    { shape: "an initialiser whose size has parentheses", fn: "static const u32 foo_regs[ARRAY_SIZE(foo_names)] = {", lead: " \t0x10,\n \t0x14,\n };" },
  ];
  for (const { shape, fn, lead } of leadIns) {
    it(`reads the function after a hunk that opens inside ${shape}`, () => {
      const fns = fnsOf([{ start: 40, fn, lines: hunkLines(`\n${lead}\n \n${ADDED_FN}`) }]);
      expect(fns.map((f) => f.name)).toEqual(["foo_setup"]);
      const setup = fns[0];
      expect(setup?.complete).toBe(true);
      expect(setup?.startLine).toBe(40 + lead.split("\n").length + 1);
      expect(setup ? kinds(setup) : []).toEqual(["expr", "expr", "if", "return", "return"]);
    });
  }

  it("does not take an initialiser for a function when git's context names one", () => {
    // git -p names the last column-0 line it saw, which need not own the hunk's first lines.
    const fns = fnsOf([{ start: 40, fn: "static int foo_probe(struct platform_device *pdev)", lines: hunkLines(`\n \tFOO_IDLE,\n };\n \n${ADDED_FN}`) }]);
    expect(fns.map((f) => f.name)).toEqual(["foo_setup"]);
  });

  it("still ends a partial function at its closing brace and reads the next one", () => {
    const fns = fnsOf([{ start: 40, fn: "static int foo_probe(struct platform_device *pdev)", lines: hunkLines(`\n \treturn 0;\n }\n \n${ADDED_FN}`) }]);
    expect(fns.map((f) => [f.name, f.hasStart, f.hasEnd])).toEqual([
      ["foo_probe", false, true],
      ["foo_setup", true, true],
    ]);
  });

  it("reads the function after a hunk that opens inside a top-level comment", () => {
    const fns = fnsOf([
      {
        start: 40,
        fn: "static int foo_probe(struct platform_device *pdev)",
        lines: hunkLines(`\n  * foo_setup() - start the clock\n  * @f: the foo\n  */\n${ADDED_FN}`),
      },
    ]);
    expect(fns.map((f) => [f.name, f.complete])).toEqual([["foo_setup", true]]);
  });

  it("finishes on hostile input", () => {
    const long = "+\tx = " + "a + ".repeat(1250) + "b;";
    const parens = "+\tif " + "(".repeat(10000) + "x";
    const braces = Array.from({ length: 3000 }, () => "+{").join("\n");
    const fns = fnsOf([{ lines: hunkLines(`\n+int evil(void)\n+{\n${long}\n${parens}\n${braces}\n+}`) }]);
    expect(fns).toHaveLength(1);
    expect(fns[0]?.name).toBe("evil");
  });
  it("shows the parsed body and comments like the other fields, parsed once", () => {
    const [fn] = fnsOf([{ lines: hunkLines(`\n+int one(void)\n+{\n+\t/* the answer */\n+\treturn 1;\n+}`) }]);
    if (!fn) throw new Error("no function");
    expect(fn.body).toBe(fn.body);
    expect(fn.comments).toBe(fn.comments);
    expect(fn.comments).toEqual([{ line: 3, text: "/* the answer */" }]);
    const json = JSON.parse(JSON.stringify(fn)) as Record<string, unknown> & { body: { kind: string; expr: string }[] };
    expect(Object.keys(json)).toEqual([
      "file",
      "name",
      "signature",
      "returnType",
      "isVoid",
      "params",
      "lines",
      "complete",
      "startLine",
      "endLine",
      "kernelDoc",
      "body",
      "comments",
      "hasStart",
      "hasEnd",
      "hasGaps",
    ]);
    expect(json.body.map((s) => [s.kind, s.expr])).toEqual([["return", "1"]]);
  });

  it("keeps a parsed body for the rest of the job and parses it again, the same, in a later one", async () => {
    const [fn] = fnsOf([{ lines: hunkLines(`\n+int two(int a)\n+{\n+\tif (a)\n+\t\treturn foo(a);\n+\treturn 2;\n+}`) }]);
    if (!fn) throw new Error("no function");
    const first = fn.body;
    expect(fn.body).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const again = fn.body;
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(fn.body).toBe(again);
  });

  it("parses past brackets that do not pair up", () => {
    const [fn] = fnsOf([
      {
        lines: hunkLines(`
+int f(int a)
+{
+	foo(a[1);
+	if (a) {
+		bar(b]);
+	}
+	x = (y;
+	return a;
+}`),
      },
    ]);
    const seen: string[] = [];
    walkStatements(fn?.body ?? [], (s) =>
      seen.push(`${s.kind}:${s.kind === "expr" ? s.text : s.kind === "if" ? s.cond : ""}:${s.calls.map((c) => `${c.name}(${c.args.join("|")})`).join(",")}`),
    );
    expect(seen).toEqual(["expr:foo(a[1):foo(a[1)", "if:a:", "block::", "expr:bar(b]):bar(b])", "expr:x =(y; return a:"]);
  });
});
