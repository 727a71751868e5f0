/**
 * The terse format, one line per finding like checkpatch's `--terse`:
 * `path:line: LEVEL:RULE: message`, then a closing tally
 * `total: N errors, M warnings, K notes`. Meant for terminals, editors'
 * quickfix lists and grep, so each finding is exactly one line.
 */
import type { Finding, Severity } from "../model.js";

const LEVEL: Record<Severity, string> = { error: "ERROR", warning: "WARNING", note: "NOTE" };

/** One line: controls and line breaks from a (model-written) message never split a finding over two lines. */
function oneLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** `path:line: LEVEL:RULE: message` for one finding. */
export function terseLine(f: Finding): string {
  return `${oneLine(f.file)}:${f.line}: ${LEVEL[f.severity]}:${oneLine(f.rule)}: ${oneLine(f.message)}`;
}

/** `total: N errors, M warnings, K notes` (always plural, as checkpatch prints it). */
export function terseTally(findings: readonly Finding[]): string {
  const n = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  return `total: ${n("error")} errors, ${n("warning")} warnings, ${n("note")} notes`;
}

/** Every finding on its own line, in the order given, then the tally; ends with a newline. */
export function formatTerse(findings: readonly Finding[]): string {
  return [...findings.map(terseLine), terseTally(findings)].join("\n") + "\n";
}
