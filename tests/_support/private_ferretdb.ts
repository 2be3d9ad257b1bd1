/**
 * A private FerretDB 1.x on its own PostgreSQL cluster with password authentication, for tests
 * that need a store which rejects a wrong password. The shared store trusts every loopback
 * connection (scripts/services/postgres_backend.ts), so it cannot. Built from the binaries the
 * services script installed; started on free ports; {@linkcode PrivateFerretDb.stop} removes it.
 */
import { join } from "node:path";
import { runTool } from "../../scripts/services/run.ts";

export interface PrivateFerretDb {
  /** `mongodb://user:password@127.0.0.1:port/` for the given credentials. */
  uri(user: string, password: string): string;
  /** The right credentials. */
  user: string;
  password: string;
  stop(): Promise<void>;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function pgBin(): Promise<string> {
  const versions: number[] = [];
  for await (const e of Deno.readDir("/usr/lib/postgresql")) {
    if (e.isDirectory && /^\d+$/.test(e.name)) versions.push(Number(e.name));
  }
  versions.sort((a, b) => b - a);
  if (versions.length === 0) throw new Error("no PostgreSQL under /usr/lib/postgresql");
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

const asPostgres = (cmd: string, args: string[]): [string, string[]] =>
  Deno.uid() === 0 ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];

async function canConnect(port: number): Promise<boolean> {
  try {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    c.close();
    return true;
  } catch {
    return false;
  }
}

/** Starts PostgreSQL (scram-sha-256 for every TCP connection) and FerretDB in front of it. */
export async function startPrivateFerretDb(): Promise<PrivateFerretDb> {
  const bin = await pgBin();
  const ferretdb = await ferretDbBinary();
  const dir = await Deno.makeTempDir({ prefix: "gw-private-ferretdb-" });
  const data = join(dir, "pg");
  const user = "gw";
  const password = `right-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(data);
  await Deno.writeTextFile(join(dir, "pw"), password);
  if (Deno.uid() === 0) {
    await runTool("chown", ["-R", "postgres:postgres", dir], { what: "chown private pg" });
  }
  await runTool(
    ...asPostgres(join(bin, "initdb"), [
      "-D",
      data,
      "-U",
      user,
      "--auth=scram-sha-256",
      `--pwfile=${join(dir, "pw")}`,
      "-E",
      "UTF8",
    ]),
    { what: "initdb (private)" },
  );
  const pgPort = freePort();
  await runTool(
    ...asPostgres(join(bin, "pg_ctl"), [
      "-D",
      data,
      "-l",
      join(dir, "pg.log"),
      "-w",
      "-t",
      "60",
      "-o",
      `-p ${pgPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
      "start",
    ]),
    { what: "pg_ctl start (private)" },
  );
  const stopPg = () =>
    runTool(...asPostgres(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"]), {
      what: "pg_ctl stop (private)",
    }).catch(() => {});
  let child: Deno.ChildProcess | undefined;
  try {
    await runTool(join(bin, "createdb"), [
      "-h",
      "127.0.0.1",
      "-p",
      String(pgPort),
      "-U",
      user,
      "ferretdb",
    ], { what: "createdb (private)", env: { PGPASSWORD: password } });
    const port = freePort();
    child = new Deno.Command(ferretdb, {
      args: [
        "--handler=pg",
        `--postgresql-url=postgres://127.0.0.1:${pgPort}/ferretdb`,
        `--state-dir=${dir}`,
        `--listen-addr=127.0.0.1:${port}`,
        "--telemetry=disable",
        "--debug-addr=-",
        "--log-level=warn",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const until = Date.now() + 30_000;
    while (!(await canConnect(port))) {
      if (Date.now() > until) throw new Error("private FerretDB did not listen within 30 s");
      await new Promise((r) => setTimeout(r, 200));
    }
    const proc = child;
    return {
      user,
      password,
      uri: (u, p) =>
        `mongodb://${encodeURIComponent(u)}:${
          encodeURIComponent(p)
        }@127.0.0.1:${port}/?authMechanism=PLAIN&authSource=%24external`,
      stop: async () => {
        try {
          proc.kill("SIGKILL");
        } catch { /* gone */ }
        await proc.status;
        await stopPg();
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      },
    };
  } catch (error) {
    try {
      child?.kill("SIGKILL");
    } catch { /* gone */ }
    await stopPg();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
}

async function ferretDbBinary(): Promise<string> {
  const root = `${Deno.env.get("HOME")}/.cache/sensortag-gateway/services`;
  for await (const e of Deno.readDir(root)) {
    if (e.name.startsWith("ferretdb-")) return join(root, e.name, "bin", "ferretdb");
  }
  throw new Error(`no FerretDB under ${root} (run deno task services up once)`);
}
