/**
 * `deno task bench:sink [--records N] [--row-timeout S]`: records/s from pre-filled topics (200k
 * SensorTag readings by default, 3 partitions; one topic of Confluent-framed Avro, one of the same
 * readings as plain JSON) into the store, side by side in one run:
 * - `gateway sink`, INSERT at BATCH 100, 1000 and 5000 and UPSERT (replace by `_id`, upsert);
 * - `gateway sink` INSERT and the exactly-once recipe `UPSERT ... PK reading_id` at BATCH 100 into
 *   a collection already holding 10,000 and 200,000 documents (filled before the clock starts);
 * - Kafka Connect standalone with the MongoDB Kafka connector, in insert mode and in its default
 *   write model (ReplaceOne by a new ObjectId `_id`, upsert), with JsonConverter
 *   (`schemas.enable=false`) and with Apicurio's AvroConverter (`as-confluent=true`);
 * - a bare `insertMany` of the same documents as the ceiling.
 * Each subject's clock runs from its spawn (start and group join included) until its consumer
 * group has committed every record; RSS and CPU are of its whole process tree, from /proc.
 * Needs the services (`deno task services up`); installs Connect into the services cache once.
 * `--only REGEX` runs only the rows whose label matches.
 */
import { Buffer } from "node:buffer";
import { MongoClient } from "mongodb";
import { Kafka, logLevel } from "kafkajs";
import { frameConfluent } from "../src/avro/confluent_frame.ts";
import { RegistryClient } from "../src/avro/registry_client.ts";
import { encodeRecord, loadWriterSchema } from "../src/avro/writer_schema.ts";
import { benchReading } from "./bench/bench_readings.ts";
import { printTable, type Row } from "./bench/table.ts";
import { ensureConnectInstalled, MONGO_CONNECTOR } from "./bench/connect_install.ts";
import { connectGroup, type ValueFormat, type WriteModel } from "./bench/connect_config.ts";
import { startConnect } from "./bench/connect_run.ts";
import { type Measurement, measureSubject } from "./bench/measure_subject.ts";
import { parseLoadAverage } from "./bench/proc_tree.ts";
import { parseSinkBenchOptions, SINK_BENCH_USAGE } from "./bench/sink_bench_options.ts";
import { spawnLogged } from "./bench/spawn_logged.ts";
import { KAFKA } from "./services/versions.ts";
import { GATEWAY_RUNTIME_FLAGS } from "./compile/runtime_flags.ts";
import { retry } from "../src/util/retry.ts";
import { up } from "./services/mod.ts";

if (Deno.args.includes("--help")) {
  console.log(SINK_BENCH_USAGE);
  Deno.exit(0);
}
let options;
try {
  options = parseSinkBenchOptions(Deno.args, Deno.env.toObject());
} catch (err) {
  console.error(`bench:sink: ${(err as Error).message}\n${SINK_BENCH_USAGE}`);
  Deno.exit(2);
}
const RECORDS = options.records;
const MONGO = "mongodb://127.0.0.1:27017";
const REGISTRY = "http://127.0.0.1:8081";
const BROKERS = "127.0.0.1:9092";
const DATABASE = "connect-db";
/** Connect's writes per bulk call: × 3 tasks stays far below FerretDB's pool of 1,000. */
const CONNECT_BATCH = 100;
const run = Date.now().toString(36);
const topics: Record<ValueFormat, string> = {
  avro: `bench-sink-${run}`,
  json: `bench-sink-${run}-json`,
};
const load = () => parseLoadAverage(Deno.readTextFileSync("/proc/loadavg"));

function machine(): string {
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown CPU";
  const cores = navigator.hardwareConcurrency;
  const mem = /^MemTotal:\s+(\d+) kB$/m.exec(Deno.readTextFileSync("/proc/meminfo"))?.[1];
  return `${cores} cores, ${model}, ${mem ? (Number(mem) / 1048576).toFixed(1) : "?"} GiB RAM`;
}

