import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * Request checks for the web page: who may look (token), which POSTs are
 * genuine (CSRF), and which Host names are ours (DNS rebinding).
 */

export const SESSION_COOKIE = "lkr_session";
export const AUTH_COOKIE = "lkr_auth";

/** Host names that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "127.0.0.1" || h === "::1" || h === "localhost";
}

/** Constant-time string comparison (no early exit that leaks how much matched). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

/** HMAC keys that live as long as the server: a restart logs everyone out, which is fine for a triage page. */
export class Secrets {
  private readonly key = randomBytes(32);

  newSession(): string {
    return randomBytes(18).toString("base64url");
  }

  private mac(purpose: string, session: string): string {
    return createHmac("sha256", this.key).update(`${purpose}\0${session}`).digest("base64url");
  }

  /** The CSRF token of a session (signed double submit: the form carries it, the cookie proves the session). */
  csrfFor(session: string): string {
    return this.mac("csrf", session);
  }

  checkCsrf(session: string | undefined, token: string | undefined): boolean {
    return !!session && !!token && safeEqual(this.csrfFor(session), token);
  }

  /** Value of the login cookie, bound to the session so it cannot be planted alone. */
  authFor(session: string): string {
    return this.mac("auth", session);
  }

  checkAuth(session: string | undefined, cookie: string | undefined): boolean {
    return !!session && !!cookie && safeEqual(this.authFor(session), cookie);
  }
}

/** `host[:port]` of the request, as the browser addressed it. */
export function requestHost(req: IncomingMessage): string {
  return (req.headers.host ?? "").toLowerCase();
}

/** Hostname part of a Host header (`[::1]:8080` -> `::1`). */
export function hostName(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader)?.[1];
  if (bracketed !== undefined) return bracketed;
  return hostHeader.replace(/:\d+$/, "");
}

/**
 * A POST must come from our own pages: when the browser says where it came
 * from (Origin, else Referer), that must be this very host. A missing header
 * is allowed (some privacy settings strip it); the CSRF token still decides.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const host = requestHost(req);
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === "null") return false;
    try {
      return new URL(origin).host.toLowerCase() === host;
    } catch {
      return false;
    }
  }
  const referer = req.headers.referer;
  if (referer !== undefined) {
    try {
      return new URL(referer).host.toLowerCase() === host;
    } catch {
      return false;
    }
  }
  return true;
}
