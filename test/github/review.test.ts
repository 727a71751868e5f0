import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rulesFindingSource, runGithubCommand } from "../../src/github/command.js";
import type { GithubCommandDeps } from "../../src/github/command.js";
import { GithubEmulator } from "../helpers/github-server.js";
import { BOT, COMMIT_A, HOOK_FILE, HOOK_PATCH, TEST_RULES, TOKEN, captureIo, sha } from "./fixtures.js";

const REPO = "kdev/livepatch-tools";
let gh: GithubEmulator;
let env: NodeJS.ProcessEnv;
let nextPr = 1;

const deps: GithubCommandDeps = {
  findings: (config) => rulesFindingSource(config, TEST_RULES),
  client: { retryAfterBaseMs: 5, timeoutMs: 3000 },
  retryDelayMs: 5,
};

beforeAll(async () => {
  gh = new GithubEmulator();
  gh.addToken(TOKEN, BOT);
  await gh.start();
  const dir = mkdtempSync(join(tmpdir(), "lkreview-gh-"));
  const config = join(dir, "lkreview.yaml");
  writeFileSync(config, "{}\n");
  env = { GITHUB_TOKEN: TOKEN, LKREVIEW_CONFIG: config };
});

afterAll(async () => {
  await gh.stop();
});

function newPr(files = [HOOK_FILE], commits = [COMMIT_A]): number {
  const n = nextPr++;
  gh.addPull(REPO, { number: n, headSha: sha(String(n % 10)), files, commits });
  return n;
}

async function run(pr: number, extra: string[] = [], d: GithubCommandDeps = deps) {
  const io = captureIo(env);
  const code = await runGithubCommand(["--repo", REPO, "--pr", String(pr), "--api-url", gh.url, ...extra], io, d);
  return { code, out: io.out(), err: io.err() };
}

