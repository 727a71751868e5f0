import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One message in a thread as notmuch sees it: id without angle brackets, and its replies. */
export interface ThreadNode {
  id: string;
  subject: string;
  children: ThreadNode[];
}

function findNotmuch(): string {
  try {
    return execFileSync("sh", ["-c", "command -v notmuch"], { encoding: "utf8" }).trim() || fail();
  } catch {
    return fail();
  }
}

function fail(): never {
  throw new Error("notmuch binary not found: install Debian's notmuch (apt-get install -y notmuch)");
}

/** notmuch's JSON: a thread is a list of [message, replies] pairs, replies the same shape. */
function toNodes(pairs: unknown): ThreadNode[] {
  if (!Array.isArray(pairs)) return [];
  const out: ThreadNode[] = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair)) continue;
    const msg = pair[0] as { id?: string; headers?: { Subject?: string } } | null;
    if (!msg || typeof msg.id !== "string") continue;
    out.push({ id: msg.id, subject: msg.headers?.Subject ?? "", children: toNodes(pair[1]) });
  }
  return out;
}

/**
 * Indexes `messages` (raw RFC 5322 text) in a fresh maildir with a real
 * notmuch and a private config (NOTMUCH_CONFIG), and returns the thread
 * holding `messageId` as notmuch threads it (`notmuch show --format=json`).
 */
export function notmuchThread(messages: string[], messageId: string): ThreadNode[] {
  const bin = findNotmuch();
  const dir = mkdtempSync(join(tmpdir(), "lkr-notmuch-"));
  try {
    const maildir = join(dir, "mail");
    for (const sub of ["cur", "new", "tmp"]) mkdirSync(join(maildir, sub), { recursive: true });
    messages.forEach((m, i) => writeFileSync(join(maildir, "cur", `${1000 + i}.lkr${i}:2,S`), m));
    const config = join(dir, "notmuch-config");
    writeFileSync(config, `[database]\npath=${maildir}\n[user]\nname=Test\nprimary_email=test@example.org\n[new]\ntags=new\n`);
    const env = { ...process.env, NOTMUCH_CONFIG: config, HOME: dir };
    execFileSync(bin, ["new", "--quiet"], { env, stdio: ["ignore", "ignore", "pipe"] });
    const bare = messageId.replace(/^<|>$/g, "");
    const out = execFileSync(bin, ["show", "--format=json", "--entire-thread=true", `id:${bare}`], { env, encoding: "utf8" });
    const threads = JSON.parse(out) as unknown;
    if (!Array.isArray(threads) || threads.length === 0) return [];
    return toNodes(threads[0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
