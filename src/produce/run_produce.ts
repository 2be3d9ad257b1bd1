/**
 * `gateway produce`: readings → Avro → durable spool → Kafka.
 * Start-up never waits for Kafka or the registry: readings are taken and
 * spooled from the first interval; delivery catches up when they answer.
 */
import { dirname } from "node:path";
import type { Reading } from "../avro/reading_record.ts";
import { loadWriterSchema, type WriterSchema } from "../avro/writer_schema.ts";
import type { Compression } from "../kafka/client.ts";
import { describeDestination, destinationOf } from "../spool/destination.ts";
import { type OverflowPolicy, Spool } from "../spool/spool.ts";
import type { Logger } from "../util/log.ts";
import type { RecordFormat, SchemaStrategy } from "./framer.ts";
import { createDelivery } from "./delivery.ts";
import type { KafkaSecurity } from "../config/kafka_security.ts";
import type { RegistryAuth } from "../config/registry_auth.ts";
import type { ProduceObserver } from "../metrics/produce_observer.ts";
import { Spooler } from "./spooler.ts";

/** Where readings come from: radios, or virtual tags with --simulate. */
export interface ReadingSource {
  start(onReading: (reading: Reading) => void): Promise<void>;
  stop(): Promise<void>;
}

export interface ProduceSettings {
  brokers: string[];
  /** Kafka TLS/SASL (default PLAINTEXT). */
  security?: KafkaSecurity;
  /** Schema Registry credentials and CA. */
  registryAuth?: RegistryAuth;
  topic: string;
  subject: string;
  registryUrl: string;
  format: RecordFormat;
  schemaStrategy: SchemaStrategy;
  schemaPath?: string;
  compression: Compression;
  spoolPath: string;
  spoolMaxBytes: number;
  spoolFull: OverflowPolicy;
  batchSize: number;
  clientId: string;
  flushTimeoutMs: number;
  statsIntervalMs: number;
}

/** This run's counters, and the lifetime ones of its destination (`...Total`). */
export interface ProduceSummary {
  taken: number;
  spooled: number;
  sent: number;
  dropped: number;
  rejected: number;
  quarantined: number;
  leftInSpool: number;
  /** Readings waiting in the spool for other destinations (left alone by this run). */
  waitingOther: number;
  /** Readings ever spooled for this destination (the sum of its devices' last seq). */
  takenTotal: number;
  /** Readings of this destination Kafka ever acknowledged. */
  sentTotal: number;
  /** Readings the spool ever dropped when full (any destination: eviction is spool-wide). */
  droppedTotal: number;
  /** Readings of this destination ever quarantined. */
  quarantinedTotal: number;
}

export interface ProduceDeps {
  source: ReadingSource;
  log: Logger;
  /** Aborting it stops the run (SIGINT/SIGTERM in the CLI). */
  signal: AbortSignal;
  /** Checks the schema against what the source delivers; throws a clear error. */
  checkSchema?: (schema: WriterSchema) => void;
  /** Metrics, health and the status page (src/status). */
  observer?: ProduceObserver;
}

