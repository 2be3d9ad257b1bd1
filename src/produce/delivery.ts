/**
 * The sending half of the gateway for one destination: framer (registry or single-object),
 * Kafka producer and forwarder over the spool. Used by `gateway produce` for its own
 * destination and by `gateway spool send` for the destinations readings were spooled for.
 */
import type { Producer } from "kafkajs";
import { RegistryClient } from "../avro/registry_client.ts";
import { type WriterSchema, writerSchemaFromText } from "../avro/writer_schema.ts";
import { type Compression, compressionType, createKafka, createProducer } from "../kafka/client.ts";
import type { Destination } from "../spool/destination.ts";
import type { KafkaSecurity } from "../config/kafka_security.ts";
import type { RegistryAuth } from "../config/registry_auth.ts";
import type { Spool } from "../spool/spool.ts";
import type { Logger } from "../util/log.ts";
import {
  ConfluentFramer,
  type Framer,
  type SchemaStrategy,
  SingleObjectFramer,
  UnknownWriterSchemaError,
} from "./framer.ts";
import { Forwarder } from "./forwarder.ts";

export interface DeliverySettings {
  spool: Spool;
  dest: number;
  destination: Destination;
  registryUrl: string;
  /** Schema Registry credentials and CA. */
  registryAuth?: RegistryAuth;
  /** Kafka TLS/SASL (default PLAINTEXT). */
  security?: KafkaSecurity;
  /** Kafka acknowledged these readings (one device address per reading). */
  onDelivered?: (devices: string[]) => void;
  compression: Compression;
  batchSize: number;
  clientId: string;
  log: Logger;
  /** Writer schemas known without asking the spool (the run's own). */
  known?: WriterSchema[];
}

export interface Delivery {
  forwarder: Forwarder;
  producer: Producer;
}

/** Builds the framer, producer and forwarder that deliver `dest`'s readings to `destination`. */
export function createDelivery(s: DeliverySettings): Delivery {
  const writers = new Map((s.known ?? []).map((w) => [w.fingerprintHex, w]));
  const writerFor = (fp: string): WriterSchema => {
    let w = writers.get(fp);
    if (!w) {
      const text = s.spool.schema(fp);
      if (text === undefined) {
        throw new UnknownWriterSchemaError(
          `spooled readings name schema ${fp}, which the spool does not hold`,
        );
      }
      w = writerSchemaFromText(text, `spooled schema ${fp}`);
      writers.set(fp, w);
    }
    return w;
  };
  const d = s.destination;
  const warned = new Set<string>();
  const framer: Framer = d.format === "confluent"
    ? new ConfluentFramer(
      writerFor,
      new RegistryClient({ url: s.registryUrl, auth: s.registryAuth }),
      d.subject ?? `${d.topic}-value`,
      (d.strategy ?? "auto") as SchemaStrategy,
      (subject, id, fields) => {
        const key = `${subject}/${id}`;
        if (warned.has(key)) return;
        warned.add(key);
        s.log.warn(
          "the subject's latest schema lacks fields the gateway writes: they are left out",
          {
            subject,
            schemaId: id,
            fields: fields.join(","),
            hint: fields.includes("reading_id")
              ? "without reading_id in the value, PK reading_id cannot deduplicate (the " +
                "reading_id header still carries it); register the current schema " +
                "(--schema-strategy register)"
              : "register the current schema (--schema-strategy register) to keep them",
          },
        );
      },
    )
    : new SingleObjectFramer(writerFor);
  const brokers = d.brokers.split(",");
  const producer = createProducer(
    createKafka({ brokers, clientId: s.clientId, log: s.log, security: s.security }),
  );
  const forwarder = new Forwarder({
    spool: s.spool,
    dest: s.dest,
    producer,
    framer,
    topic: d.topic,
    compression: compressionType(s.compression),
    batchSize: s.batchSize,
    log: s.log.child({ component: "forwarder" }),
    onDelivered: s.onDelivered,
  });
  return { forwarder, producer };
}
