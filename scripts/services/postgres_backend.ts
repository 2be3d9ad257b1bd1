/**
 * FerretDB's storage: a private PostgreSQL cluster (Debian's postgresql
 * package) on 127.0.0.1:5433, created on first start under
 * `.services/mongo/pg`, TCP only, trust authentication on loopback.
 *
 * Why not FerretDB's SQLite backend: its pool is fixed at 100 connections
 * per database, so one bulk of 100 upserts deadlocks it (see
 * PG_POOL_MAX_CONNS; measured here: every request hangs, `ping` included),
 * and it panics on Decimal128. PostgreSQL is FerretDB's primary backend.
 */
import { join } from "node:path";
import { runTool } from "./run.ts";

export const PG_HOST = "127.0.0.1";
export const PG_PORT = 5433;
export const PG_DATABASE = "ferretdb";

/**
 * FerretDB 1.24 holds one pooled backend connection per statement of an
 * `update` command until the whole command ends (its handler defers each
 * statement's query iterator close inside the loop, internal/handler/
 * msg_update.go), and each statement's write takes one more. An ordered bulk
 * of 100 replaces thus needs 101 connections at once; with several partitions
 * written in parallel, a small pool is spent and every request waits forever
 * (measured here: 64 connections, two bulks of 50, all 64 held, both waiting).
 * The pool covers the sink's defaults (3 partitions x BATCH 100) many times over.
 */
export const PG_POOL_MAX_CONNS = 1000;

/** PostgreSQL's own limit: the pool plus room for psql and the services' probes. */
export const PG_MAX_CONNECTIONS = PG_POOL_MAX_CONNS + 50;

export function ferretDbPostgresUrl(): string {
  return `postgres://postgres@${PG_HOST}:${PG_PORT}/${PG_DATABASE}?pool_max_conns=${PG_POOL_MAX_CONNS}`;
}

/** The newest installed PostgreSQL server's bin directory, installing Debian's package if none. */
async function pgBin(log: (line: string) => void): Promise<string> {
  const find = async () => {
    const versions: number[] = [];
    try {
      for await (const e of Deno.readDir("/usr/lib/postgresql")) {
        if (e.isDirectory && /^\d+$/.test(e.name)) versions.push(Number(e.name));
      }
    } catch { /* none */ }
    versions.sort((a, b) => b - a);
    for (const v of versions) {
      const bin = `/usr/lib/postgresql/${v}/bin`;
      try {
        await Deno.stat(join(bin, "initdb"));
        return bin;
      } catch { /* client only */ }
    }
    return undefined;
  };
  let bin = await find();
  if (!bin) {
    log("installing PostgreSQL (Debian package postgresql) for FerretDB's storage");
    await runTool("apt-get", ["install", "-y", "-q", "postgresql"], {
      what: "apt-get install postgresql",
      env: { DEBIAN_FRONTEND: "noninteractive" },
    });
    bin = await find();
  }
  if (!bin) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin");
  return bin;
}

const isRoot = () => Deno.uid() === 0;

/** Runs a PostgreSQL tool as the `postgres` user when we are root (initdb refuses root). */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return isRoot() ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

async function answers(bin: string): Promise<boolean> {
  const out = await new Deno.Command(join(bin, "pg_isready"), {
    args: ["-h", PG_HOST, "-p", String(PG_PORT)],
    stdout: "null",
    stderr: "null",
  }).output();
  return out.success;
}

/** One value from the cluster as `postgres`, as text ("" when psql fails). */
async function psqlValue(bin: string, sql: string): Promise<string> {
  const out = await new Deno.Command(join(bin, "psql"), {
    args: ["-h", PG_HOST, "-p", String(PG_PORT), "-U", "postgres", "-tAc", sql],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** Creates (once) and starts (if not running) the cluster, and its `ferretdb` database. */
export async function ensurePostgres(
  dir: string,
  logFile: string,
  log: (line: string) => void,
): Promise<void> {
  const bin = await pgBin(log);
  const data = join(dir, "pg");
  let initialised = true;
  try {
    await Deno.stat(join(data, "PG_VERSION"));
  } catch {
    initialised = false;
  }
  if (!initialised) {
    log(`initialising a PostgreSQL cluster in ${data}`);
    await Deno.mkdir(data, { recursive: true });
    if (isRoot()) {
      await runTool("chown", ["-R", "postgres:postgres", data], { what: "chown pg data" });
    }
    await runTool(
      ...asPostgres(join(bin, "initdb"), [
        "-D",
        data,
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
      ]),
      {
        what: "initdb",
      },
    );
  }
  const running = await answers(bin);
  // A cluster started by an older version of this file may run with fewer connections.
  const stale = running &&
    (Number(await psqlValue(bin, "SHOW max_connections")) || 0) < PG_MAX_CONNECTIONS;
  if (!running || stale) {
    if (stale) log(`restarting PostgreSQL with max_connections=${PG_MAX_CONNECTIONS}`);
    if (isRoot()) {
      await Deno.writeTextFile(logFile, "", { append: true });
      await runTool("chown", ["postgres:postgres", logFile], { what: "chown pg log" });
    }
    await runTool(
      ...asPostgres(join(bin, "pg_ctl"), [
        "-D",
        data,
        "-l",
        logFile,
        "-w",
        "-t",
        "60",
        "-o",
        `-p ${PG_PORT} -c listen_addresses=${PG_HOST} -c unix_socket_directories='' ` +
        `-c max_connections=${PG_MAX_CONNECTIONS}`,
        stale ? "restart" : "start",
      ]),
      { what: `pg_ctl ${stale ? "restart" : "start"}` },
    );
  }
  const exists = await psqlValue(bin, `SELECT 1 FROM pg_database WHERE datname='${PG_DATABASE}'`);
  if (exists !== "1") {
    await runTool(join(bin, "createdb"), [
      "-h",
      PG_HOST,
      "-p",
      String(PG_PORT),
      "-U",
      "postgres",
      PG_DATABASE,
    ], {
      what: "createdb ferretdb",
    });
  }
}

/**
 * Stops the cluster under `dir` (`pg_ctl stop -m fast`, waiting) when it runs; a cluster that
 * does not exist or is not running is left as it is. Only this state's cluster: `-D` names it.
 */
export async function stopPostgres(dir: string, log: (line: string) => void): Promise<void> {
  const data = join(dir, "pg");
  try {
    await Deno.stat(join(data, "postmaster.pid"));
  } catch {
    return; // not running (or never created)
  }
  const bin = await pgBin(log);
  await runTool(
    ...asPostgres(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]),
    { what: "pg_ctl stop" },
  );
  log(`stopped PostgreSQL (${data})`);
}
