import OpenAI, { APIConnectionError, APIError } from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { Config } from "../../config.js";
import { describeError, LkreviewError } from "../../errors.js";
import { ANSWER_SCHEMA_NAME, answerJsonSchema } from "./answer.js";

/**
 * One chat-completions call with our own retry loop. The SDK's retries are
 * off (`maxRetries: 0`) because we need to honour `Retry-After` on 5xx as
 * well as 429, cap the wait, and report one line when it finally fails.
 */

export interface RetryOptions {
  /** First backoff step; doubled per attempt, with jitter. */
  baseDelayMs: number;
  /** No single wait is longer than this, whatever the server asks. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { baseDelayMs: 500, maxDelayMs: 30_000 };

export interface ChatResult {
  text: string;
  promptTokens: number;
  completionTokens: number;
  /** False when the server sent no `usage` (tokens are then estimates by the caller). */
  usageReported: boolean;
  /** Attempts made, first included. */
  attempts: number;
}

export interface ChatClient {
  complete(messages: ChatCompletionMessageParam[], item: string): Promise<ChatResult>;
}

/** Base URLs whose server rejected `response_format: json_schema`; asked in plain mode from then on. */
const plainOnly = new Set<string>();

/** Milliseconds the server asks us to wait (`retry-after-ms`, `retry-after` seconds or HTTP date); null when absent. */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get("retry-after");
  if (ra === null || ra.trim() === "") return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Exponential backoff with jitter (half to full step), capped. */
export function backoffMs(attempt: number, opts: RetryOptions, random: () => number = Math.random): number {
  const step = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  return Math.round(step / 2 + (random() * step) / 2);
}

/** `instanceof APIError` narrows to `APIError<any, any>`; this keeps the SDK's declared field types. */
function isApiError(err: unknown): err is APIError {
  return err instanceof APIError;
}

function isRetryable(err: unknown): boolean {
  if (err instanceof APIConnectionError) return true; // timeouts included: a subclass
  if (err instanceof APIError && typeof err.status === "number") return err.status === 408 || err.status === 429 || err.status >= 500;
  return false;
}

/** A 400/422 that says the server does not take our `response_format`. */
function rejectsResponseFormat(err: unknown): boolean {
  if (!(err instanceof APIError) || (err.status !== 400 && err.status !== 422)) return false;
  const text = `${err.message} ${err.param ?? ""} ${JSON.stringify(err.error ?? {})}`;
  return /response_format|json_schema|structured output/i.test(text);
}

function failureLine(err: unknown): string {
  if (err instanceof APIError && typeof err.status === "number") return `HTTP ${err.status}: ${describeError(err).replace(/^\d{3}\s*/, "")}`;
  return describeError(err);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A client for `cfg`; `stream` asks for SSE chunks (usage from the final chunk). */
export function createChatClient(
  cfg: Config["model"],
  opts: { retry?: RetryOptions; stream?: boolean; sleep?: (ms: number) => Promise<void> } = {},
): ChatClient {
  const retry = opts.retry ?? DEFAULT_RETRY;
  const wait = opts.sleep ?? sleep;
  const key = cfg.baseUrl ?? "https://api.openai.com/v1";
  const client = new OpenAI({
    // Local servers (vLLM, Ollama, llama.cpp) need no key, but the SDK refuses to start without one.
    apiKey: cfg.apiKey ?? "unused",
    baseURL: key,
    timeout: cfg.timeoutMs,
    maxRetries: 0,
  });

  async function once(messages: ChatCompletionMessageParam[], schema: boolean): Promise<Omit<ChatResult, "attempts">> {
    const base = {
      model: cfg.name,
      messages,
      ...(schema
        ? { response_format: { type: "json_schema" as const, json_schema: { name: ANSWER_SCHEMA_NAME, strict: true, schema: answerJsonSchema() } } }
        : {}),
    };
    if (opts.stream) {
      const stream = await client.chat.completions.create({ ...base, stream: true, stream_options: { include_usage: true } });
      let text = "";
      let usage: { prompt_tokens: number; completion_tokens: number } | null = null;
      for await (const chunk of stream) {
        // The SDK passes each chunk on unchecked, from whichever OpenAI-compatible server is configured:
        // a chunk without `delta` must not throw, whatever the declared type says.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- wire data, wider than its type
        text += chunk.choices[0]?.delta?.content ?? "";
        if (chunk.usage) usage = chunk.usage;
      }
      return { text, promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0, usageReported: usage !== null };
    }
    const res = await client.chat.completions.create({ ...base, stream: false });
    const msg = res.choices[0]?.message;
    if (!msg?.content && msg?.refusal) throw new LkreviewError("MODEL", "", `model refused: ${msg.refusal.slice(0, 200)}`);
    return {
      text: msg?.content ?? "",
      promptTokens: res.usage?.prompt_tokens ?? 0,
      completionTokens: res.usage?.completion_tokens ?? 0,
      usageReported: res.usage !== undefined,
    };
  }

  async function withRetries(messages: ChatCompletionMessageParam[], schema: boolean, item: string): Promise<ChatResult> {
    const attempts = cfg.maxRetries + 1;
    for (let attempt = 0; ; attempt++) {
      try {
        return { ...(await once(messages, schema)), attempts: attempt + 1 };
      } catch (err) {
        if (!isRetryable(err) || attempt + 1 >= attempts) {
          if (rejectsResponseFormat(err)) throw err;
          const tries = attempt + 1 > 1 ? ` after ${attempt + 1} attempts` : "";
          throw new LkreviewError("MODEL", item, `${failureLine(err)}${tries}`, { cause: err });
        }
        const asked = isApiError(err) ? retryAfterMs(err.headers) : null;
        await wait(Math.min(retry.maxDelayMs, asked ?? backoffMs(attempt, retry)));
      }
    }
  }

  return {
    async complete(messages, item) {
      if (plainOnly.has(key)) return withRetries(messages, false, item);
      try {
        return await withRetries(messages, true, item);
      } catch (err) {
        if (!rejectsResponseFormat(err)) throw err;
        // The server takes no structured output: remember that for this base URL and ask once in plain mode.
        plainOnly.add(key);
        return withRetries(messages, false, item);
      }
    },
  };
}
