import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

describe("configuration", () => {
  const empty = mkdtempSync(join(tmpdir(), "lkreview-cfg-"));

  it("works with nothing configured: rules only, SQLite under .lkreview", () => {
    const c = loadConfig({ env: {}, cwd: empty });
    expect(c.db).toBe(".lkreview/lkreview.sqlite");
    expect(c.deliver).toBe("dry-run");
    expect(c.model.apiKey).toBeUndefined();
    expect(c.signature[0]).toBe("lkreview");
  });

  it("takes the identity from LKREVIEW_FROM for both From and the signature", () => {
    const c = loadConfig({ env: { LKREVIEW_FROM: "Patch Robot <robot@lists.example>" }, cwd: empty });
    expect(c.from).toBe("Patch Robot <robot@lists.example>");
    expect(c.signature[0]).toBe("Patch Robot");
  });

  it("keeps a signature configured apart from the identity", () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-cfg-"));
    writeFileSync(join(dir, "lkreview.yaml"), 'from: "Bot <b@x.example>"\nsignature: ["The livepatch bot", "Tell us when it is wrong."]\n');
    const c = loadConfig({ env: {}, cwd: dir });
    expect(c.signature).toEqual(["The livepatch bot", "Tell us when it is wrong."]);
  });

  it("lets the environment win over the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-cfg-"));
    writeFileSync(join(dir, "lkreview.yaml"), "model: { baseUrl: http://file.example/v1, name: from-file }\n");
    const c = loadConfig({ env: { OPENAI_BASE_URL: "http://env.example/v1" }, cwd: dir });
    expect(c.model.baseUrl).toBe("http://env.example/v1");
    expect(c.model.name).toBe("from-file");
  });

  it("names the file and the key in one line when a value is wrong", () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-cfg-"));
    const file = join(dir, "lkreview.yaml");
    writeFileSync(file, "deliver: sometimes\n");
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(new RegExp(`${file.replace(/[.]/g, "\\.")}: deliver: `));
  });

  it("refuses a file that is not YAML", () => {
    const dir = mkdtempSync(join(tmpdir(), "lkreview-cfg-"));
    writeFileSync(join(dir, "lkreview.yaml"), "rules: [unclosed\n");
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(/not valid YAML/);
  });
});
