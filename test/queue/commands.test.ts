import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { runQueueCommand } from "../../src/queue/commands.js";
import type { QueueIo } from "../../src/queue/commands.js";
import type { Deliver } from "../../src/queue/send.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/store.js";
import { draftFor, finding, newItem } from "../store/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "lkreview-queue-"));
let n = 0;
let store: Store;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  store = await openStore(join(dir, `q${++n}.sqlite`));
  return async () => store.close();
});

async function run(argv: string[], extra: Partial<QueueIo> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runQueueCommand(argv, store, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { USER: "petr", ...extra.env },
    ...(extra.deliver ? { deliver: extra.deliver } : {}),
  });
  return { code, out, err };
}

async function seed(): Promise<{ bad: number; clean: number; bpf: number }> {
  const bad = await store.upsertItem(
    newItem(1, {
      subject: "[PATCH 1/2] livepatch: Fix \u001b[31mred\u001b[0m hook",
      findings: [finding("errcode", "error", "f001"), finding("typo", "note", "f002", { class: "typo", line: 2, file: "COMMIT_MSG" })],
      draft: draftFor(1),
    }),
  );
  const clean = await store.upsertItem(newItem(2));
  const bpf = await store.upsertItem(
    newItem(3, {
      author: "Bob Hacker <bob@example.com>",
      listId: "bpf.vger.kernel.org",
      paths: ["kernel/bpf/verifier.c"],
      findings: [finding("warn", "warning", "f003")],
      draft: draftFor(3),
    }),
  );
  return { bad: bad.id, clean: clean.id, bpf: bpf.id };
}

