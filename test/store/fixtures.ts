import type { Finding, Severity } from "../../src/model.js";
import type { NewItem } from "../../src/store/store.js";

/** A finding as the engine would file it, on a small made-up livepatch hunk. */
export function finding(rule: string, severity: Severity, fingerprint: string, extra: Partial<Finding> = {}): Finding {
  return {
    rule,
    class: "errcode",
    severity,
    file: "kernel/livepatch/state.c",
    line: 12,
    endLine: 12,
    message: "This reports an error but returns 0. Shouldn't it return -EINVAL?",
    source: "rule",
    fingerprint,
    tags: [],
    ...extra,
  };
}

export const PATCH_BODY = [
  "Track the state of each callback per object, so a failed load can be",
  "unwound.",
  "",
  "Signed-off-by: Jane Developer <jane@example.org>",
  "---",
  " kernel/livepatch/state.c | 6 ++++++",
  "",
  "diff --git a/kernel/livepatch/state.c b/kernel/livepatch/state.c",
  "--- a/kernel/livepatch/state.c",
  "+++ b/kernel/livepatch/state.c",
  "@@ -8,3 +8,9 @@ static int klp_hook_count;",
  " ",
  " int klp_hook_set(struct klp_hook *hook, long val)",
  " {",
  "+\tif (val < 0) {",
  '+\t\tpr_err("invalid hook value %ld\\n", val);',
  "+\t\treturn 0;",
  "+\t}",
  "+",
  "+\thook->val = val;",
  "",
].join("\n");

export function newItem(n: number, over: Partial<NewItem> = {}): NewItem {
  return {
    messageId: `<20250304081507.${n}-1-jane@example.org>`,
    subject: `[PATCH ${n}/9] livepatch: Track callback states per object`,
    author: "Jane Developer <jane@example.org>",
    listId: "live-patching.vger.kernel.org",
    paths: ["kernel/livepatch/state.c"],
    findings: [],
    draft: null,
    patch: PATCH_BODY,
    ...over,
  };
}

export function draftFor(n: number): string {
  return [
    `From: lkreview <lkreview@example.net>`,
    `To: Jane Developer <jane@example.org>`,
    `Cc: live-patching@vger.kernel.org, Some Maintainer <maint@example.com>`,
    `Subject: Re: [PATCH ${n}/9] livepatch: Track callback states per object`,
    `Message-ID: <lkreview.${n}@example.net>`,
    `In-Reply-To: <20250304081507.${n}-1-jane@example.org>`,
    "",
    "> +\t\treturn 0;",
    "",
    "Shouldn't this return -EINVAL?",
    "",
  ].join("\n");
}