export async function runProduce(
  settings: ProduceSettings,
  deps: ProduceDeps,
): Promise<ProduceSummary> {
  const { log, source, signal } = deps;
  const schema = await loadWriterSchema(settings.schemaPath);
  deps.checkSchema?.(schema);

  await Deno.mkdir(dirname(settings.spoolPath), { recursive: true });
  const spool = new Spool({
    path: settings.spoolPath,
    maxBytes: settings.spoolMaxBytes,
    policy: settings.spoolFull,
    onDrop: (n, policy, total) =>
      log.warn("spool full: readings dropped", {
        dropped: n,
        policy,
        droppedTotal: total,
        limitBytes: settings.spoolMaxBytes,
      }),
  });
  const destination = destinationOf(settings);
  const dest = spool.destinationId(destination);
  if (spool.migrated > 0) {
    log.warn(
      "spool of the earlier layout migrated: its readings recorded no destination, so they are " +
        "kept apart and never sent by a run on its own",
      {
        readings: spool.migrated,
        spool: spool.path,
        hint: `gateway spool --spool ${spool.path} lists, exports or deletes them`,
      },
    );
  }
  const atStart = spool.stats(dest);
  if (atStart.entries > 0) {
    log.info("readings from an earlier run wait in the spool", {
      spooled: atStart.entries,
      spool: spool.path,
    });
  }
  if (atStart.otherEntries > 0) {
    log.info("readings for other destinations wait in the spool; this run leaves them", {
      waiting: atStart.otherEntries,
      spool: spool.path,
      hint:
        `gateway spool --spool ${spool.path} lists them and can send them where they were meant to go`,
    });
  }
  if (atStart.quarantined > 0) {
    log.warn("quarantined readings in the spool", {
      quarantined: atStart.quarantined,
      hint: `gateway spool --spool ${spool.path} lists them`,
    });
  }

  const { forwarder, producer } = createDelivery({
    spool,
    dest,
    destination,
    registryUrl: settings.registryUrl,
    registryAuth: settings.registryAuth,
    security: settings.security,
    onDelivered: (devices) => deps.observer?.readingsDelivered(devices),
    compression: settings.compression,
    batchSize: settings.batchSize,
    clientId: settings.clientId,
    log,
    known: [schema],
  });
  const spooler = new Spooler(spool, dest, schema, log, () => forwarder.notify());
  deps.observer?.spoolSource(() => {
    const st = spool.stats(dest);
    return {
      readings: st.entries,
      bytes: st.bytes,
      maxBytes: st.maxBytes,
      oldestTakenMs: st.entries > 0 ? spool.peek(dest, 1)[0]?.takenMs : undefined,
      droppedFull: st.dropped,
      rejected: spooler.stats.rejected,
      quarantined: st.quarantined,
    };
  });
  const counters = (): ProduceSummary => {
    const s = spool.stats(dest);
    const f = forwarder.stats;
    return {
      taken: spooler.stats.taken,
      spooled: spooler.stats.spooled,
      sent: f.sent,
      dropped: s.dropped - atStart.dropped,
      rejected: spooler.stats.rejected,
      quarantined: f.quarantined,
      leftInSpool: s.entries,
      waitingOther: s.otherEntries,
      takenTotal: spool.takenFor(dest),
      sentTotal: spool.counterFor("acknowledged", dest),
      droppedTotal: s.dropped,
      quarantinedTotal: spool.counterFor("quarantined", dest),
    };
  };

  forwarder.start();
  const statsTimer = setInterval(() => {
    const c = counters();
    const f = forwarder.stats;
    log.info("stats", {
      taken: c.taken,
      sent: c.sent,
      quarantined: c.quarantined,
      dropped: c.dropped,
      spooled: c.leftInSpool,
      spoolBytes: spool.stats(dest).bytes,
      waitingOther: c.waitingOther,
      takenTotal: c.takenTotal,
      sentTotal: c.sentTotal,
      quarantinedTotal: c.quarantinedTotal,
      droppedTotal: c.droppedTotal,
      kafka: f.connected ? "connected" : "down",
      failing: f.failing ?? "none",
    });
  }, settings.statsIntervalMs);

  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  try {
    await source.start((reading) => {
      deps.observer?.readingTaken(reading.address, reading.model, reading.time, reading.fields);
      spooler.accept(reading);
    });
    log.info("producing", {
      destination: describeDestination(destination),
      topic: settings.topic,
      format: settings.format,
      brokers: settings.brokers.join(","),
      spool: spool.path,
    });
    await stopped;
    log.info("stopping: no new readings; flushing the spool", {
      spooled: spool.stats(dest).entries,
    });
  } finally {
    clearInterval(statsTimer);
    await source.stop().catch((e) =>
      log.warn("stopping the tags failed", { error: (e as Error).message })
    );
    deps.observer?.sourceStopped("the gateway is stopping");
    spooler.flush();
    await forwarder.stop(settings.flushTimeoutMs);
    await producer.disconnect().catch(() => {});
  }
  const summary = counters();
  spool.close();
  log.info("stopped", { ...summary });
  return summary;
}
