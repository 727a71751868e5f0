import type { Store } from "../../src/store/store.js";
import { runWatch } from "../../src/mail/watch.js";
import { logSink, testConfig, TODO_RULE } from "../mail/fixtures.js";

/** One `watch --once` pass with the tests' TODO rule, at a chosen time. */
export async function watchOnce(over: Record<string, unknown>, store: Store, at?: Date) {
  const { lines, log } = logSink();
  const printed: string[] = [];
  const code = await runWatch({
    config: testConfig(over),
    store,
    once: true,
    log,
    print: (t) => printed.push(t),
    rules: [TODO_RULE],
    version: "0.1.0",
    outboxBackoffMs: 0,
    ...(at ? { now: () => at } : {}),
  });
  return { code, lines, log: lines.join("\n"), printed };
}

/** A human reply in a patch thread (or to the bot's reply), CRLF, as a list delivers it. */
export function replyMail(o: { id: string; from: string; subject: string; inReplyTo: string; references?: string[]; body: string[] }): string {
  return [
    `From: ${o.from}`,
    "To: live-patching@vger.kernel.org",
    "Date: Tue, 4 Mar 2025 12:00:00 +0100",
    `Subject: ${o.subject}`,
    `Message-ID: ${o.id}`,
    `In-Reply-To: ${o.inReplyTo}`,
    `References: ${[...(o.references ?? []), o.inReplyTo].join(" ")}`,
    "List-Id: <live-patching.vger.kernel.org>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    ...o.body,
    "",
  ].join("\r\n");
}

/** Two TODO lines: two points for the tests' rule. */
export const TWO_TODOS = ["\t/* TODO: drop the fallback once all arches have it */", "\tklp_try_switch_task(task);", "\t/* TODO: count the retries */"];
