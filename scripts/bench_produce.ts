/**
 * `deno task bench:produce`: prints tables of
 *  1. the Raspberry Pi job: 8 simulated tags at the default 10 s interval for
 *     BENCH_IDLE_SECONDS (120): the kernel's peak RSS (VmHWM), the resident set
 *     at the end split into RssAnon (the process's own) and RssFile (mapped
 *     files, mostly the deno executable, shared), and CPU between readings,
 *     launched as the product is (`./gateway`'s runtime flags) and, side
 *     by side in the same run, without those flags, with `--lite-mode`, and two
 *     reference rows: an idle deno (scripts/bench/idle.ts) and produce's modules
 *     imported and idle (scripts/bench/produce_imports.ts). BENCH_PRODUCE_COMPARE
 *     = another checkout's directory (`git archive main | tar -x -C /tmp/main`,
 *     then `deno install` there) adds its gateway as a row; BENCH_PI_ONLY=1 stops
 *     after this table;
 *  2. readings/s taken and acknowledged with 1, 10 and 100 simulated tags at
 *     the fastest interval the CLI accepts (0.1 s), both counted over the same
 *     window (from the gateway's own stats lines, before SIGTERM: the flush
 *     after it is not in the rate);
 *  3. spool write rate (the broker down: everything lands on disk) and replay
 *     rate (the broker back: the backlog drains through the forwarder);
 *  4. reference rows, same records, same run: a bare kafkajs loop, the original
 *     Python script's loop (confluent-kafka SerializingProducer + AvroSerializer
 *     against the registry's Confluent API, flush after every record) and a bare
 *     librdkafka producer (confluent-kafka Producer) of the same bytes.
 * Needs the services (`deno task services up`) and python3 (the reference rows'
 * packages are installed into .tools/bench-produce-venv by the bench itself).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { Buffer } from "node:buffer";
import { RegistryClient } from "../src/avro/registry_client.ts";
import { readingToRecord } from "../src/avro/reading_record.ts";
import { encodeRecord, loadWriterSchema } from "../src/avro/writer_schema.ts";
import { createKafka, createProducer } from "../src/kafka/client.ts";
import { installRequestQueueTimerFix } from "../src/kafka/request_queue_timer.ts";
import { ConfluentFramer } from "../src/produce/framer.ts";
import { Forwarder } from "../src/produce/forwarder.ts";
import { Spool } from "../src/spool/spool.ts";
import { silentLogger } from "../src/util/log.ts";
import { MIN_INTERVAL_MS } from "../src/cli/interval_option.ts";
import { GATEWAY_RUNTIME_FLAGS } from "./compile/runtime_flags.ts";
import {
  cpuBetweenReadings,
  memorySplitOf,
  peakRssMiBOf,
  sampleCpu,
} from "./bench/process_usage.ts";
import { parseLoadAverage } from "./bench/proc_tree.ts";
import { benchPython } from "./bench/python_venv.ts";
import { peakRssMiB, printTable, type Row, rssMiB } from "./bench/table.ts";
import { up } from "./services/mod.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BROKERS = ["127.0.0.1:9092"];
const REGISTRY = "http://127.0.0.1:8081";
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 20);
const IDLE_SECONDS = Number(Deno.env.get("BENCH_IDLE_SECONDS") ?? 120);
const BACKLOG = Number(Deno.env.get("BENCH_BACKLOG") ?? 100_000);
const ORIGINAL_RECORDS = Number(Deno.env.get("BENCH_ORIGINAL_RECORDS") ?? 20_000);
const LIBRDKAFKA_RECORDS = Number(Deno.env.get("BENCH_LIBRDKAFKA_RECORDS") ?? 1_000_000);
const PI_ONLY = Deno.env.get("BENCH_PI_ONLY") === "1";
const COMPARE = Deno.env.get("BENCH_PRODUCE_COMPARE");
const run = Date.now().toString(36);

// The services' probes and the bare kafkajs loop use kafkajs too: without its negative timer.
installRequestQueueTimerFix();
await up();
const schema = await loadWriterSchema();

/** A `gateway produce --simulate` child with JSON logs, its lines collected. */
function startProduce(
  runtimeFlags: readonly string[],
  args: string[],
  env: Record<string, string> = {},
) {
  return startDeno(
    [...runtimeFlags, "main.ts", "produce", "--log-format", "json", ...args],
    env,
  );
}