describe("lkreview github", () => {
  it("posts one review with inline comments on the right lines, a range and a suggestion block", async () => {
    const pr = newPr();
    const r = await run(pr);
    expect(r.code, r.err).toBe(0);
    const pull = gh.pull(REPO, pr);
    expect(pull.reviews).toHaveLength(1);
    const review = pull.reviews[0];
    expect(review?.state).toBe("COMMENTED");
    expect(review?.commit_id).toBe(pull.headSha);
    expect(review?.body).toContain(`<!-- lkreview:review head=${pull.headSha} -->`);

    const typo = pull.comments.find((c) => c.body.includes("suggestion"));
    expect(typo).toMatchObject({ path: "drivers/misc/hook.c", line: 13, side: "RIGHT", start_line: null });
    expect(typo?.body).toContain("```suggestion\n\t/* look up the hook by its identifier */\n```");
    expect(typo?.body).toMatch(/<!-- lkreview:fp=[0-9a-f]{16} -->$/);

    const range = pull.comments.find((c) => c.body.includes("returns 0"));
    expect(range).toMatchObject({ path: "drivers/misc/hook.c", start_line: 15, start_side: "RIGHT", line: 16, side: "RIGHT" });
    expect(pull.comments).toHaveLength(2);
  });

  it("puts commit-message findings in the review body, naming the commit", async () => {
    const pr = newPr();
    await run(pr);
    const body = gh.pull(REPO, pr).reviews[0]?.body ?? "";
    expect(body).toContain(COMMIT_A.sha.slice(0, 12));
    expect(body).toContain("Make sure we recieve only positive values.");
    expect(body).toContain("`receive`");
  });

  it("puts findings outside the diff in the body instead of risking a 422", async () => {
    const pr = newPr();
    const offDiff: GithubCommandDeps = {
      ...deps,
      findings: () => async (patch) =>
        patch.files.length === 0
          ? []
          : [
              {
                rule: "model:lifetime",
                class: "design",
                severity: "warning",
                file: "drivers/misc/hook.c",
                line: 40,
                endLine: 40,
                message: "hook_put() at line 40 can drop the last reference while a callback runs.",
                source: "model",
                fingerprint: "00aa11bb22cc33dd",
                tags: [],
              },
              {
                rule: "model:lifetime",
                class: "design",
                severity: "note",
                file: "include/linux/hook.h",
                line: 3,
                endLine: 3,
                message: "Is the header meant to change too?",
                source: "model",
                fingerprint: "44ee55ff66007788",
                tags: [],
              },
            ],
    };
    const r = await run(pr, [], offDiff);
    expect(r.code, r.err).toBe(0);
    const pull = gh.pull(REPO, pr);
    expect(pull.reviews).toHaveLength(1);
    expect(pull.comments).toHaveLength(0);
    expect(pull.reviews[0]?.body).toContain("`drivers/misc/hook.c` line 40");
    expect(pull.reviews[0]?.body).toContain("`include/linux/hook.h` line 3");
    expect(gh.calls("POST", /\/reviews$/).every((c) => c.status === 200)).toBe(true);
  });

  it("moves every point to the body when GitHub still answers 422", async () => {
    const pr = newPr();
    gh.fail({ kind: "unprocessable", method: "POST", path: new RegExp(`/pulls/${pr}/reviews$`) });
    const r = await run(pr);
    expect(r.code, r.err).toBe(0);
    const pull = gh.pull(REPO, pr);
    expect(pull.reviews).toHaveLength(1);
    expect(pull.comments).toHaveLength(0);
    const body = pull.reviews[0]?.body ?? "";
    expect(body).toContain("`drivers/misc/hook.c` line 13");
    expect(body).toContain("`drivers/misc/hook.c` line 15-16");
    expect(body.match(/<!-- lkreview:fp=/g)).toHaveLength(3);
    expect(r.out).toContain("all points in the body");
  });

  it("posts nothing on a second run at the same head", async () => {
    const pr = newPr();
    await run(pr);
    const again = await run(pr);
    expect(again.code).toBe(0);
    expect(again.out).toContain("already reviewed");
    expect(gh.pull(REPO, pr).reviews).toHaveLength(1);
    expect(gh.calls("POST", new RegExp(`/pulls/${pr}/reviews$`))).toHaveLength(1);
  });

  it("after a push posts only the new findings, and hides outdated ones with --resolve-outdated", async () => {
    const pr = newPr();
    await run(pr);
    const pull = gh.pull(REPO, pr);
    const rangeComment = pull.comments.find((c) => c.body.includes("returns 0"));
    // v2: the error return is fixed, the typo stays, a new typo appears in another file.
    const fixed = HOOK_PATCH.replace("+\t\treturn 0;", "+\t\treturn -EINVAL;").replace("@@ -10,6 +10,12 @@", "@@ -10,6 +10,12 @@");
    const other = {
      filename: "drivers/misc/hook-core.c",
      status: "added" as const,
      patch: "@@ -0,0 +1,2 @@\n+/* find a hook by identifer */\n+int hook_find(int id);",
    };
    gh.push(REPO, pr, sha("e"), [{ ...HOOK_FILE, patch: fixed }, other], [COMMIT_A]);
    const r = await run(pr, ["--resolve-outdated"]);
    expect(r.code, r.err).toBe(0);
    expect(pull.reviews).toHaveLength(2);
    const second = pull.comments.filter((c) => c.pull_request_review_id === pull.reviews[1]?.id);
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({ path: "drivers/misc/hook-core.c", line: 1, side: "RIGHT" });
    expect(pull.reviews[1]?.body).not.toContain(COMMIT_A.sha.slice(0, 12));
    expect(gh.minimized).toContainEqual({ id: rangeComment?.node_id, classifier: "OUTDATED" });
    expect(pull.comments.filter((c) => c.minimized).map((c) => c.id)).toEqual([rangeComment?.id]);
  });

  it("never posts a second review when createReview fails with a 502 after storing it", async () => {
    const pr = newPr();
    gh.fail({ kind: "server-error", method: "POST", path: new RegExp(`/pulls/${pr}/reviews$`), status: 502, afterStore: true });
    const r = await run(pr);
    expect(r.code, r.err).toBe(0);
    expect(gh.pull(REPO, pr).reviews).toHaveLength(1);
    expect(gh.calls("POST", new RegExp(`/pulls/${pr}/reviews$`)).map((c) => c.status)).toEqual([502]);
    expect(r.err).toContain("not posting again");
  });

  it("retries createReview after a 502 that stored nothing, and after a timeout that stored the review it posts once", async () => {
    const pr = newPr();
    gh.fail({ kind: "server-error", method: "POST", path: new RegExp(`/pulls/${pr}/reviews$`), status: 502 });
    const r = await run(pr);
    expect(r.code, r.err).toBe(0);
    expect(gh.calls("POST", new RegExp(`/pulls/${pr}/reviews$`)).map((c) => c.status)).toEqual([502, 200]);
    expect(gh.pull(REPO, pr).reviews).toHaveLength(1);

    const pr2 = newPr();
    gh.fail({ kind: "hang", method: "POST", path: new RegExp(`/pulls/${pr2}/reviews$`), afterStore: true });
    const r2 = await run(pr2, [], { ...deps, client: { ...deps.client, timeoutMs: 400 } });
    expect(r2.code, r2.err).toBe(0);
    expect(gh.pull(REPO, pr2).reviews).toHaveLength(1);
  });

  it("honours secondary and primary rate limits and then succeeds", async () => {
    const pr = newPr();
    gh.fail({ kind: "secondary-rate-limit", method: "GET", path: new RegExp(`/pulls/${pr}/files$`), retryAfter: 1 });
    gh.fail({ kind: "primary-rate-limit", method: "POST", path: new RegExp(`/pulls/${pr}/reviews$`) });
    const r = await run(pr);
    expect(r.code, r.err).toBe(0);
    expect(gh.calls("GET", new RegExp(`/pulls/${pr}/files$`)).map((c) => c.status)).toEqual([403, 200]);
    expect(gh.calls("POST", new RegExp(`/pulls/${pr}/reviews$`)).map((c) => c.status)).toEqual([403, 200]);
    expect(gh.pull(REPO, pr).reviews).toHaveLength(1);
    expect(r.err).toMatch(/secondary rate limit/);
  });

  it("gives up after a bounded number of rate-limit retries", async () => {
    const pr = newPr();
    gh.fail({ kind: "secondary-rate-limit", method: "GET", path: new RegExp(`/pulls/${pr}$`), retryAfter: 1, times: 10 });
    const r = await run(pr);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${REPO}#${pr}`);
    expect(gh.calls("GET", new RegExp(`/pulls/${pr}$`)).length).toBe(4);
    expect(gh.pull(REPO, pr).reviews).toHaveLength(0);
  });

  it("reads every page of a PR's files (Link headers) and comments on a file from a later page", async () => {
    const files = Array.from({ length: 130 }, (_, i) => ({
      filename: `samples/livepatch/part-${String(i).padStart(3, "0")}.c`,
      status: "added" as const,
      patch: `@@ -0,0 +1,2 @@\n+static int part_${i};\n+${i === 120 ? "/* the identifer of part 120 */" : `/* part ${i} */`}`,
    }));
    const pr = newPr(files, [{ sha: sha("c"), message: "samples: add parts\n" }]);
    const r = await run(pr);
    expect(r.code, r.err).toBe(0);
    expect(gh.calls("GET", new RegExp(`/pulls/${pr}/files$`))).toHaveLength(2);
    const pull = gh.pull(REPO, pr);
    expect(pull.comments).toHaveLength(1);
    expect(pull.comments[0]).toMatchObject({ path: "samples/livepatch/part-120.c", line: 2 });
  });

  it("--dry-run prints the review JSON and posts nothing", async () => {
    const pr = newPr();
    const r = await run(pr, ["--dry-run", "--event", "REQUEST_CHANGES"]);
    expect(r.code, r.err).toBe(0);
    const review = JSON.parse(r.out) as { event: string; commit_id: string; comments: { path: string; line: number }[]; body: string };
    expect(review.event).toBe("REQUEST_CHANGES");
    expect(review.commit_id).toBe(gh.pull(REPO, pr).headSha);
    expect(review.comments.map((c) => c.line).sort()).toEqual([13, 16]);
    expect(gh.pull(REPO, pr).reviews).toHaveLength(0);
    expect(gh.calls("POST", new RegExp(`/pulls/${pr}/reviews$`))).toHaveLength(0);
  });

  it("is not silenced by a marker someone else typed into a review", async () => {
    const pr = newPr();
    const pull = gh.pull(REPO, pr);
    gh.addReviewAs(REPO, pr, { login: "mallory", id: 66, type: "User" }, `lgtm\n<!-- lkreview:review head=${pull.headSha} -->`, pull.headSha);
    const r = await run(pr);
    expect(r.code, r.err).toBe(0);
    expect(pull.reviews.filter((rv) => rv.user.login === BOT.login)).toHaveLength(1);
  });

  it("works with an Actions-style token that may not call GET /user", async () => {
    const token = "ghs_test2";
    gh.addToken(token, { login: "github-actions[bot]", id: 42, type: "Bot" }, { installation: true });
    const pr = newPr();
    const io = captureIo({ ...env, GITHUB_TOKEN: token });
    const args = ["--repo", REPO, "--pr", String(pr), "--api-url", gh.url];
    expect(await runGithubCommand(args, io, deps)).toBe(0);
    expect(await runGithubCommand(args, captureIo({ ...env, GITHUB_TOKEN: token }), deps)).toBe(0);
    expect(gh.pull(REPO, pr).reviews).toHaveLength(1);
  });

  it("exits 1 with --fail-on at or below the worst finding, and refuses APPROVE", async () => {
    const pr = newPr();
    expect((await run(pr, ["--fail-on", "error", "--dry-run"])).code).toBe(1);
    expect((await run(pr, ["--fail-on", "none", "--dry-run"])).code).toBe(0);
    const approve = await run(pr, ["--event", "APPROVE"]);
    expect(approve.code).toBe(2);
    expect(approve.err).toContain("APPROVE");
    const noToken = captureIo({ LKREVIEW_CONFIG: env["LKREVIEW_CONFIG"] });
    expect(await runGithubCommand(["--repo", REPO, "--pr", String(pr), "--api-url", gh.url], noToken, deps)).toBe(2);
    expect(noToken.err()).toContain("GITHUB_TOKEN");
    expect(gh.pull(REPO, pr).reviews).toHaveLength(0);
  });

  it("reports a wrong token as one line naming the PR", async () => {
    const io = captureIo({ ...env, GITHUB_TOKEN: "ghp_wrong" });
    const code = await runGithubCommand(["--repo", REPO, "--pr", "1", "--api-url", gh.url], io, deps);
    expect(code).toBe(2);
    expect(io.err()).toMatch(new RegExp(`${REPO}#1: reading the pull request failed \\(HTTP 401\\)`));
    expect(io.err().trim().split("\n"), io.err()).toHaveLength(1);
  });
});
