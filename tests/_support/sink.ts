/** Shared steps of the sink integration tests: real Kafka, registry and MongoDB-wire store. */
import avsc from "avsc";
import { Buffer } from "node:buffer";
import { type Collection, type Document, MongoClient } from "mongodb";
import { frameConfluent } from "../../src/avro/confluent_frame.ts";
import { RegistryClient } from "../../src/avro/registry_client.ts";
import { BROKERS, kafka, REGISTRY } from "./kafka.ts";
import { type GatewayProcess, startGateway, uniqueName, waitFor } from "./gateway_process.ts";

export const MONGO = "mongodb://127.0.0.1:27017";

export interface OutRecord {
  key: string | Uint8Array | null;
  value: Uint8Array | null;
  headers?: Record<string, string>;
  partition?: number;
}

export async function createTopic(topic: string, partitions = 3): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
}

export async function produce(topic: string, records: OutRecord[]): Promise<void> {
  const p = kafka().producer({ allowAutoTopicCreation: true });
  await p.connect();
  for (let i = 0; i < records.length; i += 500) {
    await p.send({
      topic,
      acks: -1,
      messages: records.slice(i, i + 500).map((r) => ({
        key: r.key === null ? null : typeof r.key === "string" ? r.key : Buffer.from(r.key),
        value: r.value === null ? null : Buffer.from(r.value),
        headers: r.headers,
        partition: r.partition,
      })),
    });
  }
  await p.disconnect();
}

/** Registers `schema` under `<topic>-value` and returns an encoder of Confluent-framed values. */
export async function avroEncoder(topic: string, schema: avsc.Schema) {
  const id = await new RegistryClient({ url: REGISTRY }).register(
    `${topic}-value`,
    JSON.stringify(schema),
  );
  const type = avsc.Type.forSchema(schema);
  return {
    id,
    type,
    encode: (value: unknown) => {
      const body: Buffer = type.toBuffer(value);
      return frameConfluent(id, new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    },
  };
}

export function mongo(): MongoClient {
  // socketTimeoutMS: a request the store never answers fails instead of hanging the test.
  return new MongoClient(MONGO, { serverSelectionTimeoutMS: 5000, socketTimeoutMS: 20_000 });
}

export async function waitForCount(
  c: Collection<Document>,
  n: number,
  timeoutMs = 60_000,
): Promise<number> {
  return await waitFor(
    `${n} documents in ${c.collectionName}`,
    async () => {
      const count = await c.countDocuments();
      return count >= n ? count : undefined;
    },
    timeoutMs,
    300,
  );
}

export function startSink(args: string[]): GatewayProcess {
  return startGateway([
    "sink",
    "--brokers",
    BROKERS.join(","),
    "--registry",
    REGISTRY,
    "--mongo",
    MONGO,
    "--stats-interval",
    "1",
    ...args,
  ]);
}

/** Whole documents without `_id`, sorted by a key, for comparison. */
export function withoutIds(docs: Document[], sortKey: (d: Document) => string): Document[] {
  return docs.map(({ _id, ...rest }) => rest).sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
}

/**
 * One fresh single-partition topic per name, `<prefix>-<name>-<unique>`, and a collection name
 * for each (the topic's with `_` for `-`).
 */
export async function freshTopics<K extends string>(
  prefix: string,
  names: readonly K[],
): Promise<{ topics: Record<K, string>; collections: Record<K, string> }> {
  const topics = {} as Record<K, string>;
  const collections = {} as Record<K, string>;
  for (const name of names) {
    topics[name] = uniqueName(`${prefix}-${name.toLowerCase()}`);
    collections[name] = topics[name].replaceAll("-", "_");
    await createTopic(topics[name], 1);
  }
  return { topics, collections };
}
