import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineRule } from "../../src/analyse/rule-api.js";
import type { Rule } from "../../src/analyse/rule-api.js";
import { ConfigSchema } from "../../src/config.js";
import type { Config } from "../../src/config.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/store.js";

/** The bot's identity in these tests. */
export const BOT = "lkreview <bot@example.org>";
export const LIVEPATCH_LIST = "live-patching.vger.kernel.org";

/**
 * A tiny rule of the tests' own: any added line holding "TODO" gets a
 * comment. The real rules are written elsewhere and may change; the watch
 * tests only need some finding on a known line.
 */
export const TODO_RULE: Rule = defineRule({
  meta: {
    id: "test-todo",
    class: "other",
    severity: "warning",
    description: "added line with a TODO",
    messages: { todo: "Is this TODO meant to stay in the patch?" },
  },
  create(ctx) {
    return {
      hunk(hunk, file) {
        for (const l of hunk.lines) {
          if (l.kind === "add" && l.newLine !== null && l.text.includes("TODO")) {
            ctx.report({ messageId: "todo", file: file.path, line: l.newLine });
          }
        }
      },
    };
  },
});

export interface PatchMailOpts {
  id: string;
  subject: string;
  from?: string;
  path?: string;
  /** Added lines (without the leading "+"). */
  added?: string[];
  listId?: string | null;
  inReplyTo?: string;
  extraHeaders?: string[];
  date?: string;
  to?: string;
}

/** A small kernel-style patch mail, CRLF line endings, as a list would deliver it. */
export function patchMail(o: PatchMailOpts): string {
  const path = o.path ?? "kernel/livepatch/transition.c";
  const added = o.added ?? ["\t/* TODO: drop the fallback once all arches have it */", "\tklp_try_switch_task(task);"];
  const headers = [
    `From: ${o.from ?? "Jane Developer <jane@example.org>"}`,
    `To: ${o.to ?? "live-patching@vger.kernel.org"}`,
    "Cc: Some Maintainer <maint@example.com>",
    `Date: ${o.date ?? "Tue, 4 Mar 2025 09:15:07 +0100"}`,
    `Subject: ${o.subject}`,
    `Message-ID: ${o.id}`,
  ];
  if (o.inReplyTo) headers.push(`In-Reply-To: ${o.inReplyTo}`, `References: ${o.inReplyTo}`);
  if (o.listId !== null) headers.push(`List-Id: <${o.listId ?? LIVEPATCH_LIST}>`);
  headers.push("Precedence: bulk", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", ...(o.extraHeaders ?? []));
  const body = [
    "The transition code retries a task that could not be switched, but the",
    "retry path forgets to re-check the stack. Check it again.",
    "",
    "Signed-off-by: Jane Developer <jane@example.org>",
    "---",
    ` ${path} | ${added.length} +`,
    " 1 file changed, 2 insertions(+)",
    "",
    `diff --git a/${path} b/${path}`,
    "index 1111111..2222222 100644",
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -40,6 +40,${6 + added.length} @@ static void klp_transition_work_fn(struct work_struct *work)`,
    " {",
    " \tstruct task_struct *task;",
    " ",
    ...added.map((l) => `+${l}`),
    " \tif (!klp_transition_patch)",
    " \t\treturn;",
    " }",
    "-- ",
    "2.43.0",
    "",
  ];
  return [...headers, "", ...body].join("\r\n");
}

/** A cover letter for a series. */
export function coverMail(id: string, subject: string): string {
  return [
    "From: Jane Developer <jane@example.org>",
    "To: live-patching@vger.kernel.org",
    "Date: Tue, 4 Mar 2025 09:15:00 +0100",
    `Subject: ${subject}`,
    `Message-ID: ${id}`,
    `List-Id: <${LIVEPATCH_LIST}>`,
    "",
    "This series reworks the transition retry path.",
    "",
  ].join("\r\n");
}

/** A config for the tests: given overrides on top of the schema defaults. */
export function testConfig(over: Record<string, unknown>): Config {
  return ConfigSchema.parse({ from: BOT, ...over });
}

/** A fresh SQLite store in a temp dir. */
export async function tempStore(): Promise<{ store: Store; dir: string; db: string }> {
  const dir = mkdtempSync(join(tmpdir(), "lkr-mail-"));
  const db = join(dir, "state.sqlite");
  return { store: await openStore(db), dir, db };
}

/** Collects log lines (and lets a test look at them). */
export function logSink(): { lines: string[]; log: (l: string) => void } {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l) };
}
