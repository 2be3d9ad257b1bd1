/**
 * Every Kafka compression codec against the two other Kafka clients: topics
 * librdkafka (Python confluent-kafka; raw snappy) and the Java client (xerial
 * snappy) wrote with gzip, snappy, lz4 and zstd go through a running
 * `gateway sink` into MongoDB, every record checked; and librdkafka reads
 * what `gateway produce --compression <codec>` wrote. A spy on the codecs of
 * the test's own kafkajs reader proves each topic really holds batches of
 * that codec (librdkafka sends a batch uncompressed when compressing does
 * not pay).
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import { uniqueName } from "../_support/gateway_process.ts";
import { type ConsumedRecord, decodeConfluent, readTopic } from "../_support/kafka.ts";
import { javaConsume, javaProduce } from "../_support/java_client.ts";
import { librdkafkaConsume, librdkafkaProduce } from "../_support/librdkafka.ts";
import { finalCounters, sleep, startSimulatedProducer } from "../_support/produce.ts";
import { createTopic, mongo, startSink, waitForCount } from "../_support/sink.ts";
import { registerCodecs } from "../../src/kafka/codecs/mod.ts";

const CODECS = ["gzip", "snappy", "lz4", "zstd"] as const;
type Codec = (typeof CODECS)[number];
const TYPES: Record<Codec, CompressionTypes> = {
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/** Counts, per codec, the batches this process's kafkajs decompressed. */
const decompressed: Record<Codec, number> = { gzip: 0, snappy: 0, lz4: 0, zstd: 0 };
registerCodecs();
for (const codec of CODECS) {
  const codecs = CompressionCodecs as Record<number, () => unknown>;
  const real = codecs[TYPES[codec]]() as { decompress(b: Buffer): Promise<Buffer> };
  codecs[TYPES[codec]] = () => ({
    ...real,
    decompress: (b: Buffer) => {
      decompressed[codec]++;
      return real.decompress(b);
    },
  });
}

async function assertBatchesOf(codec: Codec, topic: string, count: number) {
  const before = decompressed[codec];
  const read = await readTopic(topic, (r) => r.length >= count, 60_000);
  assert.equal(read.length, count, `${topic}: every record read back`);
  assert.ok(decompressed[codec] > before, `${topic} holds ${codec} batches`);
}

const RECORDS = 300;

/** Topics `write` filled with each codec are all written to MongoDB by one running sink. */
async function sinkReadsEveryCodec(
  client: string,
  write: (topics: Record<Codec, string>) => Promise<void>,
  bid: string,
) {
  const topics = Object.fromEntries(CODECS.map((c) => [c, uniqueName(`${client}-${c}`)])) as Record<
    Codec,
    string
  >;
  for (const codec of CODECS) await createTopic(topics[codec], 1);
  await write(topics);
  for (const codec of CODECS) await assertBatchesOf(codec, topics[codec], RECORDS);
  const collection = (c: Codec) => topics[c].replaceAll("-", "_");
  const mongoClient = mongo();
  const sink = startSink([
    "--kcql",
    CODECS.map((c) => `INSERT INTO ${collection(c)} SELECT bid, n, codec FROM ${topics[c]}`)
      .join("; "),
    "--group",
    uniqueName("g-codecs"),
  ]);
  try {
    for (const codec of CODECS) {
      const c = mongoClient.db("connect-db").collection(collection(codec));
      await waitForCount(c, RECORDS, 90_000);
      const docs = await c.find({}, { projection: { _id: 0 } }).sort({ n: 1 }).toArray();
      assert.deepEqual(
        docs,
        Array.from({ length: RECORDS }, (_, n) => ({ bid: `${bid}${n}`, n, codec })),
        `${client} ${codec}: every record, in order`,
      );
    }
    assert.ok(!sink.lines.some((l) => /dead-lettered|crashed| ERROR /.test(l)), "nothing failed");
  } finally {
    assert.equal(await sink.stop(), 0, sink.lines.slice(-20).join("\n"));
    await mongoClient.close();
  }
}

Deno.test({
  name: "topics librdkafka wrote with gzip, snappy (raw), lz4 and zstd are all written to MongoDB",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    sinkReadsEveryCodec("rd", async (topics) => {
      for (const codec of CODECS) await librdkafkaProduce(topics[codec], codec, RECORDS);
    }, "P"),
});

Deno.test({
  name:
    "topics the Java client wrote with gzip, snappy (xerial), lz4 and zstd are all written to MongoDB",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () => sinkReadsEveryCodec("java", (topics) => javaProduce(RECORDS, topics), "J"),
});

Deno.test({
  name:
    "librdkafka and the Java client read what gateway produce writes with every --compression codec",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const runs = await Promise.all(CODECS.map(async (codec) => {
      const run = await startSimulatedProducer(uniqueName(`gw-${codec}`), 2, [
        "--compression",
        codec,
      ]);
      await run.proc.waitForLine(/ INFO +producing /);
      return { codec, run };
    }));
    await sleep(3000);
    const sent: Record<string, { codec: Codec; values: Uint8Array[] }> = {};
    for (const { codec, run } of runs) {
      assert.equal(await run.proc.stop(), 0, `${codec}: exit code`);
      const c = finalCounters(run.proc.lines);
      assert.ok(c.sent >= 4, `${codec}: readings sent (${c.sent})`);
      assert.equal(c.sent, c.taken, `${codec}: everything taken was sent`);

      const rd = await librdkafkaConsume(run.topic, c.sent, 60);
      assert.equal(rd.length, c.sent, `${codec}: librdkafka reads every record`);
      const asConsumed: ConsumedRecord[] = rd.map((r) => ({
        partition: r.partition,
        offset: r.offset,
        key: r.key ? new TextDecoder().decode(r.key) : null,
        value: r.value ? Buffer.from(r.value) : null,
        timestamp: 0,
        headers: {},
      }));
      const values = await decodeConfluent(asConsumed);
      values.forEach((v, i) => {
        assert.equal(asConsumed[i].key, v.bid, `${codec}: key is the device address`);
        assert.equal(typeof v.ambient, "number");
        assert.ok(Number.isFinite(v.rh as number));
      });
      await assertBatchesOf(codec, run.topic, c.sent);
      sent[run.topic] = { codec, values: rd.map((r) => r.value!) };
    }
    // The Java client (Kafka Connect's) reads the same bytes.
    const java = await javaConsume(
      Object.fromEntries(Object.entries(sent).map(([t, s]) => [t, s.values.length])),
    );
    for (const [topic, { codec, values }] of Object.entries(sent)) {
      // Several partitions: the two clients may interleave them differently.
      const sorted = (vs: Uint8Array[]) => vs.map((v) => Buffer.from(v).toString("hex")).sort();
      assert.deepEqual(
        sorted(java[topic] ?? []),
        sorted(values),
        `${codec}: the Java client reads every record`,
      );
    }
  },
});
