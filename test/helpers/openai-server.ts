import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback server of ours that speaks OpenAI's chat-completions wire
 * protocol, so tests drive the real `openai` SDK: JSON bodies and SSE streams
 * (`data:` chunks, `data: [DONE]`), `usage` counts, and errors in OpenAI's
 * shape `{ "error": { "message", "type", "param", "code" } }` with the
 * headers real servers send (`retry-after`, `x-request-id`). Each test
 * scripts the answers it needs; every request received is logged.
 */

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema?: Record<string, unknown> } };
  [key: string]: unknown;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: ChatRequestBody;
}

/** One scripted reaction to the next chat-completions request. */
export type Scripted =
  /** Assistant content is `JSON.stringify(answer)`. */
  | { kind: "json"; answer: unknown; usage?: { prompt: number; completion: number } }
  /** Assistant content exactly as given (prose, fences, broken JSON...). */
  | { kind: "text"; content: string; usage?: { prompt: number; completion: number } }
  /** An HTTP error in OpenAI's shape. */
  | { kind: "error"; status: number; message: string; type?: string; param?: string | null; code?: string | null; headers?: Record<string, string> }
  /** Waits before reacting (for client timeouts); the wait ends early when the client goes away. */
  | { kind: "slow"; delayMs: number; then: Scripted }
  /** Decides from the request. */
  | { kind: "fn"; respond: (req: ReceivedRequest) => Scripted };

export interface OpenAiTestServer {
  /** Base URL for the SDK, ending in `/v1`. */
  url: string;
  requests: ReceivedRequest[];
  enqueue(...answers: Scripted[]): void;
  /** Like servers without structured output: a request with `response_format.type: json_schema` gets a 400. */
  rejectJsonSchema: boolean;
  /** Most chat-completions requests that were open at the same time (for concurrency limits). */
  maxInFlight: number;
  /** Answer for requests when the queue is empty (default: a 500 saying so, to catch unexpected calls). */
  fallback: Scripted | null;
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_FALLBACK: Scripted = { kind: "error", status: 500, message: "test server: no scripted answer left", type: "server_error" };

function sendError(res: ServerResponse, e: Extract<Scripted, { kind: "error" }>): void {
  const body = JSON.stringify({ error: { message: e.message, type: e.type ?? "invalid_request_error", param: e.param ?? null, code: e.code ?? null } });
  res.writeHead(e.status, { "content-type": "application/json", "x-request-id": `req_${randomBytes(6).toString("hex")}`, ...(e.headers ?? {}) });
  res.end(body);
}

function estimate(text: string): number {
  return Math.ceil(text.length / 4);
}

function sendCompletion(res: ServerResponse, req: ReceivedRequest, content: string, usage?: { prompt: number; completion: number }): void {
  const id = `chatcmpl-${randomBytes(8).toString("hex")}`;
  const created = Math.floor(Date.now() / 1000);
  const model = req.body.model;
  const promptTokens = usage?.prompt ?? estimate(req.body.messages.map((m) => m.content).join(""));
  const completionTokens = usage?.completion ?? estimate(content);
  const usageBody = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const headers = { "x-request-id": `req_${randomBytes(6).toString("hex")}`, "openai-processing-ms": "5" };
  if (!req.body.stream) {
    res.writeHead(200, { "content-type": "application/json", ...headers });
    res.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: "stop" }],
        usage: usageBody,
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", ...headers });
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices, ...extra })}\n\n`;
  res.write(chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]));
  // Several pieces, cut mid-token as real servers do.
  const step = Math.max(1, Math.ceil(content.length / 4));
  for (let i = 0; i < content.length; i += step) {
    res.write(chunk([{ index: 0, delta: { content: content.slice(i, i + step) }, finish_reason: null }]));
  }
  res.write(chunk([{ index: 0, delta: {}, finish_reason: "stop" }]));
  if (req.body.stream_options?.include_usage) res.write(chunk([], { usage: usageBody }));
  res.write("data: [DONE]\n\n");
  res.end();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

/** Starts the server on 127.0.0.1 and a spare port. */
export async function startOpenAiServer(): Promise<OpenAiTestServer> {
  const queue: Scripted[] = [];
  let inFlight = 0;
  const state: OpenAiTestServer = {
    url: "",
    requests: [],
    enqueue: (...answers) => void queue.push(...answers),
    rejectJsonSchema: false,
    maxInFlight: 0,
    fallback: DEFAULT_FALLBACK,
    reset() {
      state.maxInFlight = 0;
      queue.length = 0;
      state.requests.length = 0;
      state.rejectJsonSchema = false;
      state.fallback = DEFAULT_FALLBACK;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const react = (res: ServerResponse, received: ReceivedRequest, s: Scripted): void => {
    switch (s.kind) {
      case "json":
        return sendCompletion(res, received, JSON.stringify(s.answer), s.usage);
      case "text":
        return sendCompletion(res, received, s.content, s.usage);
      case "error":
        return sendError(res, s);
      case "fn":
        return react(res, received, s.respond(received));
      case "slow": {
        const timer = setTimeout(() => {
          if (!res.destroyed) react(res, received, s.then);
        }, s.delayMs);
        res.on("close", () => clearTimeout(timer));
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      const text = await readBody(req);
      if (req.method !== "POST" || path !== "/v1/chat/completions") {
        return sendError(res, { kind: "error", status: 404, message: `Unknown request URL: ${req.method} ${path}`, code: "unknown_url" });
      }
      let body: ChatRequestBody;
      try {
        body = JSON.parse(text) as ChatRequestBody;
      } catch {
        return sendError(res, { kind: "error", status: 400, message: "We could not parse the JSON body of your request.", code: null });
      }
      if (typeof body.model !== "string" || !Array.isArray(body.messages)) {
        return sendError(res, {
          kind: "error",
          status: 400,
          message: "Missing required parameter: 'messages'.",
          param: "messages",
          code: "missing_required_parameter",
        });
      }
      const received: ReceivedRequest = { method: req.method, path, headers: req.headers, body };
      state.requests.push(received);
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      res.on("close", () => inFlight--);
      if (state.rejectJsonSchema && body.response_format?.type === "json_schema") {
        return sendError(res, {
          kind: "error",
          status: 400,
          message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
          param: "response_format",
          code: null,
        });
      }
      const next = queue.shift() ?? state.fallback ?? DEFAULT_FALLBACK;
      react(res, received, next);
    })();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return state;
}
