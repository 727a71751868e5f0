/**
 * Body transfer encoding. Replies go out as 8bit UTF-8, which every list and
 * reader handles and which keeps quoted code byte-exact. Quoted-printable is
 * used only when 8bit is not allowed: a line over 998 bytes (RFC 5322 2.1.1)
 * or a bare CR or NUL inside a quoted line (RFC 2045 2.8).
 */

/** RFC 5322 2.1.1: a line is at most 998 octets, excluding the CRLF. */
export const MAX_LINE_BYTES = 998;
/** RFC 2045 6.7 rule 5: encoded lines are at most 76 characters. */
const QP_LINE = 76;

/** True when these body lines cannot travel as 8bit. */
export function needsQuotedPrintable(lines: readonly string[]): boolean {
  for (const l of lines) {
    if (l.includes("\r") || l.includes("\0")) return true;
    // A UTF-16 unit is at most 3 bytes of UTF-8, so a short line needs no counting.
    if (l.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(l, "utf8") > MAX_LINE_BYTES) return true;
  }
  return false;
}

function hex(b: number): string {
  return `=${b.toString(16).toUpperCase().padStart(2, "0")}`;
}

/** Quoted-printable encoding of one text line (RFC 2045 6.7), with soft line breaks. */
export function qpEncodeLine(line: string): string[] {
  const bytes = Buffer.from(line, "utf8");
  const pieces: string[] = [];
  bytes.forEach((b, i) => {
    const last = i === bytes.length - 1;
    // Rule 3: a space or tab is literal unless it ends the line, where transports may strip it.
    if ((b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last)) pieces.push(String.fromCharCode(b));
    else pieces.push(hex(b));
  });
  const out: string[] = [];
  let cur = "";
  for (const p of pieces) {
    // Leave room for the "=" of a soft line break; an =XX escape is never split.
    if (cur.length + p.length > QP_LINE - 1) {
      out.push(`${cur}=`);
      cur = "";
    }
    cur += p;
  }
  out.push(cur);
  return out;
}

/** Quoted-printable encoding of a body given as lines. */
export function qpEncode(lines: readonly string[]): string[] {
  return lines.flatMap(qpEncodeLine);
}
