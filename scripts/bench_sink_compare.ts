/**
 * `deno task bench:sink-compare [--before REV] [--records N] [--rounds R] [--also FLAGS]`: this checkout's
 * `gateway sink` against an earlier revision's, side by side in one run on the same pre-filled
 * topic (Confluent-framed Avro SensorTag readings, 3 partitions) and the same store, INSERT at
 * BATCH 100. Rows alternate (before, now, before, now, …) so a change of the machine's load hits
 * both. The clock runs from the sink's spawn to its consumer group's last committed offset; RSS
 * is the largest sum of the process tree's resident memory over samples every 250 ms, CPU that of
 * the whole tree.
 *
 * `now` runs with the product's runtime flags (scripts/compile/runtime_flags.ts); `before` runs as
 * that revision's own `./gateway` (or, before it, `deno task gateway`) would, or with no flags when it had none.
 * Needs the services (`deno task services up`).
 */
import { Buffer } from "node:buffer";
import { parseArgs } from "node:util";
import { MongoClient } from "mongodb";
import { Kafka, logLevel } from "kafkajs";
import { frameConfluent } from "../src/avro/confluent_frame.ts";
import { RegistryClient } from "../src/avro/registry_client.ts";
import { encodeRecord, loadWriterSchema } from "../src/avro/writer_schema.ts";
import { GATEWAY_RUNTIME_FLAGS, parseRuntimeFlags } from "./compile/runtime_flags.ts";
import { benchReading } from "./bench/bench_readings.ts";
import { printTable, type Row } from "./bench/table.ts";
import { measureSubject } from "./bench/measure_subject.ts";
import { parseLoadAverage } from "./bench/proc_tree.ts";
import { spawnLogged } from "./bench/spawn_logged.ts";
import { up } from "./services/mod.ts";

const USAGE = `usage: deno task bench:sink-compare [--before REV] [--records N] [--rounds R]
                                      [--also FLAGS]...
  --before REV   the git revision to compare with (default 314fa62, the sink before issue 7)
  --records N    records in the topic (default 200000)
  --rounds R     runs of each side, alternating (default 2)
  --also FLAGS   one more row: this checkout with these deno flags instead of the product's
                 (space-separated, written --also="--v8-flags=--max-semi-space-size=1";
                 --also= for none); may be given more than once`;

