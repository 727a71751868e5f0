import type { Config } from "../../config.js";

/**
 * Whether the model layer runs, decided without loading it: the OpenAI SDK
 * is imported only when it does (a rules-only run never pays for it).
 */

/** Host (and path) of a base URL without credentials, for the status line. */
function endpointOf(baseUrl: string | undefined): string {
  if (!baseUrl) return "api.openai.com";
  try {
    const u = new URL(baseUrl);
    return `${u.host}${u.pathname.replace(/\/$/, "")}`;
  } catch {
    return "a custom endpoint";
  }
}

/**
 * Whether the model layer runs, and the one line that says so. Off with
 * `--no-model`, with `model.enabled: false`, or with neither an API key nor a
 * base URL; the caller prints `reason` once on stderr when it is off. The
 * caller also applies `--model NAME` to `cfg.name` before creating the reviewer.
 */
export function modelStatus(cfg: Config["model"], flags: { noModel?: boolean; model?: string } = {}): { enabled: boolean; reason: string } {
  if (flags.noModel) return { enabled: false, reason: "lkreview: model review off (--no-model); rules only" };
  if (!cfg.enabled) return { enabled: false, reason: "lkreview: model review off (model.enabled is false); rules only" };
  if (!cfg.apiKey && !cfg.baseUrl) {
    return { enabled: false, reason: "lkreview: model review off: set OPENAI_API_KEY or OPENAI_BASE_URL to enable it; rules only" };
  }
  return { enabled: true, reason: `lkreview: model review with ${flags.model ?? cfg.name} at ${endpointOf(cfg.baseUrl)}` };
}
