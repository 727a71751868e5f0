/**
 * The terse format, one line per finding like checkpatch's `--terse`:
 * `path:line: LEVEL:RULE: message`, then a closing tally
 * `total: N errors, M warnings, K notes`. Meant for terminals, editors'
 * quickfix lists and grep, so each finding is exactly one line.
 *
 * Several patches in one run can touch the same path, so the findings of
 * each patch follow one header line `# <subject> (<message-id>)` naming the
 * patch. It starts with `#` so that it never reads as a finding (quickfix
 * parsers and `grep -v '^#'` pass over it), and the Message-ID finds the
 * mail on lore.kernel.org. A patch without findings gets no header.
 */
import type { Finding, Review, Severity } from "../model.js";

const LEVEL: Record<Severity, string> = { error: "ERROR", warning: "WARNING", note: "NOTE" };

/** One line: controls and line breaks from a (model-written) message never split a finding over two lines. */
function oneLine(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- control characters are what this removes
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** `path:line: LEVEL:RULE: message` for one finding. */
export function terseLine(f: Finding): string {
  return `${oneLine(f.file)}:${f.line}: ${LEVEL[f.severity]}:${oneLine(f.rule)}: ${oneLine(f.message)}`;
}

/** `# <subject> (<message-id>)`: the line before a patch's findings. Subject and Message-ID come from the mail, so they are kept to one line. */
export function terseHeader(review: Pick<Review, "subject" | "messageId">): string {
  return `# ${oneLine(review.subject)} (${oneLine(review.messageId)})`;
}

/** Counts of findings per level, for the tally. */
export type TerseTally = Record<Severity, number>;

/** `total: N errors, M warnings, K notes` from counts (always plural, as checkpatch prints it). */
export function tallyLine(t: TerseTally): string {
  return `total: ${t.error} errors, ${t.warning} warnings, ${t.note} notes`;
}

/** `total: N errors, M warnings, K notes` for a list of findings. */
export function terseTally(findings: readonly Finding[]): string {
  const n = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  return tallyLine({ error: n("error"), warning: n("warning"), note: n("note") });
}

/** Every finding on its own line, in the order given, then the tally; ends with a newline. */
export function formatTerse(findings: readonly Finding[]): string {
  return [...findings.map(terseLine), terseTally(findings)].join("\n") + "\n";
}

/** A patch's block: its header, then one line per finding; "" when it has no findings. */
export function terseBlock(review: Pick<Review, "subject" | "messageId" | "findings">): string {
  if (review.findings.length === 0) return "";
  return [terseHeader(review), ...review.findings.map(terseLine)].join("\n") + "\n";
}

/** Several reviews: each patch's block in order, then one tally over all of them; ends with a newline. */
export function formatTerseReviews(reviews: readonly Pick<Review, "subject" | "messageId" | "findings">[]): string {
  return reviews.map(terseBlock).join("") + terseTally(reviews.flatMap((r) => r.findings)) + "\n";
}
