import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRASH_AFTER_SMTP_ENV } from "../../src/mail/outbox.js";
import { openStore } from "../../src/store/open.js";
import { startDovecot } from "../helpers/dovecot.js";
import type { Dovecot } from "../helpers/dovecot.js";
import { patchMail } from "../mail/fixtures.js";
import { buildCli, removeCli } from "./cli-bundle.js";
import { startEchoSmtp } from "./echo-smtp.js";
import type { EchoSmtp } from "./echo-smtp.js";

/**
 * Crash safety with real servers: `lkreview watch --once --deliver send`
 * over 200 patches in a real Dovecot, replies to a real SMTP server, the
 * process SIGKILLed at random moments and restarted until a run ends by
 * itself. Then every patch has exactly one reply Message-ID and every
 * Message-ID was delivered exactly once.
 *
 * Why "exactly once" can be strict here: the outbox records an attempt
 * before the SMTP transaction, and after a crash resends only when the
 * list's echo of the reply is not in the mailbox (src/mail/outbox.ts). This
 * SMTP server echoes into the mailbox before it answers 250, so a reply the
 * server accepted is always found, and a reply it never accepted was never
 * delivered: neither case can double.
 */

const PATCHES = 200;
const MAILBOX = "crash";

let dovecot: Dovecot;
let smtp: EchoSmtp;
let cli = "";
let dir = "";

beforeAll(async () => {
  [dovecot, cli] = await Promise.all([startDovecot(), buildCli("crash")]);
  dir = mkdtempSync(join(tmpdir(), "lkr-crash-"));
  const c = await dovecot.client();
  try {
    await c.mailboxCreate(MAILBOX);
    for (let i = 0; i < PATCHES; i++) {
      const raw = patchMail({
        id: `<crash-${i}@example.org>`,
        subject: `[PATCH] livepatch: Retry task ${i}`,
        added: [`\t/* recieve the state of task ${i} */`, "\tklp_try_switch_task(task);"],
      });
      await c.append(MAILBOX, Buffer.from(raw), []);
    }
  } finally {
    await c.logout();
  }
  smtp = await startEchoSmtp({ host: dovecot.host, port: dovecot.port, user: dovecot.user, pass: dovecot.pass, mailbox: MAILBOX });
});

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset if beforeAll failed early */
  await smtp?.close();
  await dovecot?.destroy();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
  removeCli(cli);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One `watch --once` run, killed with SIGKILL after `killAfterMs` unless it
 * ends first. With `afterSmtp`, the outbox's test hook kills the process right
 * after the SMTP server accepted a reply and before that is recorded: the
 * worst moment, hit on purpose rather than by luck.
 */
function runWatch(
  config: string,
  killAfterMs: number | null,
  afterSmtp = false,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, "watch", "--once", "--deliver", "send", "--no-model", "--config", config], {
      cwd: dir,
      env: { PATH: process.env["PATH"] ?? "", HOME: dir, ...(afterSmtp ? { [CRASH_AFTER_SMTP_ENV]: "1" } : {}) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    p.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const timer = killAfterMs === null ? null : setTimeout(() => p.kill("SIGKILL"), killAfterMs);
    p.on("error", reject);
    p.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

function header(raw: string, name: string): string | null {
  const head = raw.slice(0, raw.indexOf("\r\n\r\n"));
  return new RegExp(`^${name}: *(\\S+)`, "im").exec(head)?.[1] ?? null;
}

describe("watch killed at random moments", () => {
  it("ends with every patch reviewed once and every reply delivered once", async () => {
    const db = join(dir, "state.sqlite");
    const config = join(dir, "lkreview.yaml");
    writeFileSync(
      config,
      [
        'from: "lkreview <bot@example.org>"',
        `db: ${JSON.stringify(db)}`,
        `imap: { url: ${JSON.stringify(dovecot.url)}, mailbox: ${MAILBOX} }`,
        `smtp: { url: ${JSON.stringify(smtp.url)} }`,
        // One cheap rule: the test is about crashes, not about rules.
        "rules: { errcode: off, kdoc: off, unreleased: off, warn: off }",
        'lists: [{ list: "*", max_per_hour: 100000 }]',
        "",
      ].join("\n"),
    );
    const seed = Number(process.env["LKR_CRASH_SEED"] ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const runs: string[] = [];
    let kills = 0;
    let finished = false;
    // Twelve kills: early ones (start-up, fetching, reviewing) alternate with
    // later ones (putting replies in the outbox, sending), and rounds 3 and 8
    // die right after an SMTP acceptance. Then a run is left to finish.
    for (let round = 0; round < 40 && !finished; round++) {
      const afterSmtp = round === 3 || round === 8;
      const killAt = round >= 12 || afterSmtp ? null : Math.round(round % 2 === 0 ? 150 + random() * 1200 : 1500 + random() * 2500);
      await smtp.settled();
      const before = smtp.received.length;
      const r = await runWatch(config, killAt, afterSmtp);
      runs.push(`${afterSmtp ? "after-smtp" : `${killAt ?? "-"}ms`}: ${r.signal ?? r.code} (+${smtp.received.length - before} sent)`);
      if (afterSmtp) {
        // The hook fired: one reply accepted by the server, then death.
        expect(r.signal, r.stderr.slice(-1000)).toBe("SIGKILL");
        expect(smtp.received.length - before).toBe(1);
      }
      if (r.signal === "SIGKILL") kills++;
      else {
        expect(r.code, `seed ${seed}, run ${round}: ${r.stderr.slice(-1500)}`).toBe(0);
        finished = true;
      }
    }
    const story = `seed ${seed}; runs: ${runs.join(", ")}`;
    expect(finished, story).toBe(true);
    expect(kills, story).toBeGreaterThan(0);

    // Every patch got exactly one reply Message-ID, and each was delivered once.
    const byPatch = new Map<string, string[]>();
    for (const raw of smtp.received) {
      const parent = header(raw, "In-Reply-To");
      const id = header(raw, "Message-ID");
      expect(parent, story).not.toBeNull();
      expect(id, story).not.toBeNull();
      expect(raw.endsWith("Automated review; reply to this mail if a point is wrong.\r\n"), story).toBe(true);
      byPatch.set(parent ?? "", [...(byPatch.get(parent ?? "") ?? []), id ?? ""]);
    }
    const expected = Array.from({ length: PATCHES }, (_, i) => `<crash-${i}@example.org>`).sort();
    expect([...byPatch.keys()].sort(), story).toEqual(expected);
    for (const [parent, ids] of byPatch) expect(ids, `${parent}: ${story}`).toHaveLength(1);
    expect(new Set(smtp.received.map((r) => header(r, "Message-ID"))).size, story).toBe(PATCHES);

    // The store agrees: nothing left to send, every patch marked as seen.
    const store = await openStore(db);
    try {
      expect(await store.outboxDue(new Date(Date.now() + 86_400_000)), story).toHaveLength(0);
      for (const id of expected) expect(await store.hasSeen(id), id).toBe(true);
    } finally {
      await store.close();
    }

    // A further run finds nothing to do and sends nothing.
    const again = await runWatch(config, null);
    expect(again.code).toBe(0);
    expect(smtp.received).toHaveLength(PATCHES);
  });
});
