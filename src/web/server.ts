import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describeError, LkreviewError } from "../errors.js";
import type { Store } from "../store/store.js";
import type { Html } from "./html.js";
import { itemAction, itemRoute, listRoute, suppressionsRoute, undoSuppression } from "./routes.js";
import type { Reply } from "./routes.js";
import { AUTH_COOKIE, hostName, isLoopbackHost, parseCookies, requestHost, safeEqual, sameOrigin, Secrets, SESSION_COOKIE } from "./security.js";
import { errorPage, loginPage } from "./views/layout.js";
import type { ViewContext } from "./views/layout.js";

/** A route mounted beside the queue pages (e.g. the GitHub webhook); it does its own authentication. */
export interface ExtraRoute {
  method: string;
  /** Exact path below `basePath`, e.g. `/github/webhook`. */
  path: string;
  handler(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export interface WebServerOptions {
  store: Store;
  /** Default 127.0.0.1. Any other address requires `token`. */
  host?: string;
  /** Default 8080; 0 picks a spare port. */
  port?: number;
  /** Required off loopback: `Authorization: Bearer TOKEN` or the login form. */
  token?: string;
  /** Mount point behind a reverse proxy, e.g. `/lkreview`. */
  basePath?: string;
  extraRoutes?: ExtraRoute[];
  /** Name recorded for actions taken on the page. */
  who?: string;
}

export interface WebServer {
  server: Server;
  /** `http://host:port` + basePath. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Largest form we accept: a draft reply is a few KB; this leaves room for long ones. */
const MAX_BODY = 1024 * 1024;

const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
  "Cache-Control": "no-store",
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") throw new HttpError(415, "Forms only.");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, "Request too large.");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function normaliseBase(base: string | undefined): string {
  const b = (base ?? "").replace(/\/+$/, "");
  if (b && !/^(\/[A-Za-z0-9._~-]+)+$/.test(b)) throw new LkreviewError("USAGE", b, "basePath must look like /name or /name/sub");
  return b;
}

/**
 * The triage web page on node:http: server-rendered, escaped by default, no
 * script. Refuses to start on a non-loopback address without a token; on
 * loopback without a token it answers only requests addressed to a loopback
 * name, so a web page elsewhere cannot reach it through DNS rebinding.
 */
export async function createWebServer(opts: WebServerOptions): Promise<WebServer> {
  const host = opts.host ?? "127.0.0.1";
  const token = opts.token ?? "";
  if (!isLoopbackHost(host) && !token) {
    throw new LkreviewError("USAGE", host, "a token is required to serve on an address other than 127.0.0.1, ::1 or localhost");
  }
  const base = normaliseBase(opts.basePath);
  const secrets = new Secrets();
  const who = opts.who ?? "web";
  const extra = opts.extraRoutes ?? [];
  const store = opts.store;

  const handle = async (req: IncomingMessage, res: ServerResponse, cookieHeaders: string[]): Promise<Reply | null> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    if (!url.pathname.startsWith(`${base}/`) && url.pathname !== base) throw new HttpError(404, "Not found.");
    const path = url.pathname.slice(base.length) || "/";

    const route = extra.find((r) => r.path === path && r.method.toUpperCase() === method);
    if (route) {
      await route.handler(req, res);
      return null;
    }
    if (!token && !isLoopbackHost(hostName(requestHost(req)))) throw new HttpError(403, "Unknown host name.");

    const cookies = parseCookies(req.headers.cookie);
    let session = cookies.get(SESSION_COOKIE);
    if (!session || !/^[A-Za-z0-9_-]{16,64}$/.test(session)) {
      session = secrets.newSession();
      cookieHeaders.push(`${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=${base || "/"}`);
    }
    const ctx: ViewContext = { base, csrf: secrets.csrfFor(session), authed: !!token };

    let form: URLSearchParams | null = null;
    if (method === "POST") {
      // Origin/Referer first: a cross-site POST is refused before its body is read.
      if (!sameOrigin(req)) throw new HttpError(403, "Cross-site request refused.");
      form = await readForm(req);
      if (!secrets.checkCsrf(cookies.get(SESSION_COOKIE), form.get("_csrf") ?? undefined)) {
        throw new HttpError(403, "Missing or wrong form token; reload the page and try again.");
      }
    } else if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "Method not allowed.");

    if (token) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
      const authed = (bearer !== undefined && safeEqual(bearer, token)) || secrets.checkAuth(cookies.get(SESSION_COOKIE), cookies.get(AUTH_COOKIE));
      if (path === "/login") {
        if (method === "GET") return { status: 200, page: loginPage(ctx, false) };
        if (!safeEqual(form?.get("token") ?? "", token)) return { status: 401, page: loginPage(ctx, true) };
        cookieHeaders.push(`${AUTH_COOKIE}=${secrets.authFor(session)}; HttpOnly; SameSite=Strict; Path=${base || "/"}`);
        return { redirect: `${base}/` };
      }
      if (!authed) {
        if (method === "POST") throw new HttpError(401, "Log in first.");
        return { redirect: `${base}/login` };
      }
    }

    if (method !== "POST") {
      if (path === "/") return listRoute(store, ctx, url.searchParams);
      if (path === "/suppressions") return suppressionsRoute(store, ctx, url.searchParams);
      const m = /^\/items\/(\d{1,15})$/.exec(path);
      if (m) return itemRoute(store, ctx, Number(m[1]), url.searchParams);
      throw new HttpError(404, "Not found.");
    }
    const body = form ?? new URLSearchParams();
    if (path === "/suppressions/undo") return undoSuppression(store, ctx, body, who);
    const m = /^\/items\/(\d{1,15})\/([a-z-]+)$/.exec(path);
    if (m?.[2] !== undefined) return itemAction(store, ctx, Number(m[1]), m[2], body, who);
    throw new HttpError(404, "Not found.");
  };

  const server = createServer((req, res) => {
    const cookieHeaders: string[] = [];
    const send = (status: number, page: Html | string): void => {
      if (res.headersSent) return;
      res.writeHead(status, {
        ...SECURITY_HEADERS,
        "Content-Type": "text/html; charset=utf-8",
        ...(cookieHeaders.length ? { "Set-Cookie": cookieHeaders } : {}),
      });
      res.end(req.method === "HEAD" ? undefined : String(page));
    };
    const ctx: ViewContext = { base, csrf: "", authed: !!token };
    handle(req, res, cookieHeaders).then(
      (reply) => {
        if (!reply) return;
        if ("redirect" in reply) {
          res.writeHead(303, { ...SECURITY_HEADERS, Location: reply.redirect, ...(cookieHeaders.length ? { "Set-Cookie": cookieHeaders } : {}) });
          res.end();
        } else send(reply.status, reply.page);
      },
      (err: unknown) => {
        if (err instanceof HttpError) send(err.status, errorPage(ctx, err.status, err.message));
        else send(500, errorPage(ctx, 500, describeError(err)));
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(new LkreviewError("IO", `${host}:${opts.port ?? 8080}`, `cannot listen: ${err.message}`, { cause: err })));
    server.listen(opts.port ?? 8080, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    server,
    port,
    url: `http://${shownHost}:${port}${base}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