/** `deno run -A <args>` in `cwd`, its stderr lines collected. */
function startDeno(args: readonly string[], env: Record<string, string> = {}, cwd = ROOT) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).spawn();
  const lines: string[] = [];
  let rest = "";
  const pump = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write: (c) => {
        const parts = (rest + c).split("\n");
        rest = parts.pop() ?? "";
        lines.push(...parts);
      },
    }),
  );
  void child.stdout.cancel();
  const records = () =>
    lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return {
    child,
    lines,
    records,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await pump.catch(() => {});
    },
  };
}

const simArgs = (tags: number, topic: string, spool: string, extra: string[] = []) => [
  "--simulate",
  String(tags),
  "--sensors",
  "ir,humidity",
  "--topic",
  topic,
  "--registry",
  REGISTRY,
  "--schema-strategy",
  "register",
  "--spool",
  spool,
  ...extra,
];

// 1. The Pi job: 8 tags, default interval, measured as launched by the product and without its
// flags, beside the floors under it (an idle deno; produce's modules imported, idle).
const idleRows: Row[] = [];
const loadAverage = () => parseLoadAverage(Deno.readTextFileSync("/proc/loadavg"));
const loadBefore = loadAverage();
{
  const dir = await Deno.makeTempDir({ prefix: "bench-idle-" });
  const produceArgs = (i: number) => [
    "main.ts",
    "produce",
    "--log-format",
    "json",
    // Each its own port (the default one would go to whichever starts first, the others
    // serving nothing): every row pays for the HTTP server, as the product does.
    ...simArgs(8, `bench-idle-${i}-${run}`, join(dir, `idle-${i}.sqlite`), [
      "--http",
      "127.0.0.1:0",
    ]),
  ];
  const launches: {
    launch: string;
    args: (i: number) => string[];
    env?: Record<string, string>;
    cwd?: string;
    produces: boolean;
  }[] = [
    {
      launch: `gateway produce: deno run -A ${GATEWAY_RUNTIME_FLAGS.join(" ")}`,
      args: (i) => [...GATEWAY_RUNTIME_FLAGS, ...produceArgs(i)],
      produces: true,
    },
    ...(COMPARE
      ? [{
        launch: `gateway produce of ${COMPARE}, same flags`,
        args: (i: number) => [...GATEWAY_RUNTIME_FLAGS, ...produceArgs(i)],
        cwd: COMPARE,
        produces: true,
      }]
      : []),
    {
      launch: "gateway produce: deno run -A (no runtime flags)",
      args: (i) => produceArgs(i),
      produces: true,
    },
    // What the last MiBs cost: V8 without its optimizing compilers, for this process only
    // (DENO_V8_FLAGS); the sink could not afford it (avsc's decoders 13-35x slower).
    {
      launch: "gateway produce: the product's flags + DENO_V8_FLAGS=--lite-mode",
      args: (i) => [...GATEWAY_RUNTIME_FLAGS, ...produceArgs(i)],
      env: { DENO_V8_FLAGS: "--lite-mode" },
      produces: true,
    },
    {
      launch: "reference: produce's modules imported, idle (the product's flags)",
      args: () => [...GATEWAY_RUNTIME_FLAGS, "scripts/bench/produce_imports.ts"],
      produces: false,
    },
    {
      launch: "reference: idle deno, a script that only waits (the product's flags)",
      args: () => [...GATEWAY_RUNTIME_FLAGS, "scripts/bench/idle.ts"],
      produces: false,
    },
  ];
  const procs = launches.map((l, i) => startDeno(l.args(i), l.env ?? {}, l.cwd ?? ROOT));
  const started = performance.now();
  // Start-up and the first reading (after one interval) are not "between readings".
  await new Promise((r) => setTimeout(r, 15_000));
  const samples = await Promise.all(
    procs.map((p) => sampleCpu(p.child.pid, 100, started + IDLE_SECONDS * 1000)),
  );
  const memory = procs.map((p) => memorySplitOf(p.child.pid));
  await Promise.all(procs.map((p) => p.stop()));
  for (const [i, p] of procs.entries()) {
    const cpu = cpuBetweenReadings(samples[i], 10_000);
    const stopped = p.records().reverse().find((r) => r.msg === "stopped") ?? {};
    const warnings = p.lines.filter((l) => /Warning/.test(l) && !l.startsWith("{")).length;
    const produces = launches[i].produces;
    idleRows.push({
      launch: launches[i].launch,
      "RSS peak MiB": memory[i].peak,
      "RSS at end MiB": memory[i].rss,
      "RssAnon MiB": memory[i].anon,
      "RssFile MiB": memory[i].file,
      "CPU % between readings": produces ? cpu.betweenPct.toFixed(2) : "-",
      "CPU % overall": cpu.overallPct.toFixed(2),
      taken: produces ? Number(stopped.taken) : "-",
      acknowledged: produces ? Number(stopped.sent) : "-",
      "non-JSON warning lines": warnings,
    });
  }
  await Deno.remove(dir, { recursive: true });
}
printTable(
  `8 simulated SensorTags, default 10 s interval, ${IDLE_SECONDS} s (ir+humidity, poll; ` +
    `target: RSS peak <= 64 MiB, CPU between readings < 0.5% of a core; ` +
    `the original Python script: 58 MiB per tag; RSS at end = RssAnon + RssFile + RssShmem; ` +
    `load average 1/5/15 before ${loadBefore}, after ${loadAverage()})`,
  idleRows,
);
if (PI_ONLY) Deno.exit(0);