function options() {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        before: { type: "string", default: "314fa62" },
        records: { type: "string", default: "200000" },
        rounds: { type: "string", default: "2" },
        also: { type: "string", multiple: true, default: [] },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`bench:sink-compare: ${(error as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
}
const values = options();
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const count = (flag: string, text: string) => {
  if (!/^[1-9]\d*$/.test(text)) {
    console.error(`bench:sink-compare: --${flag} must be a positive integer, got "${text}"`);
    console.error(USAGE);
    Deno.exit(2);
  }
  return Number(text);
};
const RECORDS = count("records", values.records);
const ROUNDS = count("rounds", values.rounds);
const BROKERS = "127.0.0.1:9092";
const run = Date.now().toString(36);
const topic = `bench-compare-${run}`;
const load = () => parseLoadAverage(Deno.readTextFileSync("/proc/loadavg"));

async function git(args: string[], cwd = Deno.cwd()): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd, stderr: "piped", stdout: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/**
 * The runtime flags the checkout in `dir` gives to `deno run`, before main.ts: its
 * scripts/compile/runtime_flags.txt (what `./gateway` reads), or, in revisions before the
 * launcher, its `deno task gateway`.
 */
async function taskFlags(dir: string): Promise<string[]> {
  try {
    return parseRuntimeFlags(await Deno.readTextFile(`${dir}/scripts/compile/runtime_flags.txt`));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const config = JSON.parse(await Deno.readTextFile(`${dir}/deno.json`));
  const task: string = config.tasks?.gateway ?? "";
  const words = task.split(/\s+/);
  return words.filter((w) => /^--(v8-flags|no-code-cache)/.test(w));
}

await up();
const work = await Deno.makeTempDir({ prefix: `bench-compare-${run}-` });
const beforeDir = `${work}/before`;
const beforeRev = await git(["rev-parse", "--short", values.before]);
await git(["worktree", "add", "--detach", beforeDir, beforeRev]);
const nowRev = await git(["rev-parse", "--short", "HEAD"]);
const dirty = (await git(["status", "--porcelain", "--untracked-files=no"])) !== "";

const schema = await loadWriterSchema();
const id = await new RegistryClient({ url: "http://127.0.0.1:8081" }).register(
  `${topic}-value`,
  schema.text,
);
const kafka = new Kafka({
  clientId: "bench-compare",
  brokers: [BROKERS],
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
const producer = kafka.producer();
await producer.connect();
for (let i = 0; i < RECORDS; i += 2000) {
  const messages = [];
  for (let j = i; j < Math.min(RECORDS, i + 2000); j++) {
    const r = benchReading(j);
    messages.push({
      key: r.bid as string,
      value: Buffer.from(frameConfluent(id, encodeRecord(schema, r))),
    });
  }
  await producer.send({ topic, messages });
}
await producer.disconnect();
console.log(`pre-filled ${topic} with ${RECORDS.toLocaleString("en-US")} Avro records`);

async function committed(group: string): Promise<number> {
  const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return t.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

const sides = [
  { label: `before (${beforeRev})`, dir: beforeDir, flags: await taskFlags(beforeDir) },
  {
    label: `now (${nowRev}${dirty ? " + uncommitted changes" : ""})`,
    dir: Deno.cwd(),
    flags: [...GATEWAY_RUNTIME_FLAGS],
  },
  ...values.also.map((text) => ({
    label: `now (${nowRev}), other flags`,
    dir: Deno.cwd(),
    flags: text.split(/\s+/).filter((w) => w !== ""),
  })),
];
const mongo = new MongoClient("mongodb://127.0.0.1:27017");
const rows: Row[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of sides) {
      const name = `compare-${run}-${round}-${rows.length}`;
      const loadBefore = load();
      console.log(`${side.label}, round ${round + 1} (load ${loadBefore}) …`);
      const subject = await spawnLogged(
        Deno.execPath(),
        [
          "run",
          "-A",
          ...side.flags,
          `${side.dir}/main.ts`,
          "sink",
          "--kcql",
          `INSERT INTO ${name.replaceAll("-", "_")} SELECT * FROM ${topic} BATCH = 100`,
          "--group",
          name,
          "--stats-interval",
          "60",
        ],
        work,
        name,
      );
      const m = await measureSubject(subject, {
        records: RECORDS,
        committed: () => committed(name),
        timeoutSeconds: 600,
        label: side.label,
        errorLog: subject.logFile,
      });
      const documents = await mongo.db("connect-db").collection(name.replaceAll("-", "_"))
        .estimatedDocumentCount().catch(() => NaN);
      rows.push({
        sink: side.label + (m.complete ? "" : " (time limit)") +
          (m.failure ? ` (FAILED: ${m.failure.slice(0, 120)})` : ""),
        flags: side.flags.join(" ") || "none",
        "records/s": m.committed / m.seconds,
        "s to 1st commit": Number.isNaN(m.firstCommitSeconds) ? "-" : m.firstCommitSeconds,
        "RSS peak MiB": m.peakRssMiB,
        "CPU s": m.cpuSeconds,
        documents,
        "load 1/5/15": loadBefore,
      });
    }
  }
} finally {
  await mongo.close();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
  await git(["worktree", "remove", "--force", beforeDir]).catch(() => {});
}
const cores = navigator.hardwareConcurrency;
printTable(
  `sink side by side, ${RECORDS.toLocaleString("en-US")} Avro records, 3 partitions, INSERT ` +
    `BATCH 100, ${new Date().toISOString()}, ${cores} cores`,
  rows,
);
