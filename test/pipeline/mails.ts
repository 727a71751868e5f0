import type { IngestItem } from "../../src/ingest/item.js";

/**
 * Small hand-written kernel-style patch mails for the pipeline tests, as raw
 * messages the way an mbox splitter hands them over.
 */

export interface MailSpec {
  id: string;
  subject: string;
  from?: string;
  inReplyTo?: string;
  references?: string[];
  body: string;
}

export function rawMail(spec: MailSpec): Uint8Array {
  const head = [
    `From: ${spec.from ?? "Jane Developer <jane@example.org>"}`,
    `Subject: ${spec.subject}`,
    `Message-ID: <${spec.id}>`,
    "Date: Tue, 4 Mar 2025 09:15:07 +0100",
    "To: linux-kernel@vger.kernel.org",
  ];
  if (spec.inReplyTo) head.push(`In-Reply-To: <${spec.inReplyTo}>`);
  if (spec.references) head.push(`References: ${spec.references.map((r) => `<${r}>`).join(" ")}`);
  head.push("MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8");
  return Buffer.from(`${head.join("\n")}\n\n${spec.body}`, "utf8");
}

/** A one-file patch body adding `lines` (without the `+`) to `path`. */
export function patchBody(path: string, lines: string[], message = "Handle the error path."): string {
  return [
    message,
    "",
    "Signed-off-by: Jane Developer <jane@example.org>",
    "---",
    `diff --git a/${path} b/${path}`,
    "index 1111111..2222222 100644",
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -10,2 +10,${lines.length + 2} @@`,
    ' #include "demo.h"',
    " ",
    ...lines.map((l) => `+${l}`),
    "",
  ].join("\n");
}

/** A function that leaks its allocation on an error path (the unreleased rule's bread and butter). */
export function leakyFunction(name: string): string[] {
  return [
    `int ${name}(struct device *dev)`,
    "{",
    "\tstruct demo_priv *p;",
    "\tint ret;",
    "",
    "\tp = kzalloc(sizeof(*p), GFP_KERNEL);",
    "\tif (!p)",
    "\t\treturn -ENOMEM;",
    "",
    "\tret = demo_hw_reset(dev);",
    "\tif (ret)",
    "\t\treturn ret;",
    "",
    "\tdev_set_drvdata(dev, p);",
    "\treturn 0;",
    "}",
  ];
}

export function item(source: string, raw: Uint8Array): IngestItem {
  return { source, raw };
}

export async function* stream(items: readonly IngestItem[]): AsyncGenerator<IngestItem> {
  for (const it of items) yield it;
}
