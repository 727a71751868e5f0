/**
 * Hand-written kernel-style patches and findings for the reply tests. The
 * diff text goes through the real parser (src/parse/diff.ts), so the tests
 * see the same Patch shapes production does.
 */
import type { Finding, Mail, Patch } from "../../src/model.js";
import { parsePatchBody } from "../../src/parse/diff.js";
import { fingerprintOf } from "../../src/report/fingerprint.js";
import { mailWith } from "../helpers/mail.js";

export interface HunkFixture {
  /** New-side line number of the first line. */
  start: number;
  /** Function context after the `@@`. */
  fn?: string;
  /** Lines with their diff prefix. */
  lines: string[];
}

/** One file's diff with correct `@@` counts. */
export function fileDiff(path: string, hunks: HunkFixture[], isNew = false): string {
  const out = [`diff --git a/${path} b/${path}`];
  if (isNew) out.push("new file mode 100644");
  out.push(`index 1111111..2222222${isNew ? "" : " 100644"}`);
  out.push(isNew ? "--- /dev/null" : `--- a/${path}`, `+++ b/${path}`);
  let delta = 0;
  for (const h of hunks) {
    const oldCount = h.lines.filter((l) => !l.startsWith("+")).length;
    const newCount = h.lines.filter((l) => !l.startsWith("-")).length;
    const oldStart = isNew ? 0 : h.start - delta;
    out.push(`@@ -${oldStart},${oldCount} +${h.start},${newCount} @@${h.fn ? ` ${h.fn}` : ""}`);
    out.push(...h.lines);
    delta += newCount - oldCount;
  }
  return out.join("\n");
}

export const CORE_C = fileDiff("kernel/livepatch/core.c", [
  {
    start: 210,
    fn: "static int klp_init_object(struct klp_patch *patch, struct klp_object *obj)",
    lines: [
      "\tint ret;",
      " ",
      "\tobj->patch = patch;",
      "+\tret = klp_hook_register(obj->hook);",
      "+\tif (ret)",
      "+\t\treturn ret;",
      "+",
      "+\tret = klp_init_object_loaded(patch, obj);",
      "+\tif (ret)",
      "+\t\treturn ret;",
      "+",
      " \treturn 0;",
      " }",
    ].map((l) => (l.startsWith("\t") ? ` ${l}` : l)),
  },
  {
    start: 402,
    fn: "void klp_free_objects(struct klp_patch *patch)",
    lines: [
      " \tstruct klp_object *obj, *tmp;",
      " ",
      "-\tklp_for_each_object_safe(patch, obj, tmp) {",
      "+\tklp_for_each_object_safe(patch, obj, tmp)",
      " \t\tklp_free_object(obj);",
    ],
  },
]);

export const HOOK_C = fileDiff(
  "kernel/livepatch/hook.c",
  [
    {
      start: 1,
      lines: [
        "+// SPDX-License-Identifier: GPL-2.0-only",
        "+/*",
        "+ * hook.c - callbacks that run around object (un)patching",
        "+ */",
        "+",
        "+/**",
        "+ * klp_hook_lookup() - find a hook by its identifer",
        "+ * @id: the hook id",
        "+ */",
        "+struct klp_hook *klp_hook_lookup(unsigned long id);",
        "+",
        "+void klp_hook_put(struct klp_hook *hook)",
        "+{",
        "+\tif (!hook->count) {",
        '+\t\tpr_err("hook %lu put once too often\\n", hook->id);',
        "+\t\treturn;",
        "+\t}",
        "+\thook->count--;",
        "+}",
        "+",
        "+int klp_hook_store(struct klp_hook *hook, long val)",
        "+{",
        "+\tif (val < 0) {",
        '+\t\tpr_err("bad hook value %ld\\n", val);',
        "+\t\treturn 0;",
        "+\t}",
        "+\thook->val = val;",
        "+\treturn 0;",
        "+}",
      ],
    },
  ],
  true,
);

export const COMMIT_MESSAGE = [
  "Objects can now carry a hook that runs before they are patched. Keep",
  "the hook registerd for as long as the object is loaded, and drop it",
  "when the object goes away.",
  "",
  "Signed-off-by: Jane Developer <jane@example.org>",
];

/** A format-patch body: commit message, `---`, diffstat-free diff. */
export function patchBody(message: string[], files: string[]): string {
  return [...message, "---", ...files, ""].join("\n");
}

export function baseMail(body: string, over: Partial<Mail> = {}): Mail {
  return mailWith({
    source: "fixture.mbox#1",
    messageId: "<20250304081507.4242-3-jane@example.org>",
    subject: "[PATCH v3 2/3] livepatch: Keep a hook per object",
    to: [{ name: "", address: "live-patching@vger.kernel.org" }],
    cc: [{ name: "Some Maintainer", address: "maint@example.com" }],
    date: "Tue, 4 Mar 2025 09:15:07 +0100",
    inReplyTo: "<20250304081507.4242-1-jane@example.org>",
    references: ["<20250304081507.4242-1-jane@example.org>"],
    listId: "live-patching.vger.kernel.org",
    body,
    ...over,
  });
}

/** A Patch parsed from the given files, with mail headers overridable. */
export function buildPatch(opts: { files?: string[]; message?: string[]; mail?: Partial<Mail> } = {}): Patch {
  const body = patchBody(opts.message ?? COMMIT_MESSAGE, opts.files ?? [CORE_C, HOOK_C]);
  const parsed = parsePatchBody(body, "fixture");
  return {
    mail: baseMail(body, opts.mail),
    subject: {
      tags: ["PATCH", "v3", "2/3"],
      isPatch: true,
      isRfc: false,
      isReply: false,
      version: 3,
      index: 2,
      total: 3,
      title: "livepatch: Keep a hook per object",
    },
    commitMessage: parsed.commitMessage,
    files: parsed.files,
  };
}

/** A finding with sensible defaults; its fingerprint follows rule, file and message. */
export function finding(over: Partial<Finding> & Pick<Finding, "file" | "line">): Finding {
  const base: Finding = {
    rule: "test-rule",
    class: "other",
    severity: "warning",
    file: over.file,
    line: over.line,
    endLine: over.endLine ?? over.line,
    message: "Something is off here.",
    source: "rule",
    fingerprint: "",
    tags: [],
  };
  const f: Finding = { ...base, ...over };
  if (!over.fingerprint) f.fingerprint = fingerprintOf(f.rule, f.file, `${f.line}:${f.message}`);
  return f;
}

export const COMPOSE_OPTS = {
  from: "lkreview <lkreview@bot.example.net>",
  signature: ["lkreview", "Automated review; reply to this mail if a point is wrong."],
  version: "0.1.0",
  date: new Date(Date.UTC(2025, 2, 5, 10, 0, 0)),
};
