/**
 * Wires `gateway produce`'s observability: the monitor (metrics, health,
 * status), its readiness probes and, unless `--http off`, the HTTP server.
 */
import type { RegistryAuth } from "../config/registry_auth.ts";
import type { Kafka } from "kafkajs";
import type { HttpAddress } from "../http/http_address.ts";
import type { HttpServer } from "../http/serve.ts";
import type { Logger } from "../util/log.ts";
import { ProduceMonitor } from "./produce_monitor.ts";
import { producePage } from "./produce_page.ts";
import { kafkaProbe, type Probe, registryProbe } from "./probes.ts";
import { Readiness } from "./readiness.ts";
import { serveStatus } from "./serve_status.ts";

/**
 * How often produce probes its dependencies: every 15 s, not the sink's 5 s. Each round builds a
 * fresh Kafka admin client (connect, metadata, describeCluster, disconnect) and asks the registry:
 * CPU spent between readings on a Raspberry Pi (issue 10). A dependency that goes away still
 * shows on `/readyz` within 15 s plus the probe's 4 s timeout.
 */
export const PRODUCE_PROBE_EVERY_MS = 15_000;

/** What `gateway produce`'s observability needs of its command line. */
export interface ProduceOpsSettings {
  http: HttpAddress | null;
  /** The address is the default (not given): if it is taken, warn and serve nothing. */
  httpOptional?: boolean;
  /** A client for the readiness probe, configured as the producer's. */
  kafka: Kafka;
  /** The registry to probe; none with `--format avro-single-object`. */
  registryUrl?: string;
  /** The registry credentials and CA the gateway itself uses. */
  registryAuth?: RegistryAuth;
  version: string;
  log: Logger;
  /** Milliseconds between two rounds of readiness probes (default `PRODUCE_PROBE_EVERY_MS`). */
  probeEveryMs?: number;
}

/** What `startProduceOps` started; `close()` stops the probes and the server. */
export interface ProduceOps {
  monitor: ProduceMonitor;
  server?: HttpServer;
  close(): Promise<void>;
}

/** Starts the monitor, the readiness probes and (unless `http` is null) the HTTP server. */
export function startProduceOps(s: ProduceOpsSettings): ProduceOps {
  const probes: Record<string, Probe> = { kafka: kafkaProbe(s.kafka) };
  if (s.registryUrl) probes.registry = registryProbe(s.registryUrl, s.registryAuth);
  const readiness = new Readiness(probes, s.probeEveryMs ?? PRODUCE_PROBE_EVERY_MS);
  const monitor = new ProduceMonitor(readiness, s.version);
  readiness.start();
  const server = serveStatus(
    s,
    monitor,
    () => producePage(monitor.snapshot(), (d) => monitor.history(d)),
  );
  return {
    monitor,
    server,
    async close() {
      readiness.stop();
      await server?.close();
    },
  };
}
