/**
 * Who a reply goes to. List etiquette is reply-all: the author in To, every
 * other recipient of the patch in Cc, minus the bot itself; Reply-To wins
 * over From for the author, as in every mail client.
 */
import { LkreviewError } from "../../errors.js";
import type { Address, Mail } from "../../model.js";
import { phraseTokens } from "./header-encode.js";
import { MAX_NAME_CHARS, sanitiseAddress, sanitiseHeaderText } from "./sanitise.js";

/** A recipient after cleaning: display name without controls, address validated. */
export interface CleanAddress {
  name: string;
  address: string;
}

/** Cleans one address from input; null when its addr-spec is not safe to repeat. */
export function cleanAddress(a: Address): CleanAddress | null {
  const address = sanitiseAddress(a.address);
  if (!address) return null;
  return { name: sanitiseHeaderText(a.name, MAX_NAME_CHARS), address };
}

/**
 * Parses a configured identity, `Name <addr>` or a bare `addr`. The operator
 * wrote it, but it still goes through the same checks as input does.
 */
export function parseIdentity(text: string, what: string): CleanAddress {
  // Split at the last `<` rather than with one regex: linear on any input.
  const t = text.trim();
  const open = t.endsWith(">") ? t.lastIndexOf("<") : -1;
  const inner = open >= 0 ? t.slice(open + 1, -1) : "";
  const bracketed = open >= 0 && !inner.includes("<") && !inner.includes(">");
  const name = bracketed
    ? t
        .slice(0, open)
        .trim()
        .replace(/^"(.*)"$/, "$1")
    : "";
  const addr = bracketed ? inner : t;
  const clean = cleanAddress({ name, address: addr });
  if (!clean) throw new LkreviewError("CONFIG", what, `not a usable mail address: ${JSON.stringify(text.slice(0, 80))}`);
  return clean;
}

/** Header tokens for a list of addresses: `Name <addr>,` ... ready for folding. */
export function addressListTokens(list: readonly CleanAddress[]): string[] {
  const tokens: string[] = [];
  list.forEach((a, i) => {
    const comma = i < list.length - 1 ? "," : "";
    // A bare address reads best without brackets, as mail clients write it.
    if (!a.name) tokens.push(`${a.address}${comma}`);
    else tokens.push(...phraseTokens(a.name), `<${a.address}>${comma}`);
  });
  return tokens;
}

/** `Name <addr>, ...` as a reader sees it (decoded, unfolded), for the logical header list. */
export function addressListText(list: readonly CleanAddress[]): string {
  return list
    .map((a) => {
      if (!a.name) return a.address;
      const quoted = /[()<>[\]:;@\\,."]/.test(a.name) ? `"${a.name.replace(/[\\"]/g, (c) => `\\${c}`)}"` : a.name;
      return `${quoted} <${a.address}>`;
    })
    .join(", ");
}

export interface Recipients {
  to: CleanAddress[];
  cc: CleanAddress[];
}

/**
 * To: Reply-To when present (and usable), else From. Cc: the patch's To and
 * Cc plus `extraCc`, minus the bot's addresses and everyone already in To,
 * de-duplicated case-insensitively by address, first spelling kept.
 */
export function replyRecipients(mail: Mail, opts: { botAddresses: readonly string[]; extraCc: readonly CleanAddress[]; replyAll: boolean }): Recipients {
  const replyTo = mail.replyTo.map(cleanAddress).filter((a): a is CleanAddress => a !== null);
  const from = cleanAddress(mail.from);
  const to = replyTo.length > 0 ? replyTo : from ? [from] : [];
  if (to.length === 0) {
    throw new LkreviewError("PARSE_MAIL", mail.messageId || mail.source, "no usable author address to reply to");
  }
  const seen = new Set<string>(opts.botAddresses.map((a) => a.toLowerCase()));
  const toList: CleanAddress[] = [];
  for (const a of to) {
    const key = a.address.toLowerCase();
    if (toList.some((t) => t.address.toLowerCase() === key)) continue;
    toList.push(a);
  }
  // The author is never copied, even when Reply-To sent To elsewhere.
  for (const a of [...toList, ...(from ? [from] : [])]) seen.add(a.address.toLowerCase());
  const candidates = opts.replyAll ? [...mail.to, ...mail.cc] : [];
  const cc: CleanAddress[] = [];
  for (const raw of candidates) {
    const a = cleanAddress(raw);
    if (!a) continue;
    const key = a.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    cc.push(a);
  }
  for (const a of opts.extraCc) {
    const key = a.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    cc.push(a);
  }
  return { to: toList, cc };
}
