/**
 * Prompt size of the model layer, without a network: for every patch file in
 * a directory (default `examples/`), print the estimated prompt tokens of
 * each request against the patch's size, and the overhead beyond the patch
 * text (system prompt, guidance, instructions, fences, line numbers, rule
 * findings). Tokens are estimated as characters / 4, exactly as the reviewer
 * estimates them when it splits patches and checks budgets.
 *
 *   node dist/bench/model-tokens.js [DIR] [--budget TOKENS]
 *
 * Exits 1 when some request's overhead reaches the 1,500-token target.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadPrompts } from "../src/analyse/model-layer/prompts.js";
import { planRequests } from "../src/analyse/model-layer/requests.js";
import { ConfigSchema } from "../src/config.js";
import { describeError } from "../src/errors.js";
import { DEFAULT_LIMITS } from "../src/limits.js";
import type { Patch } from "../src/model.js";
import { parsePatchBody } from "../src/parse/diff.js";
import { parseMail } from "../src/parse/mime.js";
import { parseSubject } from "../src/parse/subject.js";

/** Overhead per request the prompts must stay under (issue 4). */
const TARGET = 1_500;

/** Splits an mbox (or a single format-patch file) at its `From ` separator lines. */
function splitMbox(text: string): string[] {
  return text.split(/\n(?=From \S+ +\w{3} \w{3} +\d+ [\d:]+ \d{4}\n)/).filter((m) => m.trim() !== "");
}

async function patchesOf(file: string): Promise<Patch[]> {
  const out: Patch[] = [];
  const messages = splitMbox(readFileSync(file, "utf8"));
  for (let i = 0; i < messages.length; i++) {
    const source = messages.length > 1 ? `${file}#${i + 1}` : file;
    const mail = await parseMail({ source, raw: new TextEncoder().encode(messages[i]) }, DEFAULT_LIMITS);
    const { commitMessage, files } = parsePatchBody(mail.body, source);
    if (files.length > 0) out.push({ mail, subject: parseSubject(mail.subject), commitMessage, files });
  }
  return out;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const b = args.indexOf("--budget");
  const budget = b >= 0 ? Number(args.splice(b, 2)[1]) : ConfigSchema.parse({}).model.requestTokenBudget;
  const dir = args[0] ?? "examples";
  const prompts = loadPrompts();
  const names = readdirSync(dir)
    .filter((n) => /\.(patch|mbox|eml|diff)$/.test(n) && statSync(join(dir, n)).isFile())
    .sort();
  console.log(`request token budget ${budget}; tokens estimated as chars/4`);
  console.log(["file", "patch bytes", "patch tokens", "requests", "prompt tokens", "max overhead/request"].join("\t"));
  let worst = 0;
  for (const name of names) {
    const path = join(dir, name);
    try {
      for (const patch of await patchesOf(path)) {
        const reqs = planRequests(patch, null, [], prompts, budget);
        const prompt = reqs.reduce((s, r) => s + r.promptTokens, 0);
        const patchTokens = reqs.reduce((s, r) => s + r.patchTokens, 0);
        const overhead = Math.max(...reqs.map((r) => r.promptTokens - r.patchTokens));
        worst = Math.max(worst, overhead);
        const bytes = Buffer.byteLength(patch.mail.body);
        console.log([patch.mail.source, bytes, patchTokens, reqs.length, prompt, overhead].join("\t"));
      }
    } catch (err) {
      console.error(describeError(err));
    }
  }
  console.log(`worst overhead per request: ${worst} tokens (target < ${TARGET}): ${worst < TARGET ? "ok" : "OVER"}`);
  return worst < TARGET ? 0 : 1;
}

process.exitCode = await main();
