import { createServer } from "node:net";

/**
 * A TCP port free right now on 127.0.0.1, for servers that must be told
 * their port on the command line (Dovecot, PostgreSQL) instead of binding
 * port 0 themselves.
 */
export async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
