import { parseArgs } from "node:util";
import { analysePatch } from "../analyse/analyse.js";
import type { Config } from "../config.js";
import { LkreviewError, describeError } from "../errors.js";
import type { Finding } from "../model.js";
import { parseMail } from "../parse/mime.js";
import { classifyMail } from "../parse/patch.js";
import { terseLine } from "../report/terse.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/store.js";
import type { CommandIo } from "./io.js";
import { setUpModel } from "./model-setup.js";

export const B4_CHECK_USAGE = `usage: lkreview b4-check [--model] [--db PATH|postgres://...] < patch.eml
  Reads one patch mail on stdin and prints the JSON result list of b4's
  external check protocol. Configure it in git config:
    [b4]
        review-perpatch-check-cmd = lkreview b4-check
  Rules only unless --model; with --db, points marked false positive are left out.`;

/**
 * One entry of b4's external check protocol (b4's misc/review-ci-example.py):
 * a JSON array of these on stdout, `[]` meaning nothing to report; a
 * non-zero exit without JSON is an execution error.
 */
export interface B4CheckResult {
  tool: string;
  status: "pass" | "warn" | "fail";
  summary?: string;
  details?: string;
}

/** Most finding lines in `details`: b4 shows them in a scrolling view, not a report. */
const MAX_DETAIL_LINES = 200;

/** The result for one reviewed patch: fail on an error, warn on anything else, pass when clean. */
export function b4Result(findings: readonly Finding[]): B4CheckResult {
  if (findings.length === 0) return { tool: "lkreview", status: "pass", summary: "no issues found" };
  const n = (s: Finding["severity"]): number => findings.filter((f) => f.severity === s).length;
  const parts = [
    n("error") ? `${n("error")} error${n("error") > 1 ? "s" : ""}` : "",
    n("warning") ? `${n("warning")} warning${n("warning") > 1 ? "s" : ""}` : "",
    n("note") ? `${n("note")} note${n("note") > 1 ? "s" : ""}` : "",
  ].filter((p) => p !== "");
  const lines = findings.slice(0, MAX_DETAIL_LINES).map(terseLine);
  if (findings.length > MAX_DETAIL_LINES) lines.push(`... and ${findings.length - MAX_DETAIL_LINES} more`);
  return {
    tool: "lkreview",
    status: n("error") > 0 ? "fail" : "warn",
    summary: `${findings.length} finding${findings.length > 1 ? "s" : ""}: ${parts.join(", ")}`,
    details: lines.join("\n"),
  };
}

async function readStdin(stdin: NodeJS.ReadableStream, max: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    size += buf.byteLength;
    if (size > max) throw new LkreviewError("LIMIT", "<stdin>", `more than limits.maxMessageBytes (${max}) bytes`);
    chunks.push(buf);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** `lkreview b4-check`: exit 0 with the JSON list; 2 (no JSON) when the input cannot be read as mail. */
export async function runB4Check(argv: string[], io: CommandIo, config: Config): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        model: { type: "boolean", default: false },
        db: { type: "string" },
        config: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    io.stderr.write(`lkreview b4-check: ${describeError(err)}\n${B4_CHECK_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${B4_CHECK_USAGE}\n`);
    return 0;
  }
  let store: Store | null = null;
  try {
    const raw = await readStdin(io.stdin, config.limits.maxMessageBytes);
    const mail = await parseMail({ source: "<stdin>", raw }, config.limits);
    const c = classifyMail(mail, config.limits);
    if ((c.kind !== "patch" && c.kind !== "cover") || !c.patch) {
      io.stdout.write("[]\n");
      return 0;
    }
    if (values.db) store = await openStore(values.db);
    const s = store;
    const model = values.model ? await setUpModel(config, { noModel: false, noCache: false }, store, io) : null;
    const analysis = await analysePatch(c.patch, null, {
      config,
      model,
      coverLetter: c.kind === "cover",
      ...(s ? { isSuppressed: (rule: string, fp: string) => s.isSuppressed(rule, fp) } : {}),
    });
    io.stdout.write(`${JSON.stringify([b4Result(analysis.reportable)], null, 2)}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`lkreview b4-check: ${describeError(err)}\n`);
    return 2;
  } finally {
    await store?.close();
  }
}