const started = new Date();
const loadAtStart = load();
await up();
// Installed when a Connect row runs (not for `--only` runs of the gateway's rows alone).
let connectInstall: ReturnType<typeof ensureConnectInstalled> | undefined;
const connectInstalled = () =>
  connectInstall ??= ensureConnectInstalled((line) => console.log(line));
const schema = await loadWriterSchema();
const id = await new RegistryClient({ url: REGISTRY }).register(
  `${topics.avro}-value`,
  schema.text,
);
const kafka = new Kafka({ clientId: "bench-sink", brokers: [BROKERS], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({
  topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 3 })),
  waitForLeaders: true,
});

/**
 * Records `group` has committed on `topic`: a sink commits only after MongoDB acknowledged them.
 * Counting documents instead would measure the store's count (FerretDB 1.24 reads every
 * document to count them: about 30 s for 200k here), not the sink.
 */
let brokerAway = false;
async function committed(group: string, topic: string): Promise<number> {
  // The broker is shared with tests that stop it for a while: ride that out, loudly, for 5 min,
  // and mark the row (its numbers then include the outage).
  const [t] = await retry(() => admin.fetchOffsets({ groupId: group, topics: [topic] }), {
    maxElapsedMs: 300_000,
    maxDelayMs: 5_000,
    onRetry: (err) => {
      brokerAway = true;
      console.warn(`  offsets of ${group}: ${(err as Error).message}; retrying`);
    },
  });
  return t.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

const records = Array.from({ length: RECORDS }, (_, i) => benchReading(i));
const producer = kafka.producer();
await producer.connect();
const p0 = performance.now();
for (const format of ["avro", "json"] as const) {
  for (let i = 0; i < RECORDS; i += 2000) {
    await producer.send({
      topic: topics[format],
      messages: records.slice(i, i + 2000).map((r) => ({
        key: r.bid as string,
        value: format === "avro"
          ? Buffer.from(frameConfluent(id, encodeRecord(schema, r)))
          : JSON.stringify(r),
      })),
    });
  }
}
await producer.disconnect();
console.log(
  `pre-filled ${topics.avro} (Avro) and ${topics.json} (JSON) with ${
    RECORDS.toLocaleString("en-US")
  } records each in ${((performance.now() - p0) / 1000).toFixed(1)} s`,
);

const client = new MongoClient(MONGO);
const db = client.db(DATABASE);
const work = await Deno.makeTempDir({ prefix: `bench-sink-${run}-` });

/** One subject: a label, how to start it, and its consumer group. */
interface Subject {
  label: string;
  format: ValueFormat;
  /** Documents put into its collection before its clock starts (the store's size it meets). */
  prefill?: { documents: number; withId: boolean };
  /** The row whose seconds this one is compared with. */
  reference: string;
  start: (collection: string, group: string) => Promise<{
    subject: Awaited<ReturnType<typeof spawnLogged>>;
    group: string;
    /** Where it logs errors. */
    errorLog: string;
  }>;
}

function gateway(
  format: ValueFormat,
  mode: "INSERT" | "UPSERT",
  batch: number,
  keyed?: { pk: string; already: number },
): Subject {
  const already = keyed ? `, ${keyed.already.toLocaleString("en-US")} documents already` : "";
  const by = keyed && mode === "UPSERT" ? ` PK ${keyed.pk}` : "";
  const label = `gateway sink ${format}, ${mode}${by} BATCH = ${batch}${already}`;
  // A scalar `_id`: FerretDB 1.24 finds a sub-document `_id` (PK bid, time_ms) by scanning the
  // whole collection, about 0.7 s per upsert at 5,000 documents here.
  const pk = mode === "UPSERT" ? ` PK ${keyed?.pk ?? "time_ms"}` : "";
  return {
    label,
    format,
    prefill: keyed ? { documents: keyed.already, withId: mode === "UPSERT" } : undefined,
    // The keyed UPSERT rows are compared with INSERT into a collection of the same size.
    reference: keyed && mode === "UPSERT"
      ? `gateway sink ${format}, INSERT BATCH = ${batch}${already}`
      : label,
    start: async (collection, group) => {
      const subject = await spawnLogged(
        Deno.execPath(),
        [
          "run",
          "-A",
          // As the product runs: the compiled binary and `./gateway` carry these.
          ...GATEWAY_RUNTIME_FLAGS,
          "main.ts",
          "sink",
          "--kcql",
          `${mode} INTO ${collection} SELECT * FROM ${topics[format]}${pk} BATCH = ${batch}`,
          "--group",
          group,
          "--stats-interval",
          "60",
        ],
        work,
        group,
      );
      return { group, subject, errorLog: subject.logFile };
    },
  };
}

function kafkaConnect(format: ValueFormat, writeModel: WriteModel, reference: string): Subject {
  const mode = writeModel === "insert" ? "insert" : "default write model (replace, upsert)";
  return {
    label: `Kafka Connect ${format}, ${mode}`,
    format,
    reference,
    start: async (collection, name) => {
      const dir = `${work}/${name}`;
      await Deno.mkdir(dir);
      const subject = await startConnect(await connectInstalled(), {
        name,
        brokers: BROKERS,
        topic: topics[format],
        tasks: 3,
        format,
        writeModel,
        mongoUri: MONGO,
        database: DATABASE,
        collection,
        maxBatch: CONNECT_BATCH,
        registryUrl: REGISTRY,
        offsetFlushMs: 1000,
      }, dir);
      return { subject, group: connectGroup(name), errorLog: subject.log4jFile };
    },
  };
}

const G_AVRO_INSERT = "gateway sink avro, INSERT BATCH = 100";
const G_AVRO_UPSERT = "gateway sink avro, UPSERT BATCH = 100";
const G_JSON_INSERT = "gateway sink json, INSERT BATCH = 100";
const G_JSON_UPSERT = "gateway sink json, UPSERT BATCH = 100";
const READING_ID_ROWS = [10_000, 200_000].flatMap((already) => [
  gateway("avro", "INSERT", 100, { pk: "reading_id", already }),
  gateway("avro", "UPSERT", 100, { pk: "reading_id", already }),
]);
const subjects: Subject[] = [
  gateway("avro", "INSERT", 100),
  gateway("avro", "INSERT", 1000),
  gateway("avro", "INSERT", 5000),
  gateway("avro", "UPSERT", 100),
  kafkaConnect("avro", "insert", G_AVRO_INSERT),
  kafkaConnect("avro", "default", G_AVRO_UPSERT),
  gateway("json", "INSERT", 100),
  gateway("json", "UPSERT", 100),
  kafkaConnect("json", "insert", G_JSON_INSERT),
  kafkaConnect("json", "default", G_JSON_UPSERT),
  ...READING_ID_ROWS,
].filter((s) => !options.only || options.only.test(s.label));

/**
 * Fills `collection` with `documents` readings that are not in the topic (other reading_ids),
 * with `_id` = reading_id as `PK reading_id` writes them, or a driver-made ObjectId as INSERT does.
 */
async function prefill(
  collection: string,
  p: { documents: number; withId: boolean },
): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < p.documents; i += 5000) {
    const docs = Array.from({ length: Math.min(5000, p.documents - i) }, (_, j) => {
      const r = benchReading(RECORDS + i + j);
      return p.withId ? { _id: r.reading_id as string, ...r } : { ...r };
    });
    await db.collection(collection).insertMany(docs as never[], { ordered: true });
  }
  console.log(
    `  ${collection}: ${p.documents.toLocaleString("en-US")} documents already there (filled in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s)`,
  );
  return p.documents;
}

