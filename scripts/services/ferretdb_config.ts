/** Launch flags of FerretDB 1.x, PostgreSQL or SQLite backend (pure). */

/** Where FerretDB listens and keeps its SQLite files and state. */
export interface FerretDbLayout {
  host: string;
  port: number;
  dataDir: string;
  stateDir: string;
}

/** Defaults: MongoDB wire protocol on 127.0.0.1:27017. */
export const FERRETDB_DEFAULTS: Omit<FerretDbLayout, "dataDir" | "stateDir"> = {
  host: "127.0.0.1",
  port: 27017,
};

/**
 * The `file:` URI of the SQLite folder (FerretDB wants the trailing slash).
 * `_txlock=immediate`: every transaction takes SQLite's write lock when it
 * begins. With FerretDB's default deferred transactions, concurrent writers
 * (several sink partitions, a client killed mid-write) can deadlock on the
 * lock upgrade and the server stops answering; immediate transactions queue.
 */
export function sqliteUrl(dataDir: string): string {
  if (!dataDir.startsWith("/")) {
    throw new Error(`ferretdb config: dataDir must be absolute, got "${dataDir}"`);
  }
  return `file:${encodeURI(dataDir.replace(/\/+$/, ""))}/?_txlock=immediate`;
}

/**
 * Command-line flags: SQLite handler, loopback listener, telemetry disabled (no prompt, no
 * beacon), the debug/metrics HTTP listener off, no authentication (FerretDB 1.x default).
 */
export function ferretDbArgs(layout: FerretDbLayout, postgresUrl?: string): string[] {
  if (!Number.isInteger(layout.port) || layout.port < 1 || layout.port > 65535) {
    throw new Error(`ferretdb config: port must be 1..65535, got ${layout.port}`);
  }
  return [
    ...(postgresUrl
      ? ["--handler=pg", `--postgresql-url=${postgresUrl}`]
      : ["--handler=sqlite", `--sqlite-url=${sqliteUrl(layout.dataDir)}`]),
    `--state-dir=${layout.stateDir}`,
    `--listen-addr=${layout.host}:${layout.port}`,
    "--telemetry=disable",
    "--debug-addr=-",
    "--log-level=info",
    "--log-format=text",
  ];
}
