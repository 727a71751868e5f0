import { ImapFlow } from "imapflow";
import { SMTPServer } from "smtp-server";

/**
 * A real SMTP server (npm's smtp-server) on 127.0.0.1 that behaves like a
 * mailing list whose echo is instant: every message it accepts is first
 * APPENDed to the watched IMAP mailbox, and only then answered with 250.
 * So whatever the client saw accepted is already in the mailbox, and the
 * outbox's "was it delivered?" check after a crash has a deterministic answer.
 */
export interface EchoSmtp {
  url: string;
  /** Raw messages accepted, in order. */
  received: string[];
  /**
   * Resolves once every message already handed over has been echoed and
   * counted: a client killed right after sending DATA leaves its APPEND
   * running here, and it must not be counted in the next client's round.
   */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startEchoSmtp(imap: { host: string; port: number; user: string; pass: string; mailbox: string }): Promise<EchoSmtp> {
  const client = new ImapFlow({ host: imap.host, port: imap.port, secure: false, auth: { user: imap.user, pass: imap.pass }, logger: false });
  client.on("error", () => undefined);
  await client.connect();
  const received: string[] = [];
  // One APPEND at a time over the one connection, in arrival order.
  let chain: Promise<unknown> = Promise.resolve();
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        chain = chain
          .then(() => client.append(imap.mailbox, raw, []))
          .then(
            () => {
              received.push(raw.toString("utf8"));
              callback(null, "Queued and echoed");
            },
            (err: unknown) => callback(Object.assign(new Error(`echo failed: ${String(err)}`), { responseCode: 451 })),
          );
      });
    },
  });
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const addr = server.server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async settled() {
      // Let the killed client's socket close and its last DATA reach onData, then wait out the chain.
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (let seen = chain; ; seen = chain) {
        await seen.catch(() => undefined);
        if (seen === chain) return;
      }
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.logout().catch(() => undefined);
    },
  };
}
