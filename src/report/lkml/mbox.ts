/**
 * File forms of composed replies: one `.eml` per reply, or an mbox that
 * `git am`-style tools, mutt and b4 can open. Files use LF line endings, as
 * is customary on disk; the CRLF form stays in `ComposedReply.raw` for SMTP.
 */
import type { ComposedReply } from "./compose.js";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** C `asctime()` form in UTC, as the mbox `From ` line carries it: `Tue Mar  4 08:15:07 2025`. */
export function asctime(d: Date): string {
  const p2 = (n: number): string => String(n).padStart(2, "0");
  return (
    `${DAYS[d.getUTCDay()] ?? ""} ${MONTHS[d.getUTCMonth()] ?? ""} ${String(d.getUTCDate()).padStart(2, " ")} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`
  );
}

/** The reply as an `.eml` file: the wire message with LF line endings. */
export function toEml(reply: ComposedReply): string {
  return reply.raw.replace(/\r\n/g, "\n");
}

/**
 * Replies as one mbox (mboxrd): each message starts with
 * `From <sender> <asctime>`, any line matching `>*From ` gets one more `>`
 * so a reader can undo it exactly, and each message ends with a blank line.
 */
export function toMbox(replies: readonly ComposedReply[]): string {
  let out = "";
  for (const r of replies) {
    const sender = /^\S+$/.test(r.from) ? r.from : "lkreview@localhost";
    const lines = toEml(r).replace(/\n$/, "").split("\n");
    out += `From ${sender} ${asctime(r.date)}\n`;
    for (const line of lines) out += `${/^>*From /.test(line) ? `>${line}` : line}\n`;
    out += "\n";
  }
  return out;
}
