import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/store.js";
import { createWebServer } from "../../src/web/server.js";
import type { WebServer } from "../../src/web/server.js";
import { launchChromium } from "../helpers/chromium.js";
import { draftFor, finding, newItem } from "../store/fixtures.js";

const XSS_SUBJECT = `[PATCH] livepatch: <script>alert(1)</script> and <img src=x onerror="alert(2)">`;
const XSS_MESSAGE = `The comment says <img src=x onerror=alert(3)> but the code does <script>alert(4)</script>.`;

let dir: string;
let store: Store;
let web: WebServer;
let browser: Browser;
let ids: { bad: number; clean: number; xss: number };
const dialogs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lkreview-web-"));
  store = await openStore(join(dir, "web.sqlite"));
  const bad = await store.upsertItem(
    newItem(1, {
      findings: [
        finding("errcode", "error", "w001", { line: 13, endLine: 13 }),
        finding("typo", "note", "w002", { class: "typo", file: "COMMIT_MSG", line: 1, endLine: 1, message: '"callbacks"' }),
      ],
      draft: draftFor(1),
    }),
  );
  const clean = await store.upsertItem(newItem(2, { author: "Bob Hacker <bob@example.com>", paths: ["kernel/bpf/verifier.c"] }));
  const xss = await store.upsertItem(
    newItem(3, {
      subject: XSS_SUBJECT,
      author: `"<script>alert(5)</script>" <evil@example.org>`,
      findings: [finding("warn", "warning", "w003", { message: XSS_MESSAGE })],
      draft: `${draftFor(3)}</textarea><script>alert(6)</script>\n`,
    }),
  );
  ids = { bad: bad.id, clean: clean.id, xss: xss.id };
  web = await createWebServer({ store, host: "127.0.0.1", port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset if beforeAll failed early */
  await browser?.close();
  await web?.close();
  await store?.close();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
  rmSync(dir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return page;
}

const rowIds = async (page: Page): Promise<number[]> =>
  // Typed by hand: the project's lib has no DOM, so Playwright's element type does not resolve here.
  page.locator("tbody tr[data-id]").evaluateAll((rows: { getAttribute(name: string): string | null }[]) => rows.map((r) => Number(r.getAttribute("data-id"))));

describe("web page in Chromium", () => {
  it("lists the queue, filters it and sorts it by column", async () => {
    const page = await newPage();
    const res = await page.goto(`${web.url}/`);
    expect(res?.headers()["content-security-policy"]).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(res?.headers()["x-content-type-options"]).toBe("nosniff");
    expect(await rowIds(page)).toEqual([ids.bad, ids.xss, ids.clean]);
    await expect(page.getByRole("link", { name: "[PATCH 1/9] livepatch: Track callback states per object" }).count()).resolves.toBe(1);

    await page.selectOption("select[name=state]", "clean");
    await page.click("button:has-text('Filter')");
    expect(await rowIds(page)).toEqual([ids.clean]);
    await page.goto(`${web.url}/`);
    await page.fill("input[name=author]", "BOB");
    await page.click("button:has-text('Filter')");
    expect(await rowIds(page)).toEqual([ids.clean]);
    await page.goto(`${web.url}/`);
    await page.fill("input[name=path]", "livepatch/state");
    await page.click("button:has-text('Filter')");
    expect((await rowIds(page)).sort()).toEqual([ids.bad, ids.xss].sort());

    await page.goto(`${web.url}/`);
    await page.click("th a:has-text('ID')");
    expect(await rowIds(page)).toEqual([ids.bad, ids.clean, ids.xss]);
    await page.click("th a:has-text('ID')");
    expect(await rowIds(page)).toEqual([ids.xss, ids.clean, ids.bad]);
    await page.close();
  });

  it("shows findings beside the quoted diff and the draft, and approve changes the state", async () => {
    const page = await newPage();
    await page.goto(`${web.url}/items/${ids.bad}`);
    const card = page.locator(".finding[data-fingerprint=w001]");
    await expect(card.locator("pre").innerText()).resolves.toContain('+\t\tpr_err("invalid hook value %ld\\n", val);');
    await expect(card.locator("p.message").innerText()).resolves.toContain("Shouldn't it return -EINVAL?");
    await expect(page.locator("textarea[name=draft]").inputValue()).resolves.toBe(draftFor(1));

    await page.click("button:has-text('Approve')");
    await expect(page.locator("#state").innerText()).resolves.toBe("approved");
    await expect(page.locator(".flash").innerText()).resolves.toContain("Approved");
    expect((await store.getItem(ids.bad))?.state).toBe("approved");
    await page.close();
  });

  it("saves an edited draft, marks a false positive and undoes it", async () => {
    const page = await newPage();
    await page.goto(`${web.url}/items/${ids.bad}`);
    await page.fill("textarea[name=draft]", `${draftFor(1)}Also, "identifer" -> "identifier".\n`);
    await page.click("button:has-text('Save draft')");
    expect((await store.getItem(ids.bad))?.draft).toContain('"identifer" -> "identifier"');

    await page.fill(".finding[data-fingerprint=w002] input[name=reason]", "the word is right here");
    await page.click(".finding[data-fingerprint=w002] button:has-text('False positive')");
    await expect(page.locator(".finding[data-fingerprint=w002]").innerText()).resolves.toContain("Marked false positive");
    expect(await store.isSuppressed("typo", "w002")).toBe(true);

    await page.goto(`${web.url}/suppressions`);
    await expect(page.locator("tbody").innerText()).resolves.toContain("the word is right here");
    await page.click("button:has-text('Undo')");
    await expect(page.locator("tbody").innerText()).resolves.toContain("None.");
    expect(await store.isSuppressed("typo", "w002")).toBe(false);
    await page.close();
  });

  it("assigns an item, adds a note, and filters the queue by assignee", async () => {
    const page = await newPage();
    await page.goto(`${web.url}/items/${ids.clean}`);
    await expect(page.locator("#assignee").innerText()).resolves.toBe("nobody");
    await page.fill("input[name=assignee]", "miroslav");
    await page.click("button:has-text('Assign')");
    await expect(page.locator(".flash").innerText()).resolves.toContain("Assignee saved.");
    await expect(page.locator("#assignee").innerText()).resolves.toBe("miroslav");
    await page.fill("input[name=note]", "<b>wait</b> for v2");
    await page.click("button:has-text('Add note')");
    await expect(page.locator("#notes li .note").innerText()).resolves.toBe("<b>wait</b> for v2");
    await expect(page.locator("#notes li").innerText()).resolves.toContain("web");

    await page.goto(`${web.url}/`);
    await page.fill("input[name=assignee]", "miroslav");
    await page.click("button:has-text('Filter')");
    expect(await rowIds(page)).toEqual([ids.clean]);
    await page.fill("input[name=assignee]", "-");
    await page.click("button:has-text('Filter')");
    expect(await rowIds(page)).not.toContain(ids.clean);

    const forged = await fetch(`${web.url}/items/${ids.clean}/note`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "note=forged",
    });
    expect(forged.status).toBe(403);
    expect((await store.getItem(ids.clean))?.notes.map((x) => x.text)).toEqual(["<b>wait</b> for v2"]);
    await page.close();
  });

  it("renders script and onerror from a patch as inert text", async () => {
    const page = await newPage();
    await page.goto(`${web.url}/`);
    await expect(page.locator(`tr[data-id="${ids.xss}"] td.subject`).innerText()).resolves.toBe(XSS_SUBJECT);
    await page.goto(`${web.url}/items/${ids.xss}`);
    await expect(page.locator("h1").innerText()).resolves.toBe(XSS_SUBJECT);
    await expect(page.locator(".finding p.message").innerText()).resolves.toBe(XSS_MESSAGE);
    await expect(page.locator("textarea[name=draft]").inputValue()).resolves.toContain("</textarea><script>alert(6)</script>");
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator("main img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});

describe("web page defences", () => {
  it("refuses a POST without the CSRF token, or with a foreign Origin", async () => {
    const page = await newPage();
    await page.goto(`${web.url}/items/${ids.clean}`);
    // Same browser session (cookie present), but no token: the state must not change.
    const noToken = await page.request.post(`${web.url}/items/${ids.clean}/dismiss`, { form: { x: "1" } });
    expect(noToken.status()).toBe(403);
    const token = await page.locator("input[name=_csrf]").first().inputValue();
    const foreign = await page.request.post(`${web.url}/items/${ids.clean}/dismiss`, {
      form: { _csrf: token },
      headers: { Origin: "http://evil.example" },
    });
    expect(foreign.status()).toBe(403);
    const wrong = await fetch(`${web.url}/items/${ids.clean}/dismiss`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `_csrf=${encodeURIComponent(token)}`,
      redirect: "manual",
    });
    expect(wrong.status).toBe(403);
    expect((await store.getItem(ids.clean))?.state).toBe("clean");
    await page.close();
  });

  it("answers only loopback host names when no token is set (DNS rebinding)", async () => {
    // fetch cannot set Host (a forbidden header), so a raw request plays the rebinding page.
    expect(await rawStatus(web.port, "evil.example:80")).toBe(403);
    expect(await rawStatus(web.port, `localhost:${web.port}`)).toBe(200);
  });

  it("refuses to start on a non-loopback address without a token", async () => {
    await expect(createWebServer({ store, host: "0.0.0.0", port: 0 })).rejects.toThrow("a token is required");
    const ok = await createWebServer({ store, host: "0.0.0.0", port: 0, token: "s3cret-token" });
    await ok.close();
  });

  it("with a token, needs a Bearer header or the login form", async () => {
    const guarded = await createWebServer({ store, host: "127.0.0.1", port: 0, token: "s3cret-token", basePath: "/lkr" });
    try {
      const anon = await fetch(`${guarded.url}/`, { redirect: "manual" });
      expect(anon.status).toBe(303);
      expect(anon.headers.get("location")).toBe("/lkr/login");
      const bearer = await fetch(`${guarded.url}/`, { headers: { Authorization: "Bearer s3cret-token" } });
      expect(bearer.status).toBe(200);
      expect(await bearer.text()).toContain("Review queue");
      expect((await fetch(`${guarded.url}/`, { headers: { Authorization: "Bearer nope" }, redirect: "manual" })).status).toBe(303);

      const page = await newPage();
      await page.goto(`${guarded.url}/`);
      await page.fill("input[name=token]", "wrong");
      await page.click("button:has-text('Log in')");
      await expect(page.locator(".error").innerText()).resolves.toBe("Wrong token.");
      await page.fill("input[name=token]", "s3cret-token");
      await page.click("button:has-text('Log in')");
      await expect(page.locator("h1").innerText()).resolves.toBe("Review queue");
      const cookies = await page.context().cookies();
      const auth = cookies.find((c) => c.name === "lkr_auth");
      expect(auth).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/lkr" });
      await page.close();
    } finally {
      await guarded.close();
    }
  });

  it("mounts extra routes such as the GitHub webhook", async () => {
    const hooked = await createWebServer({
      store,
      port: 0,
      extraRoutes: [
        {
          method: "POST",
          path: "/github/webhook",
          handler: (_req, res) => {
            res.writeHead(202, { "content-type": "text/plain" });
            res.end("accepted");
          },
        },
      ],
    });
    try {
      const r = await fetch(`${hooked.url}/github/webhook`, { method: "POST", body: "{}" });
      expect([r.status, await r.text()]).toEqual([202, "accepted"]);
    } finally {
      await hooked.close();
    }
  });
});

async function rawStatus(port: number, host: string): Promise<number> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}
