import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { LkreviewError } from "../../errors.js";

/**
 * Prompts are reviewed text files in `prompts/`, not strings in code: each is
 * Markdown with a small YAML front matter (`id`, `version`, `description`,
 * and for subsystem guidance a `paths:` list of globs). They are read at run
 * time so a prompt change is a reviewable diff of prose.
 */

const FrontMatter = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  version: z.union([z.string(), z.number()]).transform(String),
  description: z.string(),
  paths: z.array(z.string()).optional(),
});

export interface PromptFile {
  id: string;
  version: string;
  description: string;
  /** Globs of the subsystem this guidance is for; absent for the system and review prompts. */
  paths?: string[];
  /** The text after the front matter, trimmed. */
  body: string;
  file: string;
}

export interface PromptSet {
  /** The reviewer's discipline: the system message. */
  system: PromptFile;
  /** The user message template with `{{name}}` placeholders. */
  review: PromptFile;
  /** Subsystem guidance, added to the system message when a patch touches its paths. */
  subsystems: PromptFile[];
}

/** The directory holding package.json above `from` (works from `src/...` and `dist/src/...`). */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new LkreviewError("IO", from, "no package.json above this directory, cannot find prompts/");
    dir = up;
  }
}

/** Default prompts directory: `<package root>/prompts`. */
export function defaultPromptsDir(): string {
  return join(packageRoot(), "prompts");
}

/** Parses one prompt file's text; throws CONFIG naming the file when the front matter is wrong. */
export function parsePromptFile(text: string, file: string): PromptFile {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m) throw new LkreviewError("CONFIG", file, "prompt file has no front matter (--- id, version, description ---)");
  let meta: unknown;
  try {
    meta = parseYaml(m[1] ?? "");
  } catch (err) {
    throw new LkreviewError("CONFIG", file, `prompt front matter is not YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  const parsed = FrontMatter.safeParse(meta);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LkreviewError("CONFIG", file, `prompt front matter: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  const { paths, ...meta2 } = parsed.data;
  return { ...meta2, ...(paths ? { paths } : {}), body: (m[2] ?? "").trim(), file };
}

const loaded = new Map<string, PromptSet>();

/** Loads (once per directory) every `*.md` prompt but README.md. */
export function loadPrompts(dir: string = defaultPromptsDir()): PromptSet {
  const hit = loaded.get(dir);
  if (hit) return hit;
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith(".md") && n !== "README.md")
      .sort();
  } catch (err) {
    throw new LkreviewError("IO", dir, "cannot read the prompts directory", { cause: err });
  }
  const files = names.map((n) => parsePromptFile(readFileSync(join(dir, n), "utf8"), join(dir, n)));
  const system = files.find((f) => f.id === "system");
  const review = files.find((f) => f.id === "review");
  if (!system || !review) throw new LkreviewError("CONFIG", dir, "prompts directory needs system.md and review.md");
  const set: PromptSet = { system, review, subsystems: files.filter((f) => f.paths !== undefined) };
  loaded.set(dir, set);
  return set;
}

/** `id@version` of every prompt, sorted: part of the cache key, so a prompt edit invalidates old answers. */
export function promptVersions(set: PromptSet): string {
  return [set.system, set.review, ...set.subsystems]
    .map((p) => `${p.id}@${p.version}`)
    .sort()
    .join(",");
}

/** Glob to RegExp: `**` crosses directories, `*` and `?` do not. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? "";
    if (c === "*" && glob[i + 1] === "*") {
      // `dir/**` matches everything below dir; `**/` matches any leading directories.
      if (glob[i + 2] === "/") {
        re += "(?:.*/)?";
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** The subsystem guidance that applies to any of `paths`. */
export function guidanceFor(set: PromptSet, paths: readonly string[]): PromptFile[] {
  return set.subsystems.filter((s) => {
    const res = (s.paths ?? []).map(globToRegExp);
    return paths.some((p) => res.some((re) => re.test(p)));
  });
}
