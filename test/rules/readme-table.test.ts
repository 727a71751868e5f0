import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rulesMarkdown } from "../../src/commands/rules.js";

describe("README rule list", () => {
  it("matches the rules' metadata (regenerate with: node dist/src/cli.js rules --format markdown)", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
    const m = /<!-- rules:start -->\n([\s\S]*?)<!-- rules:end -->/.exec(readme);
    expect(m, "README has the rules:start/end markers").not.toBeNull();
    expect(m?.[1]).toBe(rulesMarkdown());
  });
});
