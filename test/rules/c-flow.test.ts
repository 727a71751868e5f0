import { describe, expect, it } from "vitest";
import { blocked, encloses, exclusive, flatten, guardingIfs } from "../../rules/utils/c-flow.js";
import type { FlatNode } from "../../rules/utils/c-flow.js";
import { extractFunctions } from "../../src/parse/c/functions.js";
import type { CFunction } from "../../src/parse/c/types.js";
import { hunkLines, makePatch } from "../helpers/make-patch.js";

function fnOf(code: string): CFunction {
  const file = makePatch({ files: [{ path: "drivers/foo/foo.c", hunks: [{ lines: hunkLines(code) }] }] }).files[0];
  const fn = file ? extractFunctions(file)[0] : undefined;
  if (!fn) throw new Error("no function");
  return fn;
}

const G = fnOf(`
+int g(int a)
+{
+	if (a)
+		x();
+	else {
+		while (b)
+			y();
+	}
+	return 0;
+}`);

/** Each node as `kind@index:parent-kind+child/...`, outermost step first. */
function shape(nodes: readonly FlatNode[]): string[] {
  return nodes.map((n) => `${n.stmt.kind}@${n.index}:${n.path.map((s) => `${s.parent.kind}${s.child}`).join("/")}`);
}

describe("flatten", () => {
  it("lists every statement in source order with its chain of enclosing statements", () => {
    expect(shape(flatten(G))).toEqual([
      "if@0:block0",
      "expr@1:block0/if0",
      "block@2:block0/if1",
      "loop@3:block0/if1/block0",
      "expr@4:block0/if1/block0/loop0",
      "return@5:block1",
    ]);
  });

  it("gives each node its own path, sharing the enclosing steps", () => {
    const nodes = flatten(G);
    const [ifNode, thenNode, elseNode, loopNode, inLoop, ret] = nodes as [FlatNode, FlatNode, FlatNode, FlatNode, FlatNode, FlatNode];
    expect(thenNode.path).not.toBe(elseNode.path);
    expect(thenNode.path[0]).toBe(elseNode.path[0]);
    expect(inLoop.path.slice(0, 3)).toEqual(loopNode.path);
    expect(exclusive(thenNode, inLoop)).toBe(true);
    expect(encloses(ifNode, inLoop)).toBe(true);
    expect(encloses(loopNode, ret)).toBe(false);
    expect(guardingIfs(thenNode)).toEqual([ifNode.stmt]);
    expect(blocked(thenNode, ret)).toBe(false);
  });

  it("answers a repeated question about the same function from the last walk, and walks a new function afresh", () => {
    const first = flatten(G);
    expect(flatten(G)).toBe(first);
    const other = fnOf(`
+int h(void)
+{
+	return 1;
+}`);
    expect(shape(flatten(other))).toEqual(["return@0:block0"]);
    const again = flatten(G);
    expect(again).not.toBe(first);
    expect(shape(again)).toEqual(shape(first));
  });
});
