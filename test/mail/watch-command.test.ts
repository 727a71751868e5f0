import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWatchCommand } from "../../src/mail/watch-command.js";
import { openStore } from "../../src/store/open.js";
import { startDovecot } from "../helpers/dovecot.js";
import type { Dovecot } from "../helpers/dovecot.js";
import { patchMail, tempStore } from "./fixtures.js";

let dovecot: Dovecot;
const dirs: string[] = [];

beforeAll(async () => {
  dovecot = await startDovecot({ pass: "imap-Pa55word" });
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset if beforeAll failed early
  await dovecot?.destroy();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env },
    out,
    err,
  };
}

describe("lkreview watch (command line)", () => {
  it("--once reads the mailbox, checkpoints through the store, and never prints the password", async () => {
    const { store, dir, db } = await tempStore();
    await store.close();
    dirs.push(dir);
    const config = join(dir, "lkreview.yaml");
    writeFileSync(config, "from: lkreview <bot@example.org>\nimap:\n  mailbox: cli\n");
    await dovecot.append("cli", patchMail({ id: "<cli-1@example.org>", subject: "[PATCH] livepatch: cli one" }));
    await dovecot.append("cli", "From: a@example.org\r\nSubject: chat\r\nMessage-ID: <cli-chat@example.org>\r\n\r\nhello\r\n");
    const args = ["--once", "--imap", dovecot.url, "--deliver", "dry-run", "--outbox", join(dir, "out"), "--db", db, "--config", config];
    const first = io();
    expect(await runWatchCommand(args, first.io)).toBe(0);
    const log = first.err.join("");
    expect(log).toContain("watching imap://bot:***@127.0.0.1");
    expect(log).not.toContain("imap-Pa55word");

    const s = await openStore(db);
    const cps = [await s.getImapCheckpoint(`bot@127.0.0.1:${dovecot.port}`, "cli")];
    expect(cps[0]?.lastUid).toBe(2);
    expect(await s.hasSeen("<cli-1@example.org>")).toBe(true);
    expect(await s.hasSeen("<cli-chat@example.org>")).toBe(true);
    await s.close();

    const second = io();
    expect(await runWatchCommand(args, second.io)).toBe(0);
    expect(second.out.join("")).toBe("");
  });

  it("takes the IMAP user and password from the environment", async () => {
    const { store, dir, db } = await tempStore();
    await store.close();
    dirs.push(dir);
    const r = io({ LKREVIEW_IMAP_USER: "bot", LKREVIEW_IMAP_PASS: "imap-Pa55word" });
    const code = await runWatchCommand(
      ["--once", "--imap", `imap://127.0.0.1:${dovecot.port}`, "--mailbox", "INBOX", "--db", db, "--outbox", join(dir, "out")],
      r.io,
    );
    expect(r.err.join("")).toContain("watching imap://127.0.0.1");
    expect(code).toBe(0);
  });

  it("a wrong password fails --once with exit status 2 and a one-line error without the secret", async () => {
    const { store, dir, db } = await tempStore();
    await store.close();
    dirs.push(dir);
    const r = io();
    const code = await runWatchCommand(["--once", "--imap", `imap://bot:not-it@127.0.0.1:${dovecot.port}`, "--db", db, "--outbox", join(dir, "out")], r.io);
    expect(code).toBe(2);
    expect(r.err.join("")).toMatch(/imap:\/\/bot:\*\*\*@127\.0\.0\.1:\d+: IMAP connect failed/);
    expect(r.err.join("")).not.toContain("not-it");
  });

  it("refuses bad usage with exit status 2", async () => {
    const cases: string[][] = [
      ["--once", "--imap", dovecot.url, "--deliver", "sometimes"],
      ["--once", "--deliver", "dry-run"],
      ["--once", "--imap", dovecot.url, "--deliver", "send"],
      ["--once", "--imap", "http://example.org"],
      ["--bogus"],
    ];
    for (const args of cases) {
      const r = io();
      expect(await runWatchCommand(args, r.io), args.join(" ")).toBe(2);
      expect(r.err.join("")).toMatch(/^lkreview watch: /);
    }
    const help = io();
    expect(await runWatchCommand(["--help"], help.io)).toBe(0);
    expect(help.out.join("")).toContain("--deliver MODE");
  });
});
