/**
 * `deno task bench:sink`: records/s from a pre-filled topic (200k SensorTag
 * readings, Confluent-framed Avro) into the store through `gateway sink`, at
 * BATCH 100, 1000 and 5000, with the sink's RSS; and, in the same run, a bare
 * `insertMany` of the same documents into the same store as the ceiling.
 * Needs the services (`deno task services up`).
 */
import { Buffer } from "node:buffer";
import { MongoClient } from "mongodb";
import { Kafka, logLevel } from "kafkajs";
import { frameConfluent } from "../src/avro/confluent_frame.ts";
import { RegistryClient } from "../src/avro/registry_client.ts";
import { readingToRecord } from "../src/avro/reading_record.ts";
import { encodeRecord, loadWriterSchema } from "../src/avro/writer_schema.ts";
import { printTable, type Row, rssMiB } from "./bench/table.ts";
import { up } from "./services/mod.ts";

const RECORDS = Number(Deno.env.get("BENCH_RECORDS") ?? 200_000);
const MONGO = "mongodb://127.0.0.1:27017";
const run = Date.now().toString(36);
const topic = `bench-sink-${run}`;

await up();
const schema = await loadWriterSchema();
const id = await new RegistryClient({ url: "http://127.0.0.1:8081" }).register(
  `${topic}-value`,
  schema.text,
);
const kafka = new Kafka({
  clientId: "bench-sink",
  brokers: ["127.0.0.1:9092"],
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });

/**
 * Records the sink has committed for `group`: it commits only after MongoDB acknowledged them.
 * Counting documents instead would measure the store's count (FerretDB 1.24 reads every
 * document to count them: about 30 s for 200k here), not the sink.
 */
async function committed(group: string): Promise<number> {
  const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return t.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

const records = Array.from({ length: RECORDS }, (_, i) => {
  const bid = `B0:B4:48:00:${((i % 100) >> 8).toString(16).padStart(2, "0")}:${
    (i % 100).toString(16).padStart(2, "0")
  }`.toUpperCase();
  return readingToRecord({
    address: bid,
    model: "cc2650",
    time: 1_700_000_000_000 + i * 10,
    fields: { ambient: 21 + (i % 50) / 10, objecttemp: 19.5, humidity: 22, rh: 40 + (i % 30) },
  });
});
const producer = kafka.producer();
await producer.connect();
const p0 = performance.now();
for (let i = 0; i < RECORDS; i += 2000) {
  await producer.send({
    topic,
    messages: records.slice(i, i + 2000).map((r) => ({
      key: r.bid as string,
      value: Buffer.from(frameConfluent(id, encodeRecord(schema, r))),
    })),
  });
}
await producer.disconnect();
console.log(
  `pre-filled ${topic} with ${RECORDS.toLocaleString("en-US")} records in ${
    ((performance.now() - p0) / 1000).toFixed(1)
  } s`,
);

const client = new MongoClient(MONGO);
const db = client.db("connect-db");
const rows: Row[] = [];
for (const batch of [100, 1000, 5000]) {
  const collection = `bench_sink_${run}_${batch}`;
  const group = `bench-${run}-${batch}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "main.ts",
      "sink",
      "--kcql",
      `INSERT INTO ${collection} SELECT * FROM ${topic} BATCH = ${batch}`,
      "--group",
      group,
      "--stats-interval",
      "60",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const t0 = performance.now();
  let peak = 0;
  let done = 0;
  while (done < RECORDS && performance.now() - t0 < 600_000) {
    await new Promise((r) => setTimeout(r, 250));
    try {
      peak = Math.max(peak, rssMiB(child.pid));
    } catch { /* exited */ }
    done = await committed(group);
  }
  const secs = (performance.now() - t0) / 1000;
  child.kill("SIGTERM");
  await child.status;
  // Outside the timing: the store holds what the sink committed.
  const count = await db.collection(collection).countDocuments();
  if (count < done) throw new Error(`${collection}: ${count} documents, ${done} committed`);
  rows.push({
    step: `gateway sink, BATCH = ${batch}`,
    documents: count,
    seconds: secs,
    "records/s": count / secs,
    "sink RSS peak MiB": peak,
  });
}

// Ceiling: the same documents, bare insertMany in chunks of 5000, no Kafka, no decoding.
const ceiling = `bench_ceiling_${run}`;
const docs = records.map((r) => ({ ...r }));
const c0 = performance.now();
for (let i = 0; i < docs.length; i += 5000) {
  await db.collection(ceiling).insertMany(docs.slice(i, i + 5000), { ordered: true });
}
const csecs = (performance.now() - c0) / 1000;
rows.push({
  step: "ceiling: bare insertMany (5000 per call)",
  documents: docs.length,
  seconds: csecs,
  "records/s": docs.length / csecs,
  "sink RSS peak MiB": "-",
});
for (
  const c of await db.listCollections({ name: { $regex: `^bench_(sink|ceiling)_${run}` } })
    .toArray()
) {
  await db.collection(c.name).drop();
}
await client.close();
await admin.disconnect();
printTable(
  `Kafka → MongoDB-wire store (FerretDB 1.24 on PostgreSQL), ${
    RECORDS.toLocaleString("en-US")
  } records, 3 partitions; sink times include its start and group join`,
  rows,
);