let rows: Row[] = [];
try {
  const measured: {
    s: Subject;
    m: Measurement;
    documents: number;
    load: string;
    disturbed: boolean;
  }[] = [];
  for (const [i, s] of subjects.entries()) {
    const collection = `bench_sink_${run}_${i}`;
    const name = `bench-${run}-${i}`;
    const prefilled = s.prefill ? await prefill(collection, s.prefill) : 0;
    const loadBefore = load();
    console.log(`${s.label} (load ${loadBefore}) …`);
    brokerAway = false;
    const { subject, group, errorLog } = await s.start(collection, name);
    const m = await measureSubject(subject, {
      records: RECORDS,
      committed: () => committed(group, topics[s.format]),
      timeoutSeconds: options.rowTimeoutSeconds,
      label: s.label,
      errorLog,
    });
    // Outside the timing: the store holds what the subject committed.
    const documents = await db.collection(collection).countDocuments() - prefilled;
    if (documents < m.committed) {
      throw new Error(
        `${s.label}: ${documents} documents in ${collection}, ${m.committed} committed`,
      );
    }
    measured.push({ s, m, documents, load: loadBefore, disturbed: brokerAway });
    console.log(
      `  ${m.committed} committed in ${m.seconds.toFixed(1)} s${m.complete ? "" : " (time limit)"}`,
    );
    if (m.failure) console.log(`  FAILED, its log said: ${m.failure}`);
  }

  // Ceiling: the same documents, bare insertMany in chunks of 5000, no Kafka, no decoding.
  const ceiling = `bench_ceiling_${run}`;
  const ceilingLoad = load();
  const docs = records.map((r) => ({ ...r }));
  const c0 = performance.now();
  for (let i = 0; i < docs.length; i += 5000) {
    await db.collection(ceiling).insertMany(docs.slice(i, i + 5000), { ordered: true });
  }
  const csecs = (performance.now() - c0) / 1000;
  const ceilingRate = docs.length / csecs;

  const rate = (m: Measurement) => m.committed / m.seconds;
  const rates = new Map(measured.map(({ s, m }) => [s.label, rate(m)]));
  rows = measured.map(({ s, m, documents, load, disturbed }) => ({
    step: s.label + (m.complete ? "" : ` (stopped at ${options.rowTimeoutSeconds} s)`) +
      (disturbed ? " (broker restarted meanwhile)" : "") +
      (m.failure ? ` (FAILED: ${m.failure.slice(0, 160)})` : ""),
    documents,
    seconds: m.seconds,
    "records/s": rate(m),
    // Written, committed or not: a sink that commits late still wrote these in the time.
    "stored/s": documents / m.seconds,
    "% of ceiling": (100 * rate(m)) / ceilingRate,
    "s to 1st commit": Number.isNaN(m.firstCommitSeconds) ? "-" : m.firstCommitSeconds,
    "RSS peak MiB": m.peakRssMiB,
    "CPU s": m.cpuSeconds,
    "gateway records/s ÷ this": s.reference === s.label
      ? "-"
      : `${((rates.get(s.reference) ?? NaN) / rate(m)).toFixed(2)}x`,
    "load 1/5/15": load,
  }));
  rows.push({
    step: "ceiling: bare insertMany (5000 per call)",
    documents: docs.length,
    seconds: csecs,
    "records/s": ceilingRate,
    "stored/s": ceilingRate,
    "% of ceiling": 100,
    "s to 1st commit": "-",
    "RSS peak MiB": "-",
    "CPU s": "-",
    "gateway records/s ÷ this": "-",
    "load 1/5/15": ceilingLoad,
  });
} finally {
  // Also after a failed run: leave no collections, topics or files behind.
  for (
    const c of await db.listCollections({ name: { $regex: `^bench_(sink|ceiling)_${run}` } })
      .toArray()
  ) {
    await db.collection(c.name).drop();
  }
  await client.close();
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
  await admin.disconnect();
  await Deno.remove(work, { recursive: true });
}
printTable(
  `Kafka → MongoDB-wire store (FerretDB 1.24 on PostgreSQL), ${
    RECORDS.toLocaleString("en-US")
  } records, 3 partitions; times include each sink's start and group join. ` +
    `${started.toISOString()}, ${machine()}, load at start ${loadAtStart}. ` +
    `Kafka Connect ${KAFKA.version} standalone, mongo-kafka-connect ${MONGO_CONNECTOR.version}, ` +
    `3 tasks, max.batch.size ${CONNECT_BATCH}, offset.flush.interval.ms 1000.`,
  rows,
);
