import { RULES } from "../../rules/index.js";
import type { CommandIo } from "./io.js";

/** `lkreview rules [--format json]`: the rule list, generated from the rules' metadata. */
export function runRulesCommand(argv: string[], io: CommandIo): number {
  const rows = RULES.map((r) => ({ id: r.meta.id, class: r.meta.class, severity: r.meta.severity, description: r.meta.description }));
  if (argv.includes("--format=json") || (argv.includes("--format") && argv[argv.indexOf("--format") + 1] === "json")) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  for (const r of rows) io.stdout.write(`${r.id.padEnd(12)} ${r.class.padEnd(11)} ${r.severity.padEnd(8)} ${r.description}\n`);
  return 0;
}
