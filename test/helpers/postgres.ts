import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { sparePort } from "./spare-port.js";
import { afterAll, beforeAll } from "vitest";

const run = promisify(execFile);

/** A throwaway PostgreSQL cluster on 127.0.0.1 and a spare port, in a temp dir. */
export interface TestPostgres {
  port: number;
  /** Creates an empty database and returns its `postgres://` URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** The newest installed server's bin directory; throws (so the test fails, never skips) when PostgreSQL is missing. */
function findBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "pg_ctl")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const v = versions[0];
  if (v === undefined) {
    throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install them with `apt-get install -y postgresql`");
  }
  return join(root, v, "bin");
}

/**
 * initdb + pg_ctl as the `postgres` user (the server refuses to run as root),
 * trust auth on loopback only, the socket inside the temp dir so it never
 * touches the system cluster. fsync is off: the data is thrown away.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = findBinDir();
  const dir = mkdtempSync(join(tmpdir(), "lkreview-pg-"));
  const asRoot = process.getuid?.() === 0;
  const info = asRoot ? await run("id", ["-u", "postgres"]).then((r) => Number(r.stdout.trim())) : null;
  const gid = asRoot ? await run("id", ["-g", "postgres"]).then((r) => Number(r.stdout.trim())) : null;
  if (info !== null && gid !== null) chownSync(dir, info, gid);
  const as = (cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> =>
    asRoot ? run("runuser", ["-u", "postgres", "--", cmd, ...args]) : run(cmd, args);
  const data = join(dir, "data");
  await as(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"]);
  let port = 0;
  let started = false;
  for (let attempt = 0; attempt < 5 && !started; attempt++) {
    port = await sparePort();
    try {
      await as(join(bin, "pg_ctl"), [
        "-D",
        data,
        "-l",
        join(dir, "server.log"),
        "-w",
        "-o",
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
        "start",
      ]);
      started = true;
    } catch (err) {
      // Another process may have taken the port between probe and start.
      if (attempt === 4) throw err;
    }
  }
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    port,
    async createDatabase(name: string): Promise<string> {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    async stop(): Promise<void> {
      await as(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One PostgreSQL server for the calling suite (started in beforeAll, stopped
 * in afterAll) and a function that creates a fresh, empty database on it
 * per call, named `<prefix>_<pid>_<n>`.
 */
export function postgresPerSuite(prefix: string): () => Promise<string> {
  let server: TestPostgres | undefined;
  let n = 0;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return async () => {
    if (!server) throw new Error("PostgreSQL test server did not start");
    return server.createDatabase(`${prefix}_${process.pid}_${++n}`);
  };
}
