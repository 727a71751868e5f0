import { RULES } from "../../rules/index.js";
import type { CommandIo } from "./io.js";

/** The rule table for the README, generated from the rules' metadata. */
export function rulesMarkdown(): string {
  const lines = ["| rule | class | default level | what it finds |", "| --- | --- | --- | --- |"];
  for (const r of RULES) lines.push(`| [\`${r.meta.id}\`](rules/${r.meta.id}.md) | ${r.meta.class} | ${r.meta.severity} | ${r.meta.description} |`);
  return `${lines.join("\n")}\n`;
}

/** `lkreview rules [--format text|json|markdown]`: the rule list, from the rules' metadata. */
export function runRulesCommand(argv: string[], io: CommandIo): number {
  const i = argv.indexOf("--format");
  const format = argv.find((a) => a.startsWith("--format="))?.slice(9) ?? (i >= 0 ? argv[i + 1] : "text");
  const rows = RULES.map((r) => ({ id: r.meta.id, class: r.meta.class, severity: r.meta.severity, description: r.meta.description }));
  if (format === "json") io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (format === "markdown") io.stdout.write(rulesMarkdown());
  else if (format === "text") for (const r of rows) io.stdout.write(`${r.id.padEnd(12)} ${r.class.padEnd(11)} ${r.severity.padEnd(8)} ${r.description}\n`);
  else {
    io.stderr.write(`lkreview rules: --format must be text, json or markdown\n`);
    return 2;
  }
  return 0;
}
