/**
 * `deno task bench:produce`: prints tables of
 *  1. readings/s encoded, spooled and acknowledged by Kafka with 1, 10 and 100
 *     simulated tags at the fastest period, with the process's RSS;
 *  2. spool write rate (the broker down: everything lands on disk) and replay
 *     rate (the broker back: the backlog drains through the forwarder);
 *  3. the ceiling: the same bytes sent by a bare kafkajs loop.
 * Needs the services (`deno task services up`).
 */
import { join } from "node:path";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { Buffer } from "node:buffer";
import { RegistryClient } from "../src/avro/registry_client.ts";
import { readingToRecord } from "../src/avro/reading_record.ts";
import { encodeRecord, loadWriterSchema } from "../src/avro/writer_schema.ts";
import { createKafka, createProducer } from "../src/kafka/client.ts";
import { ConfluentFramer } from "../src/produce/framer.ts";
import { Forwarder } from "../src/produce/forwarder.ts";
import { Spool } from "../src/spool/spool.ts";
import { silentLogger } from "../src/util/log.ts";
import { peakRssMiB, printTable, type Row, rssMiB } from "./bench/table.ts";
import { up } from "./services/mod.ts";

const BROKERS = ["127.0.0.1:9092"];
const REGISTRY = "http://127.0.0.1:8081";
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 20);
const BACKLOG = Number(Deno.env.get("BENCH_BACKLOG") ?? 100_000);
const run = Date.now().toString(36);

await up();
const schema = await loadWriterSchema();

// 1. Simulated tags through the whole CLI path.
const simRows: Row[] = [];
for (const tags of [1, 10, 100]) {
  const dir = await Deno.makeTempDir({ prefix: "bench-produce-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "main.ts",
      "produce",
      "--simulate",
      String(tags),
      "--interval",
      "0.1",
      "--sensors",
      "ir,humidity",
      "--topic",
      `bench-sim-${tags}-${run}`,
      "--registry",
      REGISTRY,
      "--schema-strategy",
      "register",
      "--spool",
      join(dir, "spool.sqlite"),
      "--stats-interval",
      "1",
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const out: string[] = [];
  const pump = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (c) => void out.push(c) }),
  );
  void child.stdout.cancel();
  let peak = 0;
  const started = Date.now();
  while (Date.now() - started < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      peak = Math.max(peak, rssMiB(child.pid));
    } catch { /* exited */ }
  }
  const elapsed = (Date.now() - started) / 1000;
  child.kill("SIGTERM");
  await child.status;
  await pump.catch(() => {});
  const text = out.join("");
  const stopped = text.split("\n").reverse().find((l) => / stopped /.test(l)) ?? "";
  const num = (k: string) => Number(new RegExp(`${k}=(\\d+)`).exec(stopped)?.[1] ?? NaN);
  simRows.push({
    tags,
    "period ms": 100,
    "readings/s expected": tags * 10,
    "readings/s acknowledged": num("sent") / elapsed,
    "taken": num("taken"),
    "acknowledged": num("sent"),
    "left in spool": num("leftInSpool"),
    "RSS peak MiB": peak,
  });
  await Deno.remove(dir, { recursive: true });
}
printTable(`Simulated SensorTags → Kafka (${SECONDS} s each, poll mode, ir+humidity)`, simRows);

// 2. Spool write (broker down) and replay (broker back).
/** The one destination of the bench spools (id 1 in each). */
const benchDestination = {
  brokers: BROKERS.join(","),
  topic: "bench",
  format: "confluent",
  subject: "bench-value",
  strategy: "register",
};
const sampleRecords = Array.from({ length: 100 }, (_, i) =>
  encodeRecord(
    schema,
    readingToRecord({
      address: `B0:B4:48:00:00:${(i % 100).toString(16).padStart(2, "0").toUpperCase()}`,
      model: "cc2650",
      time: Date.now() + i,
      fields: { ambient: 21.5 + i / 100, objecttemp: 19.25, humidity: 22.1, rh: 45.5 },
    }),
  ));
