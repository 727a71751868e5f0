import { LkreviewError } from "../errors.js";

/** A server address taken apart, with credentials resolved. */
export interface ServerUrl {
  protocol: "imap" | "imaps" | "smtp" | "smtps";
  host: string;
  port: number;
  /** True for imaps:// and smtps:// (TLS from the first byte). */
  secure: boolean;
  user: string | null;
  pass: string | null;
  /** The URL with the password replaced by `***`, safe for logs. */
  display: string;
}

const DEFAULT_PORTS = { imap: 143, imaps: 993, smtp: 587, smtps: 465 } as const;

/**
 * The URL with any password replaced by `***`. Used for every URL that
 * reaches a log line or an error message: secrets are never printed.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    // Not parseable: hide whatever sits between "//" and "@".
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}

/**
 * Parses an `imap(s)://` or `smtp(s)://` URL. User and password come from the
 * URL, else from the environment (`LKREVIEW_IMAP_USER`/`_PASS`,
 * `LKREVIEW_SMTP_USER`/`_PASS`), so they need not sit in a config file.
 */
export function parseServerUrl(url: string, kind: "imap" | "smtp", env: NodeJS.ProcessEnv = process.env): ServerUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LkreviewError("USAGE", redactUrl(url), `not a valid ${kind} URL`);
  }
  const protocol = u.protocol.replace(/:$/, "");
  const allowed = kind === "imap" ? ["imap", "imaps"] : ["smtp", "smtps"];
  if (!allowed.includes(protocol)) {
    throw new LkreviewError("USAGE", redactUrl(url), `expected ${allowed.join(":// or ")}://`);
  }
  const p = protocol as ServerUrl["protocol"];
  const prefix = kind === "imap" ? "LKREVIEW_IMAP" : "LKREVIEW_SMTP";
  const user = u.username ? decodeURIComponent(u.username) : env[`${prefix}_USER`] || null;
  const pass = u.password ? decodeURIComponent(u.password) : env[`${prefix}_PASS`] || null;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new LkreviewError("USAGE", redactUrl(url), "no host in the URL");
  return {
    protocol: p,
    host,
    port: u.port ? Number(u.port) : DEFAULT_PORTS[p],
    secure: p === "imaps" || p === "smtps",
    user,
    pass,
    display: redactUrl(url),
  };
}
