/**
 * The one error type of lkreview. Every failure a user can see carries a code
 * from the closed table below and a one-line message naming the item and the
 * fault, e.g. `<20250304.123@example.org>: no unified diff found`.
 */
export const ERROR_CODES = {
  USAGE: "bad command line or configuration",
  IO: "a file or directory could not be read or written",
  PARSE_MAIL: "a message could not be parsed as mail",
  NO_DIFF: "a patch mail holds no unified diff",
  BAD_DIFF: "a unified diff is malformed",
  LIMIT: "input exceeds a configured limit",
  CONFIG: "the configuration file is invalid",
  STORE: "the state store failed",
  NETWORK: "a server could not be reached or answered with an error",
  MODEL: "the model endpoint failed or answered nonsense",
  GITHUB: "the GitHub API failed",
  MAIL: "an IMAP or SMTP operation failed",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class LkreviewError extends Error {
  readonly code: ErrorCode;
  /** What the error is about: a file path, a Message-ID, a URL without secrets. */
  readonly item: string;

  constructor(code: ErrorCode, item: string, message: string, options?: { cause?: unknown }) {
    super(item ? `${item}: ${message}` : message, options);
    this.name = "LkreviewError";
    this.code = code;
    this.item = item;
  }
}

/** One line for stderr or the JSON `errors` list, whatever was thrown. */
export function describeError(err: unknown): string {
  if (err instanceof LkreviewError) return oneLine(err.message);
  if (err instanceof Error) return oneLine(err.message);
  return oneLine(String(err));
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ").trim();
}
