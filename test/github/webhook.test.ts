import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhooks } from "@octokit/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/config.js";
import { createGithubReviewer, rulesFindingSource } from "../../src/github/command.js";
import { createGithubWebhookHandler } from "../../src/github/webhook.js";
import { GithubEmulator } from "../helpers/github-server.js";
import { BOT, COMMIT_A, HOOK_FILE, TEST_RULES, TOKEN, sha } from "./fixtures.js";

const SECRET = "whsec-test";
let server: Server;
let url = "";
const reviewed: string[] = [];
let notify: (() => void) | null = null;

beforeAll(async () => {
  const handler = createGithubWebhookHandler({
    secret: SECRET,
    review: async (repo, pr) => {
      reviewed.push(`${repo}#${pr}`);
      notify?.();
    },
  });
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/github/webhook`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function payload(action: string, pr = 5): string {
  return JSON.stringify({ action, number: pr, pull_request: { number: pr, head: { sha: "a".repeat(40) } }, repository: { full_name: "kdev/livepatch-tools" } });
}

async function deliver(body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  await res.arrayBuffer();
  return res.status;
}

describe("GitHub webhook", () => {
  it("accepts a correctly signed pull_request opened delivery and reviews that PR", async () => {
    const body = payload("opened", 5);
    const signature = await new Webhooks({ secret: SECRET }).sign(body);
    const done = new Promise<void>((resolve) => (notify = resolve));
    expect(await deliver(body, { "x-github-event": "pull_request", "x-hub-signature-256": signature })).toBe(202);
    await done;
    expect(reviewed).toContain("kdev/livepatch-tools#5");
  });

  it("reviews on synchronize too, and ignores other actions and events", async () => {
    const sign = (b: string) => new Webhooks({ secret: SECRET }).sign(b);
    const sync = payload("synchronize", 6);
    const done = new Promise<void>((resolve) => (notify = resolve));
    expect(await deliver(sync, { "x-github-event": "pull_request", "x-hub-signature-256": await sign(sync) })).toBe(202);
    await done;
    expect(reviewed).toContain("kdev/livepatch-tools#6");
    const closed = payload("closed", 7);
    expect(await deliver(closed, { "x-github-event": "pull_request", "x-hub-signature-256": await sign(closed) })).toBe(204);
    const ping = JSON.stringify({ zen: "Keep it logically awesome." });
    expect(await deliver(ping, { "x-github-event": "ping", "x-hub-signature-256": await sign(ping) })).toBe(204);
    expect(reviewed).not.toContain("kdev/livepatch-tools#7");
  });

  it("refuses a forged or missing signature with 401 and reviews nothing", async () => {
    const body = payload("opened", 8);
    const forged = await new Webhooks({ secret: "not-the-secret" }).sign(body);
    expect(await deliver(body, { "x-github-event": "pull_request", "x-hub-signature-256": forged })).toBe(401);
    expect(await deliver(body, { "x-github-event": "pull_request" })).toBe(401);
    const tampered = await new Webhooks({ secret: SECRET }).sign(payload("opened", 9));
    expect(await deliver(body, { "x-github-event": "pull_request", "x-hub-signature-256": tampered })).toBe(401);
    expect(reviewed.filter((r) => r.endsWith("#8") || r.endsWith("#9"))).toEqual([]);
  });

  it("refuses a body over 5 MB with 413", async () => {
    const big = JSON.stringify({ action: "opened", filler: "x".repeat(5 * 1024 * 1024 + 10) });
    const status = await fetch(url, { method: "POST", body: big, headers: { "x-github-event": "pull_request", "x-hub-signature-256": "sha256=00" } }).then(
      (r) => r.status,
    );
    expect(status).toBe(413);
  });

  it("refuses a chunked body that grows past the cap with 413", async () => {
    const small = createServer(createGithubWebhookHandler({ secret: "s", review: async () => undefined, maxBodyBytes: 1024 }));
    await new Promise<void>((resolve) => small.listen(0, "127.0.0.1", resolve));
    const smallUrl = `http://127.0.0.1:${(small.address() as AddressInfo).port}/`;
    const chunk = new TextEncoder().encode("x".repeat(512));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(smallUrl, {
      method: "POST",
      body,
      duplex: "half",
      headers: { "x-github-event": "pull_request", "x-hub-signature-256": "sha256=00" },
    });
    expect(res.status).toBe(413);
    small.closeAllConnections();
    await new Promise<void>((resolve) => small.close(() => resolve()));
  });

  it("reviews the PR on GitHub when mounted with the GitHub reviewer", async () => {
    const gh = new GithubEmulator();
    gh.addToken(TOKEN, BOT);
    await gh.start();
    try {
      gh.addPull("kdev/hooked", { number: 3, headSha: sha("3"), files: [HOOK_FILE], commits: [COMMIT_A] });
      const config = ConfigSchema.parse({ github: { token: TOKEN, apiUrl: gh.url } });
      const reviewer = createGithubReviewer(config, { findings: rulesFindingSource(config, TEST_RULES), warn: () => undefined });
      let finished!: () => void;
      const done = new Promise<void>((resolve) => (finished = resolve));
      const hook = createServer(createGithubWebhookHandler({ secret: SECRET, review: (repo, pr) => reviewer(repo, pr).finally(finished) }));
      await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
      const body = JSON.stringify({ action: "opened", number: 3, pull_request: { number: 3 }, repository: { full_name: "kdev/hooked" } });
      const res = await fetch(`http://127.0.0.1:${(hook.address() as AddressInfo).port}/github/webhook`, {
        method: "POST",
        body,
        headers: { "x-github-event": "pull_request", "x-hub-signature-256": await new Webhooks({ secret: SECRET }).sign(body) },
      });
      expect(res.status).toBe(202);
      await done;
      expect(gh.pull("kdev/hooked", 3).reviews).toHaveLength(1);
      expect(gh.pull("kdev/hooked", 3).comments).toHaveLength(2);
      hook.closeAllConnections();
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    } finally {
      await gh.stop();
    }
  });
});
