import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import { sparePort } from "./spare-port.js";

/**
 * A real Dovecot (Debian's `dovecot-imapd`) on 127.0.0.1 with a config of its
 * own in a temp dir: no system config, plaintext auth (loopback only, no TLS),
 * a passwd-file with one user, maildir storage under the temp dir. Mail is put
 * in with IMAP APPEND, as a list's delivery agent would.
 */
export interface Dovecot {
  host: string;
  port: number;
  user: string;
  pass: string;
  /** `imap://user:pass@127.0.0.1:port`. */
  url: string;
  dir: string;
  /** Stops the server (the maildir stays), for restart tests. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same maildir. */
  start(): Promise<void>;
  /** Stops it and removes the temp dir. */
  destroy(): Promise<void>;
  /** A connected client (caller logs out). */
  client(): Promise<ImapFlow>;
  /** APPENDs one message; returns its UID. */
  append(mailbox: string, raw: string | Buffer, opts?: { flags?: string[]; internalDate?: Date }): Promise<number>;
  /** Flags of the message whose Message-ID header is `messageId`. */
  flagsOf(mailbox: string, messageId: string): Promise<string[]>;
  /** Deletes and recreates a mailbox (a new UIDVALIDITY), then re-APPENDs `messages`. */
  recreate(mailbox: string, messages: string[]): Promise<void>;
}

function findDovecot(): string {
  for (const p of ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]) if (existsSync(p)) return p;
  const which = spawnSync("sh", ["-c", "command -v dovecot"], { encoding: "utf8" });
  const found = which.stdout.trim();
  if (found) return found;
  throw new Error("dovecot binary not found: install Debian's dovecot-imapd (apt-get install -y dovecot-imapd)");
}

async function waitForPort(port: number, deadlineMs: number, logFile: string): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: "127.0.0.1", port });
      s.once("data", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) {
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-2000) : "";
      throw new Error(`dovecot did not start listening on 127.0.0.1:${port}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function configText(dir: string, port: number, uid: number, gid: number, capability?: string): string {
  // Root runs the tests in CI containers; the internal users (dovecot,
  // dovenull) come from the Debian package.
  return `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
${capability ? `imap_capability = ${capability}` : ""}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:${dir}/mail/%u
mail_uid = ${uid}
mail_gid = ${gid}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
  }
}
`;
}

/**
 * Starts a private Dovecot; fails with a clear message when the binary is
 * missing. `capability` replaces the advertised CAPABILITY list (e.g. one
 * without IDLE, to exercise polling).
 */
export async function startDovecot(opts: { user?: string; pass?: string; capability?: string } = {}): Promise<Dovecot> {
  const bin = findDovecot();
  const dir = mkdtempSync(join(tmpdir(), "lkr-dovecot-"));
  // Dovecot's auth process runs as the unprivileged `dovecot` user and must
  // reach the passwd-file: the temp dir needs +x for others.
  chmodSync(dir, 0o755);
  for (const d of ["run", "state", "mail", "home"]) mkdirSync(join(dir, d), { recursive: true });
  const user = opts.user ?? "bot";
  const pass = opts.pass ?? "s3cret-pass";
  writeFileSync(join(dir, "passwd"), `${user}:{PLAIN}${pass}::::::\n`, { mode: 0o644 });
  const port = await sparePort();
  // Dovecot never runs a mail process as root, so as root (CI containers)
  // the mail belongs to `nobody`, which every Debian system has.
  let uid = process.getuid?.() ?? 0;
  let gid = process.getgid?.() ?? 0;
  if (uid === 0) {
    uid = 65534;
    gid = 65534;
    for (const d of ["mail", "home"]) chownSync(join(dir, d), uid, gid);
  }
  const conf = join(dir, "dovecot.conf");
  writeFileSync(conf, configText(dir, port, uid, gid, opts.capability));
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    // A process group of its own, so stop() ends every imap process with the
    // master, the way a server restart drops every client.
    const proc = spawn(bin, ["-c", conf, "-F"], { stdio: ["ignore", "ignore", "pipe"], detached: true });
    let stderr = "";
    proc.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<never>((_, reject) => proc.once("exit", (code) => reject(new Error(`dovecot exited early (${code}): ${stderr}`))));
    exited.catch(() => undefined);
    child = proc;
    await Promise.race([waitForPort(port, 10_000, join(dir, "dovecot.log")), exited]);
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (proc?.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    const pgid = proc.pid;
    if (pgid === undefined) return;
    process.kill(-pgid, "SIGTERM");
    await gone;
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // the group is already gone
    }
  };

  await start();
  const url = `imap://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`;

  const client = async (): Promise<ImapFlow> => {
    const c = new ImapFlow({ host: "127.0.0.1", port, secure: false, auth: { user, pass }, logger: false });
    c.on("error", () => undefined);
    await c.connect();
    return c;
  };

  const ensureMailbox = async (c: ImapFlow, mailbox: string): Promise<void> => {
    if (mailbox.toUpperCase() === "INBOX") return;
    const list = await c.list();
    if (!list.some((m) => m.path === mailbox)) await c.mailboxCreate(mailbox);
  };

  return {
    host: "127.0.0.1",
    port,
    user,
    pass,
    url,
    dir,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    client,
    async append(mailbox, raw, o = {}) {
      const c = await client();
      try {
        await ensureMailbox(c, mailbox);
        const res = await c.append(mailbox, typeof raw === "string" ? Buffer.from(raw) : raw, o.flags ?? [], o.internalDate);
        if (!res || typeof res.uid !== "number") throw new Error("APPEND gave no UID");
        return res.uid;
      } finally {
        await c.logout();
      }
    },
    async flagsOf(mailbox, messageId) {
      const c = await client();
      try {
        const lock = await c.getMailboxLock(mailbox);
        try {
          const uids = await c.search({ header: { "message-id": messageId } }, { uid: true });
          if (!uids || uids.length === 0) return [];
          const msg = await c.fetchOne(String(uids[0]), { flags: true }, { uid: true });
          return msg && msg.flags ? [...msg.flags] : [];
        } finally {
          lock.release();
        }
      } finally {
        await c.logout();
      }
    },
    async recreate(mailbox, messages) {
      const c = await client();
      try {
        await c.mailboxDelete(mailbox).catch(() => undefined);
        await c.mailboxCreate(mailbox);
        for (const m of messages) await c.append(mailbox, Buffer.from(m));
      } finally {
        await c.logout();
      }
    },
  };
}
