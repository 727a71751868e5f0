import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { runAction } from "../../src/github/action.js";
import { rulesFindingSource } from "../../src/github/command.js";
import { GithubEmulator } from "../helpers/github-server.js";
import { COMMIT_A, HOOK_FILE, TEST_RULES, captureIo, sha } from "./fixtures.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BUNDLE = join(ROOT, ".github/action/index.js");
const REPO = "kdev/action-demo";
const TOKEN = "ghs_action1";
let gh: GithubEmulator;
let dir: string;

function actionEnv(pr: number | null, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const eventPath = join(dir, `event-${pr ?? "push"}.json`);
  writeFileSync(eventPath, JSON.stringify(pr === null ? { ref: "refs/heads/main" } : { action: "synchronize", number: pr, pull_request: { number: pr } }));
  return {
    PATH: process.env["PATH"] ?? "",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: pr === null ? "push" : "pull_request",
    GITHUB_REPOSITORY: REPO,
    GITHUB_API_URL: gh.url,
    LKREVIEW_CONFIG: join(dir, "lkreview.yaml"),
    "INPUT_GITHUB-TOKEN": TOKEN,
    "INPUT_FAIL-ON": "none",
    INPUT_EVENT: "COMMENT",
    ...extra,
  };
}

beforeAll(async () => {
  gh = new GithubEmulator();
  gh.addToken(TOKEN, { login: "github-actions[bot]", id: 42, type: "Bot" }, { installation: true });
  await gh.start();
  dir = mkdtempSync(join(tmpdir(), "lkreview-action-"));
  writeFileSync(join(dir, "lkreview.yaml"), "{}\n");
  gh.addPull(REPO, { number: 1, headSha: sha("1"), files: [HOOK_FILE], commits: [COMMIT_A] });
  gh.addPull(REPO, { number: 2, headSha: sha("2"), files: [HOOK_FILE], commits: [COMMIT_A] });
});

afterAll(async () => {
  await gh.stop();
});

describe("GitHub Action", () => {
  it("declares a node20 JavaScript action on the bundled entry with the documented inputs", () => {
    const meta = parseYaml(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
      runs: { using: string; main: string };
      inputs: Record<string, { default?: string }>;
    };
    expect(meta.runs).toEqual({ using: "node20", main: ".github/action/index.js" });
    expect(existsSync(join(ROOT, meta.runs.main))).toBe(true);
    expect(Object.keys(meta.inputs)).toEqual(expect.arrayContaining(["github-token", "model", "openai-base-url", "openai-api-key", "fail-on", "event"]));
    expect(meta.inputs["github-token"]?.default).toBe("${{ github.token }}");
    expect(meta.inputs["fail-on"]?.default).toBe("none");
  });

  it("reviews the event's PR with the same code as the CLI", async () => {
    const io = captureIo(actionEnv(1));
    const code = await runAction(io, { findings: (config) => rulesFindingSource(config, TEST_RULES) });
    expect(code, io.err()).toBe(0);
    const pull = gh.pull(REPO, 1);
    expect(pull.reviews).toHaveLength(1);
    expect(pull.comments.map((c) => c.line).sort()).toEqual([13, 16]);
    // A re-run of the workflow at the same head posts nothing, with no local state.
    expect(await runAction(captureIo(actionEnv(1)), { findings: (config) => rulesFindingSource(config, TEST_RULES) })).toBe(0);
    expect(pull.reviews).toHaveLength(1);
  });

  it("runs as the committed bundle, without the store's native modules", async () => {
    const bundle = readFileSync(BUNDLE, "utf8");
    expect(bundle).not.toMatch(/better-sqlite3|require\("pg"\)/);
    const { stdout } = await promisify(execFile)(process.execPath, [BUNDLE], { env: actionEnv(2), cwd: dir });
    expect(stdout).toContain(`${REPO}#2`);
    expect(gh.calls("GET", /\/pulls\/2\/files$/).length).toBe(1);
  });

  it("does nothing, successfully, on an event that is not about a pull request", async () => {
    const io = captureIo(actionEnv(null));
    expect(await runAction(io)).toBe(0);
    expect(io.err()).toContain("::warning::");
  });
});
