import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback emulation of the parts of Patchwork's REST API lkreview uses:
 * patch search by `msgid` and check creation, with Patchwork's (Django REST
 * framework's) status codes and error bodies. Accepts both `/api/` and a
 * versioned `/api/1.x/` root.
 */

export interface PwPatch {
  id: number;
  /** With angle brackets, as Patchwork stores it. */
  msgid: string;
  name: string;
}

export interface PwCheck {
  id: number;
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
  user: string;
}

export interface PatchworkServer {
  url: string;
  patches: PwPatch[];
  checks: Map<number, PwCheck[]>;
  /** Every request as `METHOD path?query`. */
  log: string[];
  close(): Promise<void>;
}

const STATES = ["pending", "success", "warning", "fail"];

/** A JSON field read as text: strings as sent, numbers and booleans in their JSON spelling, null or absent as `fallback`. */
function fieldText(v: unknown, fallback: string): string {
  if (v === undefined || v === null) return fallback;
  if (typeof v === "string") return v;
  return typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json", Vary: "Accept" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

/** `tokens`: token -> user name; `maintainers`: users allowed to add checks. */
export async function startPatchworkServer(opts: { tokens: Record<string, string>; maintainers: string[]; patches: PwPatch[] }): Promise<PatchworkServer> {
  const checks = new Map<number, PwCheck[]>();
  const log: string[] = [];
  let nextCheck = 1;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      log.push(`${req.method} ${url.pathname}${url.search}`);
      const path = url.pathname.replace(/^\/api(\/\d+\.\d+)?/, "");
      const origin = `http://${req.headers.host}`;
      if (req.method === "GET" && path === "/patches/") {
        const msgid = url.searchParams.get("msgid");
        // Patchwork's filter wraps the value in angle brackets itself.
        const hits = opts.patches.filter((p) => msgid === null || p.msgid === `<${msgid}>`);
        send(
          res,
          200,
          hits.map((p) => ({ id: p.id, url: `${origin}/api/patches/${p.id}/`, msgid: p.msgid, name: p.name, checks: `${origin}/api/patches/${p.id}/checks/` })),
        );
        return;
      }
      const m = /^\/patches\/(\d+)\/checks\/$/.exec(path);
      if (!m) return send(res, 404, { detail: "Not found." });
      const patch = opts.patches.find((p) => p.id === Number(m[1]));
      if (req.method === "GET") {
        if (!patch) return send(res, 404, { detail: "Not found." });
        return send(res, 200, checks.get(patch.id) ?? []);
      }
      if (req.method !== "POST") return send(res, 405, { detail: `Method "${req.method}" not allowed.` });
      const auth = req.headers.authorization;
      if (!auth) return send(res, 401, { detail: "Authentication credentials were not provided." });
      const tm = /^Token (\S+)$/.exec(auth);
      const user = tm ? opts.tokens[tm[1]!] : undefined;
      if (!user) return send(res, 401, { detail: "Invalid token." });
      if (!patch) return send(res, 404, { detail: "Not found." });
      if (!opts.maintainers.includes(user)) return send(res, 403, { detail: "You do not have permission to perform this action." });
      const type = (req.headers["content-type"] ?? "").split(";")[0];
      if (type !== "application/json") return send(res, 415, { detail: `Unsupported media type "${type}" in request.` });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      } catch {
        return send(res, 400, { detail: "JSON parse error" });
      }
      const errors: Record<string, string[]> = {};
      const state = fieldText(body["state"], "");
      if (!STATES.includes(state)) errors["state"] = [`"${state}" is not a valid choice.`];
      const context = fieldText(body["context"], "default");
      if (!/^[-a-zA-Z0-9_]+$/.test(context)) errors["context"] = ['Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'];
      const target = body["target_url"];
      if (target !== undefined && target !== null && !/^https?:\/\/\S+$/.test(fieldText(target, ""))) errors["target_url"] = ["Enter a valid URL."];
      if (Object.keys(errors).length) return send(res, 400, errors);
      const check: PwCheck = {
        id: nextCheck++,
        state,
        context,
        description: typeof body["description"] === "string" ? body["description"] : null,
        target_url: typeof target === "string" ? target : null,
        user,
      };
      checks.set(patch.id, [...(checks.get(patch.id) ?? []), check]);
      send(res, 201, { ...check, url: `${origin}/api/patches/${patch.id}/checks/${check.id}/`, user: { username: user } });
    })().catch((err: unknown) => send(res, 500, { detail: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    patches: opts.patches,
    checks,
    log,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
