/**
 * `gateway produce`: readings → Avro → durable spool → Kafka.
 * Start-up never waits for Kafka or the registry: readings are taken and
 * spooled from the first interval; delivery catches up when they answer.
 */
import { dirname } from "node:path";
import { RegistryClient } from "../avro/registry_client.ts";
import type { Reading } from "../avro/reading_record.ts";
import {
  loadWriterSchema,
  type WriterSchema,
  writerSchemaFromText,
} from "../avro/writer_schema.ts";
import { type Compression, compressionType, createKafka, createProducer } from "../kafka/client.ts";
import type { KafkaSecurity } from "../config/kafka_security.ts";
import type { RegistryAuth } from "../config/registry_auth.ts";
import { type OverflowPolicy, Spool } from "../spool/spool.ts";
import type { Logger } from "../util/log.ts";
import type { ProduceObserver } from "../metrics/produce_observer.ts";
import {
  ConfluentFramer,
  type Framer,
  type RecordFormat,
  type SchemaStrategy,
  SingleObjectFramer,
} from "./framer.ts";
import { Forwarder } from "./forwarder.ts";
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

export interface ProduceSummary {
  taken: number;
  spooled: number;
  sent: number;
  dropped: number;
  rejected: number;
  leftInSpool: number;
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
  const backlog = spool.stats().entries;
  if (backlog > 0) {
    log.info("readings from an earlier run wait in the spool", {
      spooled: backlog,
      spool: spool.path,
    });
  }

  const writers = new Map([[schema.fingerprintHex, schema]]);
  const writerFor = (fp: string): WriterSchema => {
    let w = writers.get(fp);
    if (!w) {
      const text = spool.schema(fp);
      if (text === undefined) {
        throw new Error(`spooled readings name schema ${fp}, which the spool does not hold`);
      }
      w = writerSchemaFromText(text, `spooled schema ${fp}`);
      writers.set(fp, w);
    }
    return w;
  };
  const framer: Framer = settings.format === "confluent"
    ? new ConfluentFramer(
      writerFor,
      new RegistryClient({ url: settings.registryUrl, auth: settings.registryAuth }),
      settings.subject,
      settings.schemaStrategy,
    )
    : new SingleObjectFramer(writerFor);

  const kafka = createKafka({
    brokers: settings.brokers,
    clientId: settings.clientId,
    log,
    security: settings.security,
  });
  const producer = createProducer(kafka);
  const forwarder = new Forwarder({
    spool,
    producer,
    framer,
    topic: settings.topic,
    compression: compressionType(settings.compression),
    batchSize: settings.batchSize,
    log: log.child({ component: "forwarder" }),
    onDelivered: (devices) => deps.observer?.readingsDelivered(devices),
  });
  const spooler = new Spooler(spool, schema, log, () => forwarder.notify());
  deps.observer?.spoolSource(() => {
    const st = spool.stats();
    return {
      readings: st.entries,
      bytes: st.bytes,
      maxBytes: st.maxBytes,
      oldestTakenMs: st.entries > 0 ? spool.peek(1)[0]?.takenMs : undefined,
      droppedFull: st.dropped,
      rejected: spooler.stats.rejected,
    };
  });

  forwarder.start();
  const statsTimer = setInterval(() => {
    const s = spool.stats();
    log.info("stats", {
      taken: spooler.stats.taken,
      sent: forwarder.stats.sent,
      spooled: s.entries,
      spoolBytes: s.bytes,
      dropped: s.dropped,
      kafka: forwarder.stats.connected ? "connected" : "down",
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
      topic: settings.topic,
      format: settings.format,
      brokers: settings.brokers.join(","),
      spool: spool.path,
    });
    await stopped;
    log.info("stopping: no new readings; flushing the spool", { spooled: spool.stats().entries });
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
  const s = spool.stats();
  const summary: ProduceSummary = {
    taken: spooler.stats.taken,
    spooled: spooler.stats.spooled,
    sent: forwarder.stats.sent,
    dropped: s.dropped,
    rejected: spooler.stats.rejected,
    leftInSpool: s.entries,
  };
  spool.close();
  log.info("stopped", { ...summary });
  return summary;
}
