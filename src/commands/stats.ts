import { parseArgs } from "node:util";
import type { Config } from "../config.js";
import { describeError } from "../errors.js";
import { computeStats, formatStats } from "../etiquette/stats.js";
import { openStore } from "../store/open.js";
import type { CommandIo } from "./io.js";

export const STATS_USAGE = `usage: lkreview stats [--format text|json] [--since DATE] [--db PATH|postgres://...]
  Per rule and per list: findings sent, confirmed (lkreview: ack), marked
  false (lkreview: false-positive), precision from that feedback; replies per
  day; model tokens and time per review.`;

/** `lkreview stats`: exit 0, or 2 on bad usage or an unreadable store. */
export async function runStats(argv: string[], io: CommandIo, config: Config): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        format: { type: "string", default: "text" },
        since: { type: "string" },
        db: { type: "string" },
        config: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    io.stderr.write(`lkreview stats: ${describeError(err)}\n${STATS_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${STATS_USAGE}\n`);
    return 0;
  }
  if (values.format !== "text" && values.format !== "json") {
    io.stderr.write(`lkreview stats: --format must be text or json, not "${values.format}"\n`);
    return 2;
  }
  let store;
  try {
    store = await openStore(values.db ?? config.db, { mustExist: true });
  } catch (err) {
    io.stderr.write(`lkreview stats: ${describeError(err)}\n`);
    return 2;
  }
  try {
    const stats = computeStats(await store.reviewsList(values.since), await store.feedbackList());
    io.stdout.write(values.format === "json" ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
    return 0;
  } catch (err) {
    io.stderr.write(`lkreview stats: ${describeError(err)}\n`);
    return 2;
  } finally {
    await store.close();
  }
}
