/**
 * Just enough RFC 5322 reading to hand a stored draft to the outbox: its
 * Message-ID and the envelope recipients from To and Cc. The draft was
 * composed by us (or edited by a maintainer), so this is not a general mail
 * parser; it unfolds headers and splits address lists.
 */

/** Header fields of a raw message (names lower-cased, folded lines joined). */
export function draftHeaders(raw: string): Map<string, string[]> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const fields = new Map<string, string[]>();
  let last: { name: string; value: string } | null = null;
  const flush = (): void => {
    if (last) fields.set(last.name, [...(fields.get(last.name) ?? []), last.value.trim()]);
  };
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      // RFC 5322 2.2.3: a folded line continues the previous field.
      last.value += ` ${line.trim()}`;
      continue;
    }
    const m = /^([!-9;-~]+):(.*)$/.exec(line);
    flush();
    // Both groups are mandatory: on a match they are strings.
    last = m ? { name: (m[1] ?? "").toLowerCase(), value: m[2] ?? "" } : null;
  }
  flush();
  return fields;
}

/** Splits an address list on commas outside quotes, comments and angle brackets. */
export function splitAddressList(value: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  let angle = 0;
  let comment = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (quoted) {
      if (c === "\\") {
        cur += c + (value[++i] ?? "");
        continue;
      }
      if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "(") comment++;
    else if (c === ")") comment = Math.max(0, comment - 1);
    else if (c === "<") angle++;
    else if (c === ">") angle = Math.max(0, angle - 1);
    else if (c === "," && !angle && !comment) {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** The bare addr-spec of `Name <addr>` or `addr`; null when there is none. */
export function addrSpec(mailbox: string): string | null {
  const angle = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(mailbox);
  const spec = angle?.[1];
  if (spec !== undefined) return spec;
  const bare = mailbox.replace(/\([^)]*\)/g, "").trim();
  return /^[^\s<>@",]+@[^\s<>@",]+$/.test(bare) ? bare : null;
}

export interface DraftEnvelope {
  messageId: string;
  recipients: string[];
}

/** Message-ID and de-duplicated To+Cc recipients of a draft, or a reason it cannot be sent. */
export function draftEnvelope(raw: string): DraftEnvelope | { error: string } {
  const h = draftHeaders(raw);
  const messageId = h.get("message-id")?.[0]?.trim() ?? "";
  if (!/^<[^<>\s]+@[^<>\s]+>$/.test(messageId)) return { error: "the draft has no valid Message-ID header" };
  const seen = new Set<string>();
  const recipients: string[] = [];
  for (const field of ["to", "cc"]) {
    for (const value of h.get(field) ?? []) {
      for (const mailbox of splitAddressList(value)) {
        const addr = addrSpec(mailbox);
        if (addr && !seen.has(addr.toLowerCase())) {
          seen.add(addr.toLowerCase());
          recipients.push(addr);
        }
      }
    }
  }
  if (!recipients.length) return { error: "the draft has no recipient in To or Cc" };
  return { messageId, recipients };
}
