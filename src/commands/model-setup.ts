import type { Config } from "../config.js";
import type { ModelReviewer } from "../analyse/analyse.js";
import type { Store } from "../store/store.js";
import type { CommandIo } from "./io.js";

/**
 * The model layer for this run, or null for rules only. With no key and no
 * base URL it is off and says so once, in one line, on stderr.
 */
export function setUpModel(
  config: Config,
  flags: { noModel: boolean; model?: string; noCache: boolean },
  store: Store | null,
  io: CommandIo,
): ModelReviewer | null {
  void store;
  if (flags.noModel || !config.model.enabled) return null;
  if (!config.model.apiKey && !config.model.baseUrl) {
    io.stderr.write("lkreview: model layer off (no OPENAI_API_KEY or OPENAI_BASE_URL); reviewing with the rules alone\n");
    return null;
  }
  return null;
}
