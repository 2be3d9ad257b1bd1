/**
 * `deno task demo`: the whole job, end to end, on local defaults.
 *  1. services up (Kafka, Apicurio Registry, FerretDB; installed the first time)
 *  2. `gateway produce --simulate 3` for a few seconds: virtual SensorTags at
 *     noble's seam → Avro → spool → Kafka topic `sensortag-avro`
 *  3. the records read back from Kafka and printed, decoded through the registry
 *  4. `gateway sink --kcql "INSERT INTO sensortag SELECT * FROM sensortag-avro"`
 *     → MongoDB database `connect-db`, and the documents printed
 */
import { MongoClient } from "mongodb";
import { decodeConfluent, readTopic } from "../tests/_support/kafka.ts";
import { startGateway } from "../tests/_support/gateway_process.ts";
import { up } from "./services/mod.ts";

const TOPIC = Deno.env.get("DEMO_TOPIC") ?? "sensortag-avro";
const SECONDS = Number(Deno.env.get("DEMO_SECONDS") ?? 6);
const say = (s: string) => console.log(`\n\x1b[1m== ${s}\x1b[0m`);

say(
  "1. services: Kafka 127.0.0.1:9092, Apicurio Registry http://127.0.0.1:8081, FerretDB 127.0.0.1:27017",
);
await up();

say(`2. gateway produce --simulate 3 --interval 1 (for ${SECONDS} s)`);
const spoolDir = await Deno.makeTempDir({ prefix: "gateway-demo-" });
const started = Date.now();
const producer = startGateway([
  "produce",
  "--simulate",
  "3",
  "--interval",
  "1",
  "--sensors",
  "ir,humidity,barometer",
  "--spool",
  `${spoolDir}/spool.sqlite`,
  "--topic",
  TOPIC,
], { GATEWAY_TEST_VERBOSE: "" });
await producer.waitForLine(/ INFO +producing /);
await new Promise((r) => setTimeout(r, SECONDS * 1000));
await producer.stop();
for (const l of producer.lines.filter((l) => / (INFO|WARN|ERROR) /.test(l)).slice(-6)) {
  console.log(`  ${l}`);
}

say(`3. records in Kafka topic ${TOPIC} (this run), decoded through the registry`);
const records = await readTopic(TOPIC, () => false, 5000);
const mine = (await decodeConfluent(records)).filter((v) => Number(v.time_ms) >= started);
for (const v of mine.slice(0, 6)) {
  console.log("  " + JSON.stringify(v, (_k, x) => (x === null ? undefined : x)));
}
console.log(`  … ${mine.length} records from this run`);

say(`4. gateway sink --kcql "INSERT INTO sensortag SELECT * FROM ${TOPIC}"`);
const sink = startGateway([
  "sink",
  "--kcql",
  `INSERT INTO sensortag SELECT * FROM ${TOPIC}`,
  "--group",
  `demo-${started}`,
]);
await sink.waitForLine(/ INFO +sink running /, 60_000);
const mongo = new MongoClient("mongodb://127.0.0.1:27017");
const collection = mongo.db("connect-db").collection("sensortag");
const until = Date.now() + 30_000;
let docs: Record<string, unknown>[] = [];
while (Date.now() < until) {
  docs = await collection.find({ time: { $gte: Math.floor(started / 1000) } }).toArray();
  if (docs.length >= mine.length) break;
  await new Promise((r) => setTimeout(r, 500));
}
await sink.stop();
for (const d of docs.slice(0, 4)) {
  console.log("  " + JSON.stringify(d, (_k, x) => (x === null ? undefined : x)));
}
console.log(
  `  … ${docs.length} documents from this run in connect-db.sensortag (${mine.length} records produced)`,
);
await mongo.close();
await Deno.remove(spoolDir, { recursive: true });
Deno.exit(docs.length >= mine.length && mine.length > 0 ? 0 : 1);
