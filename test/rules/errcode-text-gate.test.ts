import { describe, expect, it } from "vitest";
import errcode from "../../rules/errcode.js";
import { linesMayReport } from "../../rules/utils/errcode-text-gate.js";
import { extractFunctions } from "../../src/parse/c/functions.js";
import { hunkLines, makePatch } from "../helpers/make-patch.js";
import { RuleTester } from "../helpers/rule-tester.js";

/**
 * The errcode gate reads a function's lines before parsing its body
 * (`rules/utils/errcode-text-gate.ts`). A function whose text no check can
 * use is skipped unparsed; where a line leaves the question open (a value on
 * the next line, a comment between) the function goes on to the full pass,
 * which must still find what it always found.
 */

const PATH = "drivers/misc/pwr.c";

new RuleTester().run(errcode, {
  valid: [
    {
      name: "added calls and a returned call: nothing for any check",
      file: PATH,
      code: `
+static int pwr_wake(struct pwr *p)
+{
+	pwr_kick(p);
+	pwr_count(p);
+	return pwr_flush(p);
+}`,
    },
  ],
  invalid: [
    // Each function below holds no other text the gate passes on (no `if`, `goto`, `return 0`, loop, log or `!`).
    {
      name: "the -1 on the line after its return",
      file: PATH,
      code: `
+static int pwr_setup(struct pwr *p)
+{
+	pwr_enable(p);
+	return
+		-1;
+}`,
      errors: [{ messageId: "minusOne", line: 4 }],
    },
    {
      name: "a comment between the return and its -1",
      file: PATH,
      code: `
+static int pwr_setup(struct pwr *p)
+{
+	pwr_enable(p);
+	return /* no device */ -1;
+}`,
      errors: [{ messageId: "minusOne", line: 4 }],
    },
    {
      name: "a positive code on the line after the assignment",
      file: PATH,
      code: `
+static long pwr_read(struct pwr *p)
+{
+	long err =
+		EIO;
+	pwr_log(p, err);
+	return pwr_done(p);
+}`,
      errors: [{ messageId: "positive", line: 3, data: { code: "EIO" } }],
    },
    {
      name: "a loop's overwritten code returned in parentheses",
      file: PATH,
      code: `
+static int pwr_wake_all(struct pwr *p)
+{
+	struct pwr_dom *d;
+	int ret = 0;
+
+	list_for_each_entry(d, &p->doms, node) {
+		ret = pwr_dom_wake(d);
+		if (ret)
+			pr_err("wake of %s failed: %d\\n", d->name, ret);
+	}
+	return (ret);
+}`,
      errors: [{ messageId: "loopOverwrite", line: 8, data: { var: "ret" } }],
    },
  ],
});

function gateOf(code: string): boolean {
  const file = makePatch({ files: [{ path: PATH, hunks: [{ lines: hunkLines(code) }] }] }).files[0];
  const fn = file ? extractFunctions(file)[0] : undefined;
  if (!file || !fn) throw new Error("no function");
  return linesMayReport(fn, file, true, true, true);
}

describe("linesMayReport", () => {
  it("skips an errno function whose added lines hold no return, jump, check or code", () => {
    expect(
      gateOf(`
 static int pwr_on(struct pwr *p)
 {
 	int ret;
 
 	ret = pwr_enable(p);
+	pwr_count(p);
 	return ret;
 }`),
    ).toBe(false);
  });

  it("passes an added `return ret` in a function that logs an error", () => {
    expect(
      gateOf(`
 static int pwr_on(struct pwr *p)
 {
 	int ret;
 
 	ret = pwr_enable(p);
 	if (!p->ok)
 		dev_err(p->dev, "off\\n");
+		return ret;
 	return 0;
 }`),
    ).toBe(true);
  });

  /** A loop that only logs a failed wake; the function then returns `returned`. */
  const wakeAll = (returned: string): string => `
 static int pwr_wake_all(struct pwr *p)
 {
 	struct pwr_dom *d;
 	int ret;
 
 	list_for_each_entry(d, &p->doms, node) {
 		ret = pwr_dom_wake(d);
+		if (ret)
+			pr_err("wake failed\\n");
 	}
 	return ${returned};
 }`;

  it("skips a loop that only logs when the function returns no error variable", () => {
    expect(gateOf(wakeAll("p->woken"))).toBe(false);
  });

  it("passes the same loop when the function returns the error variable", () => {
    expect(gateOf(wakeAll("ret"))).toBe(true);
  });

  /** Drops its `err = -ENOMEM;` for a log line but keeps the exit: what the dropped-code check looks for. */
  const pwrOn = `
 static int pwr_on(struct pwr *p)
 {
 	int err = 0;
 
 	p->buf = kzalloc(8, GFP_KERNEL);
 	if (!p->buf) {
-		err = -ENOMEM;
+		pr_err("no buffer\\n");
 		goto out;
 	}
 out:
 	return err;
 }`;

  it("skips a function whose file loses an `err = -E...;` only in another function", () => {
    const code = `${pwrOn}
 
 static int pwr_off(struct pwr *p)
 {
 	int err = 0;
 
 	if (!p->on)
 		goto out;
 	pwr_cut(p);
+	pwr_count(p);
 out:
 	return err;
 }`;
    const file = makePatch({ files: [{ path: PATH, hunks: [{ lines: hunkLines(code) }] }] }).files[0];
    const fns = file ? extractFunctions(file) : [];
    if (!file || fns.length !== 2) throw new Error("want two functions");
    expect(fns.map((fn) => linesMayReport(fn, file, true, true, true))).toEqual([true, false]);
  });

  it("passes a deleted `err = -E...;` whose branch keeps its exit (the dropped-code check)", () => {
    expect(gateOf(pwrOn)).toBe(true);
  });

  it("skips a deleted `err = -E...;` when no print is added in its place", () => {
    // The dropped-code check wants the branch's other statements to be prints, one of them added.
    expect(gateOf(pwrOn.replace('+\t\tpr_err("no buffer\\n");', "+\t\tp->failed = true;"))).toBe(false);
  });
});
