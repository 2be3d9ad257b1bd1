/**
 * Wires `gateway sink`'s observability: the monitor (metrics, health,
 * status), readiness probes, the lag tracker and, unless `--http off`, the HTTP server.
 */
import type { RegistryAuth } from "../config/registry_auth.ts";
import type { Kafka } from "kafkajs";
import { MongoClient, type MongoClientOptions } from "mongodb";
import type { HttpAddress } from "../http/http_address.ts";
import type { HttpServer } from "../http/serve.ts";
import { LagTracker } from "../metrics/sink_lag.ts";
import type { Logger } from "../util/log.ts";
import { kafkaProbe, mongoProbe, registryProbe } from "./probes.ts";
import { classifyMongoError, describeMongoFailure } from "../sink/io/mongo_errors.ts";
import { Readiness } from "./readiness.ts";
import { serveStatus } from "./serve_status.ts";
import { SinkMonitor } from "./sink_monitor.ts";
import { sinkPage } from "./sink_page.ts";

/** What `gateway sink`'s observability needs of its command line. */
export interface SinkOpsSettings {
  http: HttpAddress | null;
  /** The address is the default (not given): if it is taken, warn and serve nothing. */
  httpOptional?: boolean;
  kafka: Kafka;
  groupId: string;
  topics: string[];
  registryUrl: string;
  /** The registry credentials and CA the gateway itself uses. */
  registryAuth?: RegistryAuth;
  mongoUri: string;
  mongoOptions?: MongoClientOptions;
  version: string;
  log: Logger;
}

/** What `startSinkOps` started; `close()` stops the probes, the lag tracker and the server. */
export interface SinkOps {
  monitor: SinkMonitor;
  server?: HttpServer;
  close(): Promise<void>;
}

/** Starts the monitor, the readiness probes (every 5 s), the lag tracker and the HTTP server. */
export function startSinkOps(s: SinkOpsSettings): SinkOps {
  // A client of its own for the probe, so a probe never queues behind the sink's writes.
  const mongo = new MongoClient(s.mongoUri, {
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: 3000,
    socketTimeoutMS: 5000,
    maxPoolSize: 1,
    ...s.mongoOptions,
    appName: "sensortag-gateway-sink-probe",
  });
  const readiness = new Readiness({
    kafka: kafkaProbe(s.kafka),
    registry: registryProbe(s.registryUrl, s.registryAuth),
    mongodb: mongoProbe(mongo, 4000, (e) => {
      const kind = classifyMongoError(e);
      return kind === "auth" || kind === "tls"
        ? { error: describeMongoFailure(kind, e), refuses: kind }
        : undefined;
    }),
  });
  const lag = new LagTracker(s.kafka, s.groupId, s.topics);
  const monitor = new SinkMonitor(readiness, lag, s.groupId, s.topics, s.version);
  readiness.start();
  lag.start();
  const server = serveStatus(s, monitor, () => sinkPage(monitor.snapshot()));
  return {
    monitor,
    server,
    async close() {
      readiness.stop();
      lag.stop();
      await server?.close();
      await mongo.close().catch(() => {});
    },
  };
}
