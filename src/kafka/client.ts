/** kafkajs client construction, with its logs routed into the gateway's logger. */
import { CompressionTypes, Kafka, logLevel, Partitioners, type Producer } from "kafkajs";
import type { Logger } from "../util/log.ts";
import { registerCodecs } from "./codecs/mod.ts";
import {
  describeKafkaSecurity,
  kafkaJsSecurity,
  type KafkaSecurity,
} from "../config/kafka_security.ts";
import { setKafkaFailureContext } from "./failure.ts";
import { installRequestQueueTimerFix } from "./request_queue_timer.ts";

/** Kafka's compression codecs (src/kafka/codecs/ registers those kafkajs lacks). */
export type Compression = "none" | "gzip" | "snappy" | "lz4" | "zstd";
export const COMPRESSIONS: readonly Compression[] = ["none", "gzip", "snappy", "lz4", "zstd"];

const KAFKAJS_COMPRESSION: Record<Compression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

export function compressionType(c: Compression): CompressionTypes {
  return KAFKAJS_COMPRESSION[c];
}

/** Parses `host:port[,host:port...]`, naming the entry that is wrong. */
export function parseBrokers(list: string): string[] {
  const brokers = list.split(",").map((b) => b.trim()).filter((b) => b.length > 0);
  if (brokers.length === 0) {
    throw new Error(`--brokers is empty: expected host:port[,host:port...]`);
  }
  for (const b of brokers) {
    const m = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d+)$/.exec(b);
    if (!m) {
      throw new Error(`bad broker "${b}" in --brokers: expected host:port, e.g. 127.0.0.1:9092`);
    }
    if (Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw new Error(
        `bad broker "${b}" in --brokers: port ${m[2]} is out of range (1-65535)`,
      );
    }
  }
  return brokers;
}

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  log: Logger;
  /** TLS and SASL (default: PLAINTEXT). */
  security?: KafkaSecurity;
}

const hostnameNoticeLogged = new WeakSet<Logger>();

export function createKafka(options: KafkaClientOptions): Kafka {
  // kafkajs 2.2.4 re-arms a 1 ms timer per connection forever (and warns): see the module.
  installRequestQueueTimerFix();
  const log = options.log.child({ component: "kafkajs" });
  registerCodecs(); // every compression codec, read and written
  const security = options.security ?? { protocol: "PLAINTEXT" };
  const { ssl, sasl } = kafkaJsSecurity(security);
  setKafkaFailureContext({
    username: security.protocol.startsWith("SASL_") ? security.username : undefined,
    mechanism: security.protocol.startsWith("SASL_") ? security.mechanism : undefined,
    caGiven: Boolean(security.caFile || security.caPem),
    clientCertGiven: Boolean(security.certFile || security.certPem),
    tls: ssl !== undefined,
    brokers: options.brokers,
  });
  if (security.checkHostname === false && ssl && !hostnameNoticeLogged.has(options.log)) {
    hostnameNoticeLogged.add(options.log);
    options.log.warn(
      "Kafka TLS: host names are not checked against the brokers' certificates " +
        "(ssl.endpoint.identification.algorithm is empty); the certificates are still verified",
    );
  }
  if (security.protocol !== "PLAINTEXT") {
    options.log.info("kafka security", describeKafkaSecurity(security));
  }
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...(ssl === undefined ? {} : { ssl }),
    ...(sasl === undefined ? {} : { sasl }),
    connectionTimeout: 3000,
    requestTimeout: 15000,
    // Our own loops own the long retries (with backoff); kafkajs only retries briefly.
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    // kafkajs logs every failed connection attempt at ERROR; our delivery loops
    // report outages once, as warnings, so its own lines go to debug.
    logCreator: () => ({ log: entry }) => {
      const { message, namespace, timestamp: _t, logger: _l, ...rest } = entry as
        & { message: string; namespace: string; timestamp?: string; logger?: string }
        & Record<string, unknown>;
      log.debug(message, { ns: namespace, ...rest });
    },
  });
}

export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
  });
}
