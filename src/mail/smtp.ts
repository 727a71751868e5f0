import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import { parseServerUrl } from "./urls.js";

/** What became of one SMTP submission. */
export type SendOutcome =
  | { kind: "sent"; response: string }
  /** 4xx or a network fault: the reply stays in the outbox and is retried later. */
  | { kind: "retry"; error: string }
  /** 5xx: the server refused this message for good. */
  | { kind: "failed"; error: string }
  /** The server refused our credentials: nothing can be sent until the configuration is fixed. */
  | { kind: "auth"; error: string };

export interface SmtpSender {
  /** The server URL with the password hidden, for logs. */
  readonly display: string;
  send(msg: { from: string; recipients: string[]; raw: string }): Promise<SendOutcome>;
  close(): void;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** One line, no CR/LF, bounded: server responses are untrusted text that ends up in the store and logs. */
function clean(s: string): string {
  return s
    .replace(/[\r\n]+/g, " ")
    .trim()
    .slice(0, 500);
}

/** Maps a nodemailer error to an outcome: 5xx stops the reply, 4xx and network faults retry. */
export function classifySmtpError(err: unknown): SendOutcome {
  const e = (err ?? {}) as SmtpError;
  let text = clean(e.response ?? e.message ?? String(err));
  if (e.code === "EAUTH") return { kind: "auth", error: `authentication refused: ${text}` };
  const status = typeof e.responseCode === "number" ? e.responseCode : null;
  // The server's text repeats its code ("550 Mailbox ..."): say it once.
  if (status !== null) text = text.replace(new RegExp(`^${status}[ -]`), "");
  if (status !== null && status >= 500 && status < 600) return { kind: "failed", error: `SMTP ${status}: ${text}` };
  if (status !== null && status >= 400 && status < 500) return { kind: "retry", error: `SMTP ${status}: ${text}` };
  return { kind: "retry", error: `network: ${e.code ? `${e.code} ` : ""}${text}` };
}

/**
 * An SMTP submitter over nodemailer. `smtp://` upgrades with STARTTLS
 * whenever the server offers it (nodemailer's default; `requireTLS` is not
 * set so a loopback MTA without TLS still works), `smtps://` is TLS from the
 * first byte. The message goes out byte for byte as composed (`raw`), with
 * the envelope taken from the composer's To/Cc, so the Message-ID that makes
 * retries safe is the one in the outbox.
 */
export function createSmtpSender(url: string, env: NodeJS.ProcessEnv = process.env): SmtpSender {
  const server = parseServerUrl(url, "smtp", env);
  const options: SMTPTransport.Options = {
    host: server.host,
    port: server.port,
    secure: server.secure,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
    logger: false,
  };
  if (server.user !== null) options.auth = { user: server.user, pass: server.pass ?? "" };
  const transport = nodemailer.createTransport(options);
  return {
    display: server.display,
    async send(msg) {
      try {
        const info = await transport.sendMail({ envelope: { from: msg.from, to: msg.recipients }, raw: msg.raw });
        return { kind: "sent", response: clean(info.response) };
      } catch (err) {
        return classifySmtpError(err);
      }
    },
    close() {
      transport.close();
    },
  };
}