const spoolRows: Row[] = [];
const dir = await Deno.makeTempDir({ prefix: "bench-spool-" });
for (const group of [1, 100]) {
  const count = group === 1 ? 2000 : BACKLOG;
  const spool = new Spool({
    path: join(dir, `write-${group}.sqlite`),
    maxBytes: 1 << 30,
    policy: "drop-oldest",
  });
  spool.destinationId(benchDestination); // id 1
  const t0 = performance.now();
  for (let i = 0; i < count; i += group) {
    spool.append(
      1,
      Array.from({ length: group }, (_, j) => ({
        device: `B0:B4:48:00:00:${((i + j) % 100).toString(16).padStart(2, "0")}`,
        takenMs: Date.now(),
        schemaFp: schema.fingerprintHex,
        encode: () => sampleRecords[(i + j) % 100],
      })),
    );
  }
  const secs = (performance.now() - t0) / 1000;
  spoolRows.push({
    step: `spool write, ${group} reading(s) per transaction`,
    readings: count,
    "readings/s": count / secs,
  });
  spool.close();
}

// Replay: the backlog of the batched run drains through the real forwarder.
const replayTopic = `bench-replay-${run}`;
const replaySpool = new Spool({
  path: join(dir, "write-100.sqlite"),
  maxBytes: 1 << 30,
  policy: "drop-oldest",
});
replaySpool.rememberSchema(schema.fingerprintHex, schema.text);
const kafka = createKafka({ brokers: BROKERS, clientId: "bench", log: silentLogger });
const producer = createProducer(kafka);
const registry = new RegistryClient({ url: REGISTRY });
const framer = new ConfluentFramer(() => schema, registry, `${replayTopic}-value`, "register");
await producer.connect();
await producer.send({ topic: replayTopic, messages: [{ key: "warmup", value: "x" }] });
const forwarder = new Forwarder({
  spool: replaySpool,
  dest: 1,
  producer,
  framer,
  topic: replayTopic,
  compression: 0,
  log: silentLogger,
});
const backlog = replaySpool.stats(1).entries;
const r0 = performance.now();
forwarder.start();
while (replaySpool.stats(1).entries > 0) await new Promise((r) => setTimeout(r, 20));
const replaySecs = (performance.now() - r0) / 1000;
await forwarder.stop(1000);
spoolRows.push({
  step: "replay: spool → Kafka (acks=all), forwarder",
  readings: backlog,
  "readings/s": backlog / replaySecs,
});
replaySpool.close();

// 3. Ceiling: the same bytes, a bare kafkajs loop, same batch size and acks.
const schemaId = await registry.register(`${replayTopic}-value`, schema.text);
const framed = sampleRecords.map((b) => {
  const out = new Uint8Array(5 + b.length);
  new DataView(out.buffer).setUint32(1, schemaId);
  out.set(b, 5);
  return Buffer.from(out);
});
const bare = new Kafka({ clientId: "bench-bare", brokers: BROKERS, logLevel: logLevel.NOTHING })
  .producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
await bare.connect();
const ceilingTopic = `bench-ceiling-${run}`;
await bare.send({ topic: ceilingTopic, messages: [{ key: "warmup", value: "x" }] });
const c0 = performance.now();
for (let i = 0; i < BACKLOG; i += 500) {
  await bare.send({
    topic: ceilingTopic,
    acks: -1,
    messages: Array.from({ length: Math.min(500, BACKLOG - i) }, (_, j) => ({
      key: `B0:B4:48:00:00:${((i + j) % 100).toString(16).padStart(2, "0")}`,
      value: framed[(i + j) % 100],
    })),
  });
}
const ceilingSecs = (performance.now() - c0) / 1000;
spoolRows.push({
  step: "ceiling: bare kafkajs loop, same bytes",
  readings: BACKLOG,
  "readings/s": BACKLOG / ceilingSecs,
});
await bare.disconnect();
await producer.disconnect();
printTable("Spool and replay (broker down, then back)", spoolRows);
console.log(`\nbench process RSS ${rssMiB().toFixed(1)} MiB (peak ${peakRssMiB().toFixed(1)} MiB)`);
await Deno.remove(dir, { recursive: true });
