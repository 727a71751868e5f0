import { readFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { LkreviewError } from "./errors.js";
import { DEFAULT_LIMITS } from "./limits.js";

/**
 * One zod schema for the whole configuration. Sources, later wins:
 * defaults < config file (`--config`, else `./lkreview.yaml|.yml|.json` if present)
 * < environment (`LKREVIEW_*`, `OPENAI_*`, `GITHUB_TOKEN`) < command line.
 * Every server is one URL; none is needed for a rules-only review.
 */

const level = z.enum(["off", "error", "warning", "note"]);

export const ListPolicySchema = z.object({
  /** List-Id this policy applies to, or "*" for the default. */
  list: z.string(),
  mode: z.enum(["off", "queue", "send"]).optional(),
  reply_to_author: z.boolean().default(true),
  reply_all: z.boolean().default(true),
  cc: z.array(z.string()).default([]),
  mute: z.array(z.string()).default([]),
  /** Delay before replying, e.g. "24h", "30m". */
  embargo: z.string().optional(),
  positive: z.boolean().default(false),
  maintainers: z.array(z.string()).default([]),
  /** Most replies per hour to this list. */
  max_per_hour: z.number().int().positive().default(20),
});

/**
 * A policy for one person (matched on the patch author's address, a glob
 * like `*@example.com` allowed). Fields set here override the list's policy
 * for that author's patches; `mute: true` means the person's patches are not
 * reviewed and the address never gets bot mail.
 */
export const PersonPolicySchema = z.object({
  match: z.string(),
  mute: z.boolean().default(false),
  mode: z.enum(["off", "queue", "send"]).optional(),
  reply_to_author: z.boolean().optional(),
  reply_all: z.boolean().optional(),
  cc: z.array(z.string()).optional(),
  embargo: z.string().optional(),
  positive: z.boolean().optional(),
});

export const ConfigSchema = z.object({
  /** The bot's identity: `Name <addr>`. */
  from: z.string().default("lkreview <lkreview@localhost>"),
  /** Signature lines after `-- `. */
  signature: z.array(z.string()).default(["lkreview", "Automated review; reply to this mail if a point is wrong."]),
  /** Per-rule level or "off"; or `{ level, options }`. */
  rules: z.record(z.string(), z.union([level, z.object({ level: level.optional(), options: z.record(z.string(), z.unknown()).optional() })])).default({}),
  limits: z
    .object({
      maxMessageBytes: z.number().int().positive().default(DEFAULT_LIMITS.maxMessageBytes),
      maxDiffLines: z.number().int().positive().default(DEFAULT_LIMITS.maxDiffLines),
      maxLineLength: z.number().int().positive().default(DEFAULT_LIMITS.maxLineLength),
      maxMessagesPerFile: z.number().int().positive().default(DEFAULT_LIMITS.maxMessagesPerFile),
      maxGunzipBytes: z.number().int().positive().default(DEFAULT_LIMITS.maxGunzipBytes),
      maxHeaderLength: z.number().int().positive().default(DEFAULT_LIMITS.maxHeaderLength),
    })
    .prefault({}),
  /** `PATH` (SQLite) or `postgres://...`. */
  db: z.string().default(".lkreview/lkreview.sqlite"),
  model: z
    .object({
      enabled: z.boolean().default(true),
      baseUrl: z.string().optional(),
      apiKey: z.string().optional(),
      name: z.string().default("gpt-4o-mini"),
      timeoutMs: z.number().int().positive().default(60_000),
      maxRetries: z.number().int().min(0).default(3),
      concurrency: z.number().int().positive().default(2),
      /** Per-request budget for the patch text, in tokens (estimated). */
      requestTokenBudget: z.number().int().positive().default(12_000),
      /** Per-run budget; model calls stop when it is spent, the review goes on. */
      maxTokensTotal: z.number().int().positive().optional(),
      cache: z.boolean().default(true),
    })
    .prefault({}),
  imap: z
    .object({
      url: z.string().optional(),
      mailbox: z.string().default("INBOX"),
      keyword: z.string().default("$LKReviewed"),
      pollSeconds: z.number().positive().default(60),
    })
    .prefault({}),
  smtp: z.object({ url: z.string().optional() }).prefault({}),
  deliver: z.enum(["dry-run", "queue", "send"]).default("dry-run"),
  outbox: z.string().default(".lkreview/outbox"),
  watch: z
    .object({
      listIds: z.array(z.string()).default(["live-patching.vger.kernel.org"]),
      paths: z
        .array(z.string())
        .default([
          "kernel/livepatch/**",
          "include/linux/livepatch*.h",
          "samples/livepatch/**",
          "lib/livepatch/**",
          "tools/testing/selftests/livepatch/**",
          "arch/*/include/asm/livepatch.h",
        ]),
      /** Seconds to wait for missing parts of a series. */
      seriesWaitSeconds: z.number().min(0).default(600),
    })
    .prefault({}),
  lists: z.array(ListPolicySchema).default([]),
  /** Per-person policies, first match wins (see PersonPolicySchema). */
  people: z.array(PersonPolicySchema).default([]),
  github: z
    .object({
      token: z.string().optional(),
      apiUrl: z.string().default("https://api.github.com"),
      webhookSecret: z.string().optional(),
    })
    .prefault({}),
  serve: z
    .object({
      host: z.string().default("127.0.0.1"),
      port: z.number().int().min(0).max(65535).default(8080),
      token: z.string().optional(),
      baseUrl: z.string().optional(),
    })
    .prefault({}),
  patchwork: z.object({ url: z.string().optional(), token: z.string().optional() }).prefault({}),
  /** A kernel git checkout (`--tree DIR`): whole functions are read from the patched files. */
  tree: z.string().optional(),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ListPolicy = z.infer<typeof ListPolicySchema>;
export type PersonPolicy = z.infer<typeof PersonPolicySchema>;

const DEFAULT_FILES = ["lkreview.yaml", "lkreview.yml", "lkreview.json"];

/** Reads the config file (if any), overlays the environment, validates. */
export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  let raw: Record<string, unknown> = {};
  const file = opts.file ?? env["LKREVIEW_CONFIG"] ?? DEFAULT_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new LkreviewError("CONFIG", file, "cannot read the config file", { cause: err });
    }
    try {
      const parsed: unknown = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
      raw = parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
    } catch (err) {
      throw new LkreviewError("CONFIG", file, `not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  const overlay = (section: string, key: string, value: string | undefined): void => {
    if (value === undefined || value === "") return;
    const s = (raw[section] ?? {}) as Record<string, unknown>;
    s[key] = value;
    raw[section] = s;
  };
  if (env["LKREVIEW_FROM"]) raw["from"] = env["LKREVIEW_FROM"];
  if (env["LKREVIEW_DB"]) raw["db"] = env["LKREVIEW_DB"];
  overlay("model", "apiKey", env["OPENAI_API_KEY"]);
  overlay("model", "baseUrl", env["OPENAI_BASE_URL"]);
  overlay("model", "name", env["LKREVIEW_MODEL"]);
  overlay("imap", "url", env["LKREVIEW_IMAP_URL"]);
  overlay("smtp", "url", env["LKREVIEW_SMTP_URL"]);
  overlay("github", "token", env["GITHUB_TOKEN"]);
  overlay("github", "webhookSecret", env["GITHUB_WEBHOOK_SECRET"]);
  overlay("serve", "token", env["LKREVIEW_SERVE_TOKEN"]);
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? issue.path.join(".") : "";
    throw new LkreviewError("CONFIG", file ?? "configuration", `${where}: ${issue?.message ?? "invalid"}`);
  }
  const config = result.data;
  if (raw["signature"] === undefined) {
    // The signature names the bot as its From does, unless configured apart.
    const name = /^\s*"?([^"<]*?)"?\s*</.exec(config.from)?.[1]?.trim();
    if (name) config.signature = [name, ...config.signature.slice(1)];
  }
  return config;
}
