import { SMTPServer } from "smtp-server";
import type { SMTPServerOptions } from "smtp-server";

/** What the sink answers to the end of one DATA: accept it, or a scripted error. */
export type SinkAnswer = "accept" | 421 | 450 | 550 | 554;

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user: string | null;
  /** The session ran over TLS (STARTTLS or implicit). */
  secure: boolean;
}

export interface SmtpSink {
  port: number;
  /** `smtp://127.0.0.1:port` (no auth), or with user and password when the sink requires auth. */
  url: string;
  received: ReceivedMail[];
  /** Answers for the next DATA commands, in order; `accept` once the script runs out. */
  script: SinkAnswer[];
  /** Number of DATA commands seen, accepted or not. */
  attempts(): number;
  close(): Promise<void>;
}

const TEXT: Record<number, string> = {
  421: "Service not available, closing transmission channel",
  450: "Mailbox busy, try again later",
  550: "Mailbox unavailable: relaying denied",
  554: "Transaction failed: message rejected as spam",
};

/**
 * A real SMTP server (npm's smtp-server) on 127.0.0.1, spare port, that keeps
 * every message it accepts and can be scripted to answer 4xx/5xx to a DATA.
 * Without `tls`, STARTTLS is not offered: the client's opportunistic
 * STARTTLS then goes on in clear text, as with a plain MTA on loopback.
 */
export async function startSmtpSink(
  opts: {
    auth?: { user: string; pass: string };
    script?: SinkAnswer[];
    /** Offer STARTTLS with this key and certificate (PEM); with `implicit`, TLS from the first byte (smtps). */
    tls?: { key: string; cert: string; implicit?: boolean };
  } = {},
): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const script: SinkAnswer[] = [...(opts.script ?? [])];
  let attempts = 0;
  const noTls = opts.tls ? [] : ["STARTTLS"];
  const options: SMTPServerOptions = {
    secure: opts.tls?.implicit ?? false,
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    disabledCommands: opts.auth ? noTls : [...noTls, "AUTH"],
    allowInsecureAuth: true,
    authOptional: !opts.auth,
    logger: false,
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        attempts++;
        const answer = script.shift() ?? "accept";
        if (answer !== "accept") {
          callback(Object.assign(new Error(TEXT[answer] ?? "error"), { responseCode: answer }));
          return;
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          user: typeof session.user === "string" ? session.user : null,
          secure: session.secure,
        });
        callback(null, "Queued");
      });
    },
  };
  const server = new SMTPServer(options);
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const addr = server.server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  const auth = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : "";
  return {
    port,
    url: `${opts.tls?.implicit ? "smtps" : "smtp"}://${auth}127.0.0.1:${port}`,
    received,
    script,
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
