import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { LkreviewError } from "../src/errors.js";

/**
 * The labelled corpus format: a directory of `.mbox`/`.patch`/`.eml` files
 * plus `manifest.json` and any number of `manifest.<part>.json` (one per
 * contributor or class family), merged in name order.
 */

const Expected = z.object({
  class: z.string().min(1),
  file: z.string().min(1),
  /** The added line the finding is about, without its `+`. */
  line_text: z.string(),
  reviewer_quote: z.string().optional(),
});

const Entry = z.object({
  file: z.string().min(1),
  subject: z.string().optional(),
  message_id: z.string().optional(),
  /** "positive" or "negative"; absent means positive when `expected` is non-empty. */
  kind: z.enum(["positive", "negative"]).optional(),
  expected: z.array(Expected).default([]),
  /** Added lines discussed for other reasons: a finding there is neither a hit nor a false positive. */
  acceptable_extra_lines: z.array(z.string()).default([]),
});

const Manifest = z.array(Entry);

export type ExpectedFinding = z.infer<typeof Expected>;
export type CorpusEntry = z.infer<typeof Entry>;

/** True for a patch no reviewer flagged: every finding on it is a false positive. */
export function isClean(entry: CorpusEntry): boolean {
  return entry.kind === "negative" || entry.expected.length === 0;
}

/** Manifest file names in the order they are merged: `manifest.json` first, then the parts by name. */
export async function manifestFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new LkreviewError("IO", dir, `corpus directory cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const parts = names.filter((n) => /^manifest\.[^/]+\.json$/.test(n)).sort();
  const out = names.includes("manifest.json") ? ["manifest.json", ...parts] : parts;
  if (out.length === 0) throw new LkreviewError("IO", dir, "no manifest.json or manifest.*.json in the corpus directory");
  return out;
}

/**
 * Every entry of every manifest. An entry for a file already listed adds its
 * expectations to the earlier one (two manifests may label one patch).
 */
export async function loadCorpus(dir: string): Promise<CorpusEntry[]> {
  const byFile = new Map<string, CorpusEntry>();
  for (const name of await manifestFiles(dir)) {
    const path = join(dir, name);
    let data: unknown;
    try {
      data = JSON.parse(await readFile(path, "utf8"));
    } catch (err) {
      throw new LkreviewError("IO", path, `manifest cannot be read: ${(err as Error).message}`, { cause: err });
    }
    const parsed = Manifest.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new LkreviewError("CONFIG", path, `invalid manifest at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "bad shape"}`);
    }
    for (const entry of parsed.data) {
      const prev = byFile.get(entry.file);
      if (!prev) {
        byFile.set(entry.file, { ...entry, expected: [...entry.expected], acceptable_extra_lines: [...entry.acceptable_extra_lines] });
        continue;
      }
      prev.expected.push(...entry.expected);
      prev.acceptable_extra_lines.push(...entry.acceptable_extra_lines);
      if (entry.expected.length > 0 && prev.kind === "negative") prev.kind = "positive";
    }
  }
  return [...byFile.values()];
}