// 2. Throughput through the whole CLI path at the fastest interval the CLI accepts.
const simRows: Row[] = [];
for (const tags of [1, 10, 100]) {
  const dir = await Deno.makeTempDir({ prefix: "bench-produce-" });
  const p = startProduce(
    GATEWAY_RUNTIME_FLAGS,
    simArgs(tags, `bench-sim-${tags}-${run}`, join(dir, "spool.sqlite"), [
      "--interval",
      String(MIN_INTERVAL_MS / 1000),
      "--stats-interval",
      "1",
    ]),
  );
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 500));
  }
  const peak = peakRssMiBOf(p.child.pid);
  const statsBefore = p.records().filter((r) => r.msg === "stats");
  await p.stop();
  // The window: from the first stats line after 5 s of warm-up to the last one before SIGTERM.
  const at = (r: Record<string, unknown>) => Date.parse(String(r.time));
  const firstAt = statsBefore.length > 0 ? at(statsBefore[0]) : NaN;
  const from = statsBefore.find((r) => at(r) >= firstAt + 5000);
  const to = statsBefore[statsBefore.length - 1];
  const secs = from && to ? (at(to) - at(from)) / 1000 : NaN;
  const delta = (k: string) => from && to ? Number(to[k]) - Number(from[k]) : NaN;
  const stopped = p.records().reverse().find((r) => r.msg === "stopped") ?? {};
  simRows.push({
    tags,
    "interval ms": MIN_INTERVAL_MS,
    "readings/s expected": tags * (1000 / MIN_INTERVAL_MS),
    "readings/s taken": delta("taken") / secs,
    "readings/s acknowledged": delta("sent") / secs,
    "window s": secs,
    "taken (whole run)": Number(stopped.taken),
    "acknowledged (incl. flush)": Number(stopped.sent),
    "left in spool": Number(stopped.leftInSpool),
    "RSS peak MiB": peak,
  });
  await Deno.remove(dir, { recursive: true });
}
printTable(
  `Simulated SensorTags → Kafka (${SECONDS} s each, poll mode, ir+humidity; rates over the same ` +
    `window, from the gateway's stats lines before SIGTERM)`,
  simRows,
);

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

