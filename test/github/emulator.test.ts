import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGithubClient } from "../../src/github/client.js";
import { GithubEmulator } from "../helpers/github-server.js";
import { BOT, HOOK_FILE, TOKEN, sha } from "./fixtures.js";

/** The emulator itself, through the real octokit: GitHub's documented pagination and 422 behaviour. */

const REPO = "kdev/emu";
let gh: GithubEmulator;

beforeAll(async () => {
  gh = new GithubEmulator();
  gh.addToken(TOKEN, BOT);
  await gh.start();
  gh.addPull(REPO, {
    number: 1,
    headSha: sha("1"),
    files: Array.from({ length: 31 }, (_, i) => ({ filename: `f${i}.c`, patch: "@@ -1 +1 @@\n-a\n+b" })),
    commits: [],
  });
  gh.addPull(REPO, { number: 2, headSha: sha("2"), files: [HOOK_FILE], commits: [] });
});

afterAll(async () => {
  await gh.stop();
});

describe("GitHub emulator", () => {
  it("pages files 30 at a time by default with Link headers", async () => {
    const client = createGithubClient({ token: TOKEN, apiUrl: gh.url });
    const first = await client.rest.pulls.listFiles({ owner: "kdev", repo: "emu", pull_number: 1 });
    expect(first.data).toHaveLength(30);
    expect(first.headers.link).toMatch(/page=2>; rel="next"/);
    const all = await client.paginate(client.rest.pulls.listFiles, { owner: "kdev", repo: "emu", pull_number: 1 });
    expect(all).toHaveLength(31);
  });

  it("refuses a review whose comment is off the diff with GitHub's 422 body, storing nothing", async () => {
    const client = createGithubClient({ token: TOKEN, apiUrl: gh.url });
    const err = await client.rest.pulls
      .createReview({
        owner: "kdev",
        repo: "emu",
        pull_number: 2,
        event: "COMMENT",
        body: "x",
        comments: [
          { path: "drivers/misc/hook.c", line: 13, side: "RIGHT", body: "ok" },
          { path: "drivers/misc/hook.c", line: 30, side: "RIGHT", body: "off" },
        ],
      })
      .catch((e: unknown) => e);
    const re = err as { status?: number; response?: { data?: unknown } };
    expect(re.status).toBe(422);
    expect(re.response?.data).toMatchObject({ message: "Unprocessable Entity", errors: ["Pull request review thread line must be part of the diff"] });
    expect(gh.pull(REPO, 2).reviews).toHaveLength(0);
  });

  it("refuses a range that leaves its hunk, and accepts LEFT-side comments on deleted lines", async () => {
    const client = createGithubClient({ token: TOKEN, apiUrl: gh.url });
    const bad = await client.rest.pulls
      .createReview({
        owner: "kdev",
        repo: "emu",
        pull_number: 2,
        event: "COMMENT",
        body: "x",
        comments: [{ path: "drivers/misc/hook.c", start_line: 5, line: 13, side: "RIGHT", body: "r" }],
      })
      .catch((e: unknown) => e);
    expect((bad as { status?: number }).status).toBe(422);
    // A fresh client: octokit spaces two review POSTs of one client by seconds.
    const ok = await createGithubClient({ token: TOKEN, apiUrl: gh.url }).rest.pulls.createReview({
      owner: "kdev",
      repo: "emu",
      pull_number: 1,
      event: "COMMENT",
      body: "x",
      comments: [{ path: "f0.c", line: 1, side: "LEFT", body: "l" }],
    });
    expect(ok.status).toBe(200);
  });
});
