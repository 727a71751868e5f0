import { describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/config.js";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import { globMatcher } from "../../src/mail/glob.js";
import { makeSelector } from "../../src/mail/select.js";
import { classifyMail } from "../../src/parse/patch.js";
import { parseMail } from "../../src/parse/mime.js";
import type { Patch } from "../../src/model.js";
import { patchMail } from "./fixtures.js";
import type { PatchMailOpts } from "./fixtures.js";

const defaults = ConfigSchema.parse({}).watch;

async function patchOf(o: PatchMailOpts): Promise<Patch> {
  const mail = await parseMail({ source: "test", raw: new TextEncoder().encode(patchMail(o)) }, DEFAULT_LIMITS);
  const c = classifyMail(mail);
  if (!c.patch) throw new Error(`not a patch: ${c.reason}`);
  return c.patch;
}

describe("path globs", () => {
  const m = globMatcher(defaults.paths);
  it("matches the livepatch paths of the default config", () => {
    for (const p of [
      "kernel/livepatch/core.c",
      "kernel/livepatch/sub/dir/x.c",
      "include/linux/livepatch.h",
      "include/linux/livepatch_sched.h",
      "samples/livepatch/livepatch-sample.c",
      "lib/livepatch/test_klp_state.c",
      "tools/testing/selftests/livepatch/test-state.sh",
      "arch/x86/include/asm/livepatch.h",
      "arch/powerpc/include/asm/livepatch.h",
    ]) {
      expect(m(p), p).toBe(true);
    }
  });
  it("does not match neighbours", () => {
    for (const p of [
      "kernel/livepatchx/core.c",
      "kernel/sched/core.c",
      "include/linux/kernel.h",
      "arch/x86/kvm/include/asm/livepatch.h",
      "include/linux/sub/livepatch.h",
    ]) {
      expect(m(p), p).toBe(false);
    }
  });
  it("treats ? as one character and everything else literally", () => {
    expect(globMatcher(["a/?.c"])("a/b.c")).toBe(true);
    expect(globMatcher(["a/?.c"])("a/bc.c")).toBe(false);
    expect(globMatcher(["a/?.c"])("a//.c")).toBe(false);
    expect(globMatcher(["a+b/(x).c"])("a+b/(x).c")).toBe(true);
    expect(globMatcher(["**/Makefile"])("Makefile")).toBe(true);
    expect(globMatcher(["**/Makefile"])("kernel/livepatch/Makefile")).toBe(true);
  });
});

describe("what gets reviewed", () => {
  const select = makeSelector({ botAddress: "bot@example.org", listIds: defaults.listIds, paths: defaults.paths });

  it("a patch on the live-patching list, whatever it touches, even with Precedence: bulk", async () => {
    const s = select(await patchOf({ id: "<a@x>", subject: "[PATCH] mm: x", path: "mm/slab.c" }));
    expect(s.review).toBe(true);
  });
  it("a patch elsewhere that touches a livepatch path", async () => {
    expect(select(await patchOf({ id: "<b@x>", subject: "[PATCH] x", listId: "linux-kernel.vger.kernel.org" })).review).toBe(true);
    expect(select(await patchOf({ id: "<c@x>", subject: "[PATCH] x", listId: null, path: "samples/livepatch/s.c" })).review).toBe(true);
  });
  it("not a patch elsewhere touching other code", async () => {
    const s = select(await patchOf({ id: "<d@x>", subject: "[PATCH] net: x", listId: "netdev.vger.kernel.org", path: "net/core/dev.c" }));
    expect(s.review).toBe(false);
  });
  it("never the bot's own mail, never Auto-Submitted other than no", async () => {
    expect(select(await patchOf({ id: "<e@x>", subject: "[PATCH] x", from: "Bot <BOT@example.org>" })).review).toBe(false);
    expect(select(await patchOf({ id: "<f@x>", subject: "[PATCH] x", extraHeaders: ["Auto-Submitted: auto-replied"] })).review).toBe(false);
    expect(select(await patchOf({ id: "<g@x>", subject: "[PATCH] x", extraHeaders: ["Auto-Submitted: no"] })).review).toBe(true);
  });
});
