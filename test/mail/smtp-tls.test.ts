import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDovecot } from "../helpers/dovecot.js";
import type { Dovecot } from "../helpers/dovecot.js";
import { startSmtpSink } from "../helpers/smtp-sink.js";
import type { SmtpSink } from "../helpers/smtp-sink.js";
import { buildChild, removeChild, runChild } from "./child.js";
import { patchMail, tempStore } from "./fixtures.js";

let dovecot: Dovecot;
let starttls: SmtpSink;
let implicit: SmtpSink;
let child = "";
let certDir = "";
const dirs: string[] = [];

beforeAll(async () => {
  // A throwaway certificate for 127.0.0.1; the child trusts it through
  // Node's own NODE_EXTRA_CA_CERTS, as a deployment with a private CA would.
  certDir = mkdtempSync(join(tmpdir(), "lkr-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-keyout",
      join(certDir, "key.pem"),
      "-out",
      join(certDir, "cert.pem"),
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  const tls = { key: readFileSync(join(certDir, "key.pem"), "utf8"), cert: readFileSync(join(certDir, "cert.pem"), "utf8") };
  [dovecot, starttls, implicit, child] = await Promise.all([
    startDovecot(),
    startSmtpSink({ tls, auth: { user: "bot", pass: "tls-Pa55" } }),
    startSmtpSink({ tls: { ...tls, implicit: true } }),
    buildChild("tls"),
  ]);
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset if beforeAll failed early
  await Promise.all([dovecot?.destroy(), starttls?.close(), implicit?.close()]);
  removeChild(child);
  for (const d of [...dirs, certDir]) rmSync(d, { recursive: true, force: true });
});

describe("SMTP over TLS", () => {
  it("smtp:// upgrades with STARTTLS when the server offers it, then authenticates", async () => {
    const { store, dir, db } = await tempStore();
    await store.close();
    dirs.push(dir);
    await dovecot.append("tls1", patchMail({ id: "<tls-1@example.org>", subject: "[PATCH] livepatch: tls one" }));
    const cfg = { imap: { url: dovecot.url, mailbox: "tls1" }, smtp: { url: starttls.url }, deliver: "send" };
    const r = await runChild(child, cfg, db, { NODE_EXTRA_CA_CERTS: join(certDir, "cert.pem") });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("tls-Pa55");
    expect(starttls.received).toHaveLength(1);
    expect(starttls.received[0]).toMatchObject({ secure: true, user: "bot" });
  });

  it("smtps:// speaks TLS from the first byte", async () => {
    const { store, dir, db } = await tempStore();
    await store.close();
    dirs.push(dir);
    await dovecot.append("tls2", patchMail({ id: "<tls-2@example.org>", subject: "[PATCH] livepatch: tls two" }));
    const cfg = { imap: { url: dovecot.url, mailbox: "tls2" }, smtp: { url: implicit.url }, deliver: "send" };
    const r = await runChild(child, cfg, db, { NODE_EXTRA_CA_CERTS: join(certDir, "cert.pem") });
    expect(r.code, r.stderr).toBe(0);
    expect(implicit.received).toHaveLength(1);
    expect(implicit.received[0]?.secure).toBe(true);
  });

  it("an untrusted certificate is a network fault: the reply stays in the outbox for a retry", async () => {
    const { store, dir, db } = await tempStore();
    await store.close();
    dirs.push(dir);
    await dovecot.append("tls3", patchMail({ id: "<tls-3@example.org>", subject: "[PATCH] livepatch: tls three" }));
    const cfg = { imap: { url: dovecot.url, mailbox: "tls3" }, smtp: { url: implicit.url }, deliver: "send" };
    const before = implicit.received.length;
    const r = await runChild(child, cfg, db);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/will retry .*network/);
    expect(implicit.received.length).toBe(before);
  });
});