describe("queue list", () => {
  it("prints exactly id, state, subject, messageId, findings and priority as JSON", async () => {
    const ids = await seed();
    const r = await run(["list", "--format", "json"]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows.map((x) => Object.keys(x).sort())).toEqual(Array(3).fill(["findings", "id", "messageId", "priority", "state", "subject"]));
    expect(rows[0]).toMatchObject({ id: ids.bad, state: "needs-attention", findings: 2, messageId: newItem(1).messageId });
    expect(rows.map((x) => x["id"])).toEqual([ids.bad, ids.bpf, ids.clean]);
  });

  it("filters by state, list, author, path and since", async () => {
    const ids = await seed();
    const idsOf = async (args: string[]): Promise<unknown[]> =>
      (JSON.parse((await run(["list", "--format", "json", ...args])).out) as { id: number }[]).map((x) => x.id);
    expect(await idsOf(["--state", "clean"])).toEqual([ids.clean]);
    expect(await idsOf(["--list", "bpf.vger.kernel.org"])).toEqual([ids.bpf]);
    expect(await idsOf(["--author", "bob"])).toEqual([ids.bpf]);
    expect(await idsOf(["--path", "verifier"])).toEqual([ids.bpf]);
    expect(await idsOf(["--since", "2999-01-01"])).toEqual([]);
    expect(await idsOf(["--sort", "id:desc", "--limit", "1"])).toEqual([ids.bpf]);
    const bad = await run(["list", "--state", "pending"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("pending: not a queue state");
  });

  it("prints a readable table with terminal escapes neutralised", async () => {
    await seed();
    const r = await run(["list"]);
    expect(r.out.split("\n")[0]).toMatch(/^ID\s+STATE\s+PRIO\s+FINDINGS\s+DATE\s+AUTHOR\s+SUBJECT$/);
    expect(r.out).toContain("livepatch: Fix ?[31mred?[0m hook");
    expect(r.out).not.toContain("\u001b");
    expect(r.out).toContain("Bob Hacker");
  });
});

describe("queue show, approve, dismiss", () => {
  it("shows the findings and the draft reply", async () => {
    const ids = await seed();
    const r = await run(["show", String(ids.bad)]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("kernel/livepatch/state.c:12: ERROR:errcode: This reports an error but returns 0.");
    expect(r.out).toContain("COMMIT_MSG:2: NOTE:typo:");
    expect(r.out).toContain("Draft reply:");
    expect(r.out).toContain("> +\t\treturn 0;\n\nShouldn't this return -EINVAL?");
  });

  it("approves, refuses what the queue does not allow, and dismisses", async () => {
    const ids = await seed();
    expect(await run(["approve", String(ids.bad)])).toMatchObject({ code: 0, out: `item ${ids.bad}: approved\n` });
    expect((await store.getItem(ids.bad))?.state).toBe("approved");
    const noDraft = await run(["approve", String(ids.clean)]);
    expect(noDraft).toMatchObject({ code: 2, err: `lkreview queue: item ${ids.clean}: has no draft reply to approve\n` });
    expect(await run(["dismiss", String(ids.bpf)])).toMatchObject({ code: 0 });
    const again = await run(["approve", String(ids.bpf)]);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`item ${ids.bpf}: cannot go from dismissed to approved`);
    expect((await run(["show", "999"])).err).toContain("item 999: no such item");
    expect((await run(["show", "x1"])).code).toBe(2);
    expect((await run(["list", "--bogus"])).code).toBe(2);
  });
});

describe("queue edit", () => {
  const script = (name: string, body: string): string => {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };

  it("opens $EDITOR on the draft and saves what it wrote", async () => {
    const ids = await seed();
    const editor = script("ed-ok.sh", `sed -i 's/Shouldn.t this return -EINVAL?/This should return -EINVAL./' "$1"`);
    const r = await run(["edit", String(ids.bad)], { env: { EDITOR: editor } });
    expect(r).toMatchObject({ code: 0, out: `item ${ids.bad}: draft saved\n` });
    const draft = (await store.getItem(ids.bad))?.draft ?? "";
    expect(draft).toContain("This should return -EINVAL.");
    expect(draft).not.toContain("Shouldn't");
  });

  it("prefers $VISUAL, and keeps the draft when the editor fails or changes nothing", async () => {
    const ids = await seed();
    const failing = script("ed-fail.sh", `echo garbage > "$1"; exit 3`);
    const noop = script("ed-noop.sh", `true`);
    const r = await run(["edit", String(ids.bad)], { env: { EDITOR: noop, VISUAL: failing } });
    expect(r.code).toBe(2);
    expect(r.err).toContain("the editor exited with status 3; draft left unchanged");
    expect((await store.getItem(ids.bad))?.draft).toBe(draftFor(1));
    expect((await run(["edit", String(ids.bad)], { env: { EDITOR: noop } })).out).toBe(`item ${ids.bad}: draft unchanged\n`);
  });
});

describe("queue suppressions", () => {
  it("marks a finding false positive, lists it, and undoes it", async () => {
    const ids = await seed();
    const r = await run(["suppress", String(ids.bpf), "f003", "--reason", "intended WARN"]);
    expect(r.out).toBe(`item ${ids.bpf}: f003 marked false positive; item is clean\n`);
    const list = await run(["suppressions"]);
    expect(list.out).toMatch(/^warn f003 .* petr: intended WARN\n$/);
    expect((await run(["suppress", String(ids.bpf), "nope"])).err).toContain(`item ${ids.bpf}: has no finding nope`);
    await run(["unsuppress", "warn", "f003"]);
    expect((await run(["suppressions"])).out).toBe("No suppressions.\n");
    expect((await store.getItem(ids.bpf))?.state).toBe("needs-attention");
  });
});

describe("queue send", () => {
  it("sends approved drafts through the sender and marks sent only on success", async () => {
    const ids = await seed();
    await run(["approve", String(ids.bad)]);
    await run(["approve", String(ids.bpf)]);
    const delivered: string[] = [];
    let failBpf = true;
    const deliver: Deliver = async (item, entry) => {
      if (item.id === ids.bpf && failBpf) throw new Error("421 4.3.0 try again later");
      delivered.push(`${entry.messageId} -> ${entry.recipients.join(",")}`);
    };
    const first = await run(["send"], { deliver });
    expect(first.code).toBe(1);
    expect(first.out).toContain(`item ${ids.bad}: sent`);
    expect(first.out).toContain(`item ${ids.bpf}: not sent: 421 4.3.0 try again later`);
    expect(delivered).toEqual(["<lkreview.1@example.net> -> jane@example.org,live-patching@vger.kernel.org,maint@example.com"]);
    expect((await store.getItem(ids.bad))?.state).toBe("sent");
    expect((await store.getItem(ids.bpf))?.state).toBe("approved");
    expect((await store.outboxGet("<lkreview.1@example.net>"))?.state).toBe("sent");

    failBpf = false;
    const second = await run(["send"], { deliver });
    expect(second).toMatchObject({ code: 0, out: `item ${ids.bpf}: sent\n` });
    expect(delivered).toHaveLength(2);
    expect((await run(["send"], { deliver })).out).toBe("Nothing approved to send.\n");
  });

  it("without a sender, puts approved drafts in the outbox and leaves them approved", async () => {
    const ids = await seed();
    await run(["approve", String(ids.bad)]);
    const r = await run(["send"]);
    expect(r.out).toBe(`item ${ids.bad}: in the outbox, not sent (no mail transport configured)\n`);
    expect((await store.outboxGet("<lkreview.1@example.net>"))?.state).toBe("pending");
    expect((await store.getItem(ids.bad))?.state).toBe("approved");
  });
});
