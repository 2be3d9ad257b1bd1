/**
 * `--http <host:port>` (env GATEWAY_HTTP): where the metrics, health and
 * status endpoints listen. `off` turns them off; port 0 picks a free port
 * (the log says which); an empty host (`:9464`) means 127.0.0.1.
 */
import { InvalidArgumentError, Option } from "commander";

/** Where produce and the sink listen unless told otherwise. */
export const HTTP_DEFAULTS = { produce: "127.0.0.1:9464", sink: "127.0.0.1:9465" } as const;

export interface HttpAddress {
  hostname: string;
  port: number;
}

/** Parses `host:port`, `[v6]:port`, `:port` or `off` (null). Throws naming what was wrong. */
export function parseHttpAddress(value: string): HttpAddress | null {
  const v = value.trim();
  if (v.toLowerCase() === "off") return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s\[\]]*):(\d{1,5})$/.exec(v);
  if (!m || Number(m[2]) > 65535) {
    throw new InvalidArgumentError(
      `--http must be host:port (e.g. 127.0.0.1:9464, 0.0.0.0:9464, :0) or off, got "${value}"`,
    );
  }
  const host = m[1].replace(/^\[|\]$/g, "");
  return { hostname: host === "" ? "127.0.0.1" : host, port: Number(m[2]) };
}

/** The `--http` option of a command, with that command's default. */
export function httpOption(defaultAddress: string): Option {
  return new Option(
    "--http <host:port>",
    "serve /metrics, /healthz, /readyz and the status page / here (off: none; port 0: any free port)",
  ).env("GATEWAY_HTTP").default(parseHttpAddress(defaultAddress), defaultAddress)
    .argParser(parseHttpAddress);
}
