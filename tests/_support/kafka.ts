/** Reads topics back with a real kafkajs consumer and decodes values through the registry. */
import avsc from "avsc";
import { Buffer } from "node:buffer";
import { Kafka, logLevel } from "kafkajs";
import { parseConfluentFrame } from "../../src/avro/confluent_frame.ts";
import { RegistryClient } from "../../src/avro/registry_client.ts";
import { registerCodecs } from "../../src/kafka/codecs/mod.ts";

/** The plaintext bootstrap of the tests' broker (GATEWAY_TEST_BROKERS points them at another). */
export const BROKERS = Deno.env.get("GATEWAY_TEST_BROKERS")?.split(",") ?? ["127.0.0.1:9092"];
export const REGISTRY = "http://127.0.0.1:8081";

export interface ConsumedRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer | null;
  timestamp: number;
  headers: Record<string, string>;
}

export function kafka(clientId = "gateway-tests"): Kafka {
  registerCodecs(); // topics written with any codec can be read back
  return new Kafka({ clientId, brokers: BROKERS, logLevel: logLevel.NOTHING });
}

/** Every record of `topic` from the beginning until `until` says enough (or the timeout). */
export async function readTopic(
  topic: string,
  until: (records: ConsumedRecord[]) => boolean,
  timeoutMs = 60_000,
): Promise<ConsumedRecord[]> {
  const consumer = kafka().consumer({
    groupId: `reader-${crypto.randomUUID()}`,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
  });
  const records: ConsumedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        records.push({
          partition,
          offset: Number(message.offset),
          key: message.key ? message.key.toString("utf8") : null,
          value: message.value,
          timestamp: Number(message.timestamp),
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          ),
        });
        if (until(records)) resolveDone();
        return Promise.resolve();
      },
    });
    if (!until(records)) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([done, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    }
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Decodes Confluent-framed Avro values through the registry. */
export async function decodeConfluent(records: ConsumedRecord[], registryUrl = REGISTRY) {
  const registry = new RegistryClient({ url: registryUrl });
  const types = new Map<number, avsc.Type>();
  const out: Record<string, unknown>[] = [];
  for (const r of records) {
    if (!r.value) throw new Error(`record at offset ${r.offset} has no value`);
    const { schemaId, body } = parseConfluentFrame(new Uint8Array(r.value));
    let type = types.get(schemaId);
    if (!type) {
      type = avsc.Type.forSchema(JSON.parse(await registry.schemaById(schemaId)));
      types.set(schemaId, type);
    }
    out.push(type.fromBuffer(Buffer.from(body)) as Record<string, unknown>);
  }
  return out;
}

/** How many records `topic` holds (the sum of its partitions' high watermarks); 0 when missing. */
export async function recordsIn(topic: string): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