// 4. Reference rows: the same bytes by a bare kafkajs loop (same batch size and acks), the
// original script's loop and a bare librdkafka producer.
const referenceRows: Row[] = [];
const schemaId = await registry.register(`${replayTopic}-value`, schema.text);
const framed = sampleRecords.map((b) => {
  const out = new Uint8Array(5 + b.length);
  new DataView(out.buffer).setUint32(1, schemaId);
  out.set(b, 5);
  return Buffer.from(out);
});
const sampleKey = (i: number) => `B0:B4:48:00:00:${(i % 100).toString(16).padStart(2, "0")}`;
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
      key: sampleKey(i + j),
      value: framed[(i + j) % 100],
    })),
  });
}
const ceilingSecs = (performance.now() - c0) / 1000;
referenceRows.push({
  step: "bare kafkajs loop, same bytes, 500 per send, acks=all, idempotent",
  records: BACKLOG,
  "records/s": BACKLOG / ceilingSecs,
});
await bare.disconnect();
await producer.disconnect();

const python = await benchPython(ROOT);
const refDir = await Deno.makeTempDir({ prefix: "bench-reference-" });
// The original script's records: the original fields, as its dicts held them.
await Deno.writeTextFile(
  join(refDir, "records.jsonl"),
  Array.from({ length: 100 }, (_, i) =>
    JSON.stringify({
      bid: sampleKey(i).toUpperCase(),
      time: Math.floor(Date.now() / 1000),
      ambient: 21.5 + i / 100,
      objecttemp: 19.25,
      humidity: 22.1,
      rh: 45.5,
    })).join("\n") + "\n",
);
const frames: Uint8Array[] = [];
for (let i = 0; i < 100; i++) {
  const key = new TextEncoder().encode(sampleKey(i));
  const head = new Uint8Array(2 + key.length + 4);
  const view = new DataView(head.buffer);
  view.setUint16(0, key.length);
  head.set(key, 2);
  view.setUint32(2 + key.length, framed[i].length);
  frames.push(head, framed[i]);
}
await Deno.writeFile(join(refDir, "frames.bin"), Buffer.concat(frames));
const reference = fileURLToPath(new URL("./bench/python_reference.py", import.meta.url));
async function pythonRow(step: string, args: string[]): Promise<Row> {
  const o = await new Deno.Command(python, {
    args: [reference, ...args],
    stdin: "null",
    // Bounded: a reference row that cannot finish fails the bench instead of hanging it.
    signal: AbortSignal.timeout(300_000),
  }).output();
  const text = new TextDecoder().decode(o.stdout).trim().split("\n").pop() ?? "";
  if (!o.success) {
    throw new Error(`${step} failed:\n${new TextDecoder().decode(o.stderr)}`);
  }
  const r = JSON.parse(text) as { records: number; acknowledged: number; seconds: number };
  if (r.acknowledged !== r.records) {
    throw new Error(`${step}: ${r.acknowledged} of ${r.records} records acknowledged`);
  }
  return { step, records: r.records, "records/s": r.records / r.seconds };
}
referenceRows.push(
  await pythonRow(
    "original script's loop: Python SerializingProducer + AvroSerializer, flush per record",
    [
      "original",
      BROKERS.join(","),
      `${REGISTRY}/apis/ccompat/v7`,
      `bench-original-${run}`,
      fileURLToPath(new URL("../schemas/sensortag.avsc", import.meta.url)),
      join(refDir, "records.jsonl"),
      String(ORIGINAL_RECORDS),
    ],
  ),
);
referenceRows.push(
  await pythonRow("bare librdkafka producer (Python confluent-kafka), same bytes, acks=all", [
    "bare",
    BROKERS.join(","),
    `bench-librdkafka-${run}`,
    join(refDir, "frames.bin"),
    String(LIBRDKAFKA_RECORDS),
  ]),
);
await Deno.remove(refDir, { recursive: true });
printTable("Spool and replay (broker down, then back)", spoolRows);
printTable("Reference rows, same run, same records (loopback broker)", referenceRows);
console.log(`\nbench process RSS ${rssMiB().toFixed(1)} MiB (peak ${peakRssMiB().toFixed(1)} MiB)`);
await Deno.remove(dir, { recursive: true });
