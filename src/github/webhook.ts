import type { IncomingMessage, ServerResponse } from "node:http";
import { Webhooks } from "@octokit/webhooks";
import { z } from "zod";
import { describeError } from "../errors.js";

/**
 * The GitHub webhook endpoint (`lkreview serve` mounts it at
 * `/github/webhook`). Every delivery is checked against `X-Hub-Signature-256`
 * before its body is even parsed; pull_request `opened`, `synchronize` and
 * `reopened` start a review in the background (GitHub gives a delivery ten
 * seconds, a review may take longer), everything else is acknowledged and
 * ignored.
 */

/** Deliveries larger than this are refused; GitHub caps payloads at 25 MB, pull_request events are far smaller. */
export const WEBHOOK_MAX_BYTES = 5 * 1024 * 1024;

const REVIEWED_ACTIONS = new Set(["opened", "synchronize", "reopened"]);

const PullRequestEvent = z.object({
  action: z.string(),
  number: z.number().int().positive().optional(),
  pull_request: z.object({ number: z.number().int().positive() }),
  repository: z.object({ full_name: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/) }),
});

export interface WebhookHandlerOptions {
  secret: string;
  /** Reviews one PR; `repo` is `owner/name`. */
  review: (repo: string, pr: number) => Promise<void>;
  /** Where background review failures are reported (default: stderr). */
  onError?: (line: string) => void;
  maxBodyBytes?: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function reply(res: ServerResponse, status: number, message?: string): void {
  if (res.headersSent) return;
  if (message === undefined || status === 204) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ message }));
}

/** Reads the body up to `max` bytes; null when it is larger. */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > max) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > max) return null;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Builds the node:http handler. */
export function createGithubWebhookHandler(opts: WebhookHandlerOptions): Handler {
  if (!opts.secret) throw new Error("a webhook secret is required");
  const webhooks = new Webhooks({ secret: opts.secret });
  const max = opts.maxBodyBytes ?? WEBHOOK_MAX_BYTES;
  const onError = opts.onError ?? ((line: string) => void process.stderr.write(`${line}\n`));
  // One review at a time per PR: a push that arrives mid-review waits, so two runs never race on the markers.
  const queues = new Map<string, Promise<void>>();

  const enqueue = (repo: string, pr: number): void => {
    const key = `${repo}#${pr}`;
    const prev = queues.get(key) ?? Promise.resolve();
    const next = prev
      .then(() => opts.review(repo, pr))
      .catch((err: unknown) => onError(`github webhook: ${key}: ${describeError(err)}`))
      .finally(() => {
        if (queues.get(key) === next) queues.delete(key);
      });
    queues.set(key, next);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      reply(res, 405, "POST only");
      return;
    }
    const body = await readBody(req, max);
    if (body === null) {
      reply(res, 413, "payload too large");
      req.resume();
      return;
    }
    const signature = req.headers["x-hub-signature-256"];
    if (typeof signature !== "string" || !signature.startsWith("sha256=")) {
      reply(res, 401, "missing signature");
      return;
    }
    let valid: boolean;
    try {
      valid = await webhooks.verify(body.toString("utf8"), signature);
    } catch {
      valid = false;
    }
    if (!valid) {
      reply(res, 401, "bad signature");
      return;
    }
    const event = req.headers["x-github-event"];
    if (event !== "pull_request") {
      reply(res, 204);
      return;
    }
    let payload: z.infer<typeof PullRequestEvent>;
    try {
      payload = PullRequestEvent.parse(JSON.parse(body.toString("utf8")));
    } catch {
      reply(res, 400, "not a pull_request payload");
      return;
    }
    if (!REVIEWED_ACTIONS.has(payload.action)) {
      reply(res, 204);
      return;
    }
    enqueue(payload.repository.full_name, payload.pull_request.number);
    reply(res, 202, "review queued");
  };

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      onError(`github webhook: ${describeError(err)}`);
      reply(res, 500, "internal error");
    });
  };
}
