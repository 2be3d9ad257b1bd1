/**
 * The HTTP side both commands share: a monitor's metrics, health, readiness, status page and
 * snapshot behind the status routes, on Deno's built-in server at `--http` (or nothing with
 * `--http off`).
 */
import type { Registry } from "prom-client";
import type { HttpAddress } from "../http/http_address.ts";
import { statusHandler } from "../http/routes.ts";
import { type HttpServer, serveHttp } from "../http/serve.ts";
import type { Logger } from "../util/log.ts";
import type { Liveness, ReadinessReport } from "./health.ts";

/** What a command's monitor offers the endpoints (`ProduceMonitor`, `SinkMonitor`). */
export interface StatusSource {
  readonly registry: Registry;
  liveness(): Liveness;
  readinessReport(): ReadinessReport;
  /** JSON-serialisable: `/status.json`, what `gateway status` reads. */
  snapshot(): unknown;
}

/** Where and how to serve. */
export interface ServeStatusSettings {
  /** null: `--http off`, serve nothing. */
  http: HttpAddress | null;
  /** The address is the default (not given): if it is taken, warn and serve nothing. */
  httpOptional?: boolean;
  log: Logger;
}

/**
 * Serves `monitor` on `s.http` with `page` as `/`; undefined when there is nothing to serve
 * (`--http off`, or an optional address that is taken). Throws when a given address cannot be
 * listened on.
 */
export function serveStatus(
  s: ServeStatusSettings,
  monitor: StatusSource,
  page: () => string,
): HttpServer | undefined {
  if (!s.http) return undefined;
  return serveHttp(
    s.http,
    statusHandler({
      metrics: () => monitor.registry.metrics(),
      metricsContentType: monitor.registry.contentType,
      liveness: () => monitor.liveness(),
      readiness: () => monitor.readinessReport(),
      snapshot: () => monitor.snapshot(),
      page,
    }),
    s.log.child({ component: "http" }),
    s.httpOptional,
  );
}
