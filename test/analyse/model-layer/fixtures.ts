import { parsePatchBody } from "../../../src/parse/diff.js";
import type { Finding, Patch } from "../../../src/model.js";
import type { Config } from "../../../src/config.js";
import { ConfigSchema } from "../../../src/config.js";
import { mailWith } from "../../helpers/mail.js";

/** A Patch from a hand-written mail body (commit message, `---`, diff). */
export function patchFrom(body: string, subject = "livepatch: Add a hook registry for objects"): Patch {
  const parsed = parsePatchBody(body, "fixture");
  return {
    mail: mailWith({
      source: "fixture",
      messageId: "<20250304081507.1234-2-jane@example.org>",
      subject: `[PATCH 1/1] ${subject}`,
      to: [{ name: "", address: "live-patching@vger.kernel.org" }],
      cc: [{ name: "Some Maintainer", address: "maint@example.com" }],
      date: "Tue, 4 Mar 2025 09:15:07 +0100",
      listId: "live-patching.vger.kernel.org",
      body,
    }),
    subject: { tags: ["PATCH", "1/1"], isPatch: true, isRfc: false, isReply: false, version: 1, index: 1, total: 1, title: subject },
    commitMessage: parsed.commitMessage,
    files: parsed.files,
  };
}

/** Model config pointing at a test server, with short waits. */
export function modelConfig(baseUrl: string, over: Partial<Config["model"]> = {}): Config["model"] {
  return { ...ConfigSchema.parse({}).model, baseUrl, apiKey: "sk-test", name: "test-model", timeoutMs: 5_000, maxRetries: 2, ...over };
}

export const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 2_000 };

/** Added lines 121-127 register a hook and leak it when the next call fails. */
export const HOOK_PATCH = `Objects may now register a hook that runs once they are patched. Keep
the hooks in a small registry so that the core can find them by id.

Signed-off-by: Jane Developer <jane@example.org>
---
 kernel/livepatch/core.c | 12 +++++++++++-
 1 file changed, 11 insertions(+), 1 deletion(-)

diff --git a/kernel/livepatch/core.c b/kernel/livepatch/core.c
index 1a2b3c4..5d6e7f8 100644
--- a/kernel/livepatch/core.c
+++ b/kernel/livepatch/core.c
@@ -118,7 +118,17 @@ static int klp_init_object(struct klp_patch *patch, struct klp_object *obj)
 	int ret;
 
 	obj->patched = false;
-	ret = klp_init_object_loaded(patch, obj);
+	/* Register the objects hook before the object is visible. */
+	ret = klp_hook_register(obj->hook);
+	if (ret)
+		return ret;
+
+	ret = klp_init_object_loaded(patch, obj);
+	if (ret) {
+		pr_err("object %s failed to initalize\\n", obj->name);
+		return 0;
+	}
+
 	if (ret)
 		return ret;
 
`;

/** A rule finding as the engine would make it. */
export function ruleFinding(over: Partial<Finding> = {}): Finding {
  return {
    rule: "unreleased",
    class: "unreleased",
    severity: "warning",
    file: "kernel/livepatch/core.c",
    line: 122,
    endLine: 126,
    message: "If klp_init_object_loaded() fails, the hook registered above is never unregistered.",
    source: "rule",
    fingerprint: "aaaaaaaaaaaaaaaa",
    tags: [],
    ...over,
  };
}
