import { LkreviewError } from "./errors.js";
import type { Finding } from "./model.js";
import { reportableFindings } from "./store/queue-rules.js";

/**
 * Reports a review as a Patchwork check (Patchwork REST API): the patch is
 * found by its Message-ID, then `POST /api/patches/{id}/checks/` records
 * state, context `lkreview`, a description and a link to the queue item.
 * Optional: only used when `patchwork.url` and a token are configured.
 */

export type CheckState = "success" | "warning" | "fail";

export interface PatchworkOptions {
  /** Site root (`https://patchwork.example.org`) or API root (`.../api` or `.../api/1.2`). */
  url: string;
  /** API token of a maintainer of the project (Patchwork only lets maintainers add checks). */
  token: string;
  /** Overridable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface CheckReport {
  messageId: string;
  state: CheckState;
  description: string;
  /** The item page on our web server. */
  targetUrl: string | null;
}

/** Patchwork keeps descriptions short in its UI; longer text is cut. */
const MAX_DESCRIPTION = 255;

/** Check state from the findings that still count: errors fail, other findings warn, none succeed. */
export function checkStateFor(findings: readonly Finding[]): CheckState {
  const open = reportableFindings(findings);
  if (open.some((f) => f.severity === "error")) return "fail";
  return open.length ? "warning" : "success";
}

/** One line like `2 errors, 1 warning` for the check description. */
export function checkDescription(findings: readonly Finding[]): string {
  const open = reportableFindings(findings);
  if (!open.length) return "lkreview found nothing to comment on";
  const count = (sev: Finding["severity"], word: string): string | null => {
    const n = open.filter((f) => f.severity === sev).length;
    return n ? `${n} ${word}${n === 1 ? "" : "s"}` : null;
  };
  return `lkreview: ${[count("error", "error"), count("warning", "warning"), count("note", "note")].filter(Boolean).join(", ")}`;
}

function apiRoot(url: string): string {
  const u = url.replace(/\/+$/, "");
  return /\/api(\/\d+\.\d+)?$/.test(u) ? u : `${u}/api`;
}

/** `https://pw.example.org/api/...` without query or credentials, for error lines. */
function label(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "patchwork";
  }
}

async function call(opts: PatchworkOptions, method: string, url: string, body?: unknown): Promise<unknown> {
  const f = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await f(url, {
      method,
      headers: {
        Accept: "application/json",
        Authorization: `Token ${opts.token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      redirect: "error",
    });
  } catch (err) {
    throw new LkreviewError("NETWORK", label(url), `cannot reach Patchwork: ${(err as Error).message}`, { cause: err });
  }
  const text = await res.text();
  if (!res.ok) {
    // Patchwork (Django REST framework) explains errors as {"detail": ...} or per-field lists.
    let why = text.slice(0, 200).replace(/\s+/g, " ");
    try {
      const j = JSON.parse(text) as Record<string, unknown>;
      why = typeof j["detail"] === "string" ? j["detail"] : JSON.stringify(j).slice(0, 200);
    } catch {
      // not JSON: keep the text
    }
    throw new LkreviewError("NETWORK", label(url), `Patchwork answered ${res.status}: ${why}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new LkreviewError("NETWORK", label(url), "Patchwork answered with something that is not JSON");
  }
}

/** The Patchwork id of the patch with this Message-ID, or null when Patchwork does not have it. */
export async function findPatchId(opts: PatchworkOptions, messageId: string): Promise<number | null> {
  // Patchwork's msgid filter wants the id without angle brackets and adds them itself.
  const bare = messageId.trim().replace(/^<|>$/g, "");
  const url = `${apiRoot(opts.url)}/patches/?msgid=${encodeURIComponent(bare)}`;
  const list = await call(opts, "GET", url);
  if (!Array.isArray(list)) throw new LkreviewError("NETWORK", label(url), "Patchwork answered a patch search with no list");
  const hit = list.find((p: unknown): p is { id: number } => !!p && typeof (p as { id?: unknown }).id === "number");
  return hit ? hit.id : null;
}

/**
 * Posts the check; resolves to the patch id, or null when Patchwork does not
 * know the Message-ID (not an error: not every list is tracked there).
 */
export async function reportPatchworkCheck(opts: PatchworkOptions, report: CheckReport): Promise<number | null> {
  const id = await findPatchId(opts, report.messageId);
  if (id === null) return null;
  // eslint-disable-next-line no-control-regex -- control characters become spaces on purpose
  const description = report.description.replace(/[\u0000-\u001f\u007f]+/g, " ").slice(0, MAX_DESCRIPTION);
  await call(opts, "POST", `${apiRoot(opts.url)}/patches/${id}/checks/`, {
    state: report.state,
    context: "lkreview",
    description,
    ...(report.targetUrl ? { target_url: report.targetUrl } : {}),
  });
  return id;
}
