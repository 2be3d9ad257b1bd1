import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeConfluent, readTopic } from "../_support/kafka.ts";
import { uniqueName } from "../_support/gateway_process.ts";
import { finalCounters, sleep, startSimulatedProducer } from "../_support/produce.ts";
import { mongo, startSink, waitForCount } from "../_support/sink.ts";

async function produceScenario(topic: string) {
  const run = await startSimulatedProducer(topic, 3);
  await run.proc.waitForLine(/ INFO +producing /);
  await sleep(3000);
  assert.equal(await run.proc.stop(), 0);
  const taken = finalCounters(run.proc.lines).taken;
  const produced = await decodeConfluent(await readTopic(topic, (r) => r.length >= taken));
  assert.equal(produced.length, taken);
  return produced;
}

function sameReading(doc: Record<string, unknown>, rec: Record<string, unknown>) {
  for (const f of ["bid", "ambient", "objecttemp", "humidity", "rh"]) {
    assert.equal(doc[f], rec[f], f);
  }
  assert.equal(Number(doc.time), Number(rec.time));
}

Deno.test({
  name:
    "the original scenario: simulated tags → sensortag-avro → INSERT INTO sensortag SELECT * → one document per reading",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("sensortag-avro");
    const collection = uniqueName("sensortag");
    const produced = await produceScenario(topic);
    const sink = startSink([
      "--kcql",
      `INSERT INTO ${collection} SELECT * FROM ${topic}`,
      "--group",
      uniqueName("g"),
    ]);
    const client = mongo();
    try {
      const c = client.db("connect-db").collection(collection);
      await waitForCount(c, produced.length);
      await sleep(1000);
      const docs = await c.find().toArray();
      assert.equal(docs.length, produced.length, "as many documents as readings");
      const byKey = new Map(docs.map((d) => [`${d.bid}@${d.time_ms}`, d]));
      for (const rec of produced) {
        const doc = byKey.get(`${rec.bid}@${rec.time_ms}`);
        assert.ok(doc, `document for ${rec.bid} at ${rec.time_ms}`);
        sameReading(doc, rec);
      }
    } finally {
      assert.equal(
        await sink.stop(),
        0,
        "sink exits 0 on SIGTERM" + "\n" + sink.lines.slice(-25).join("\n"),
      );
      await client.close();
    }
  },
});

Deno.test({
  name: "a connector .properties file in its original form drives the same run",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("sensortag-avro");
    const collection = uniqueName("sensortag");
    const produced = await produceScenario(topic);
    const dir = await Deno.makeTempDir();
    const file = join(dir, "mongo-sink.properties");
    await Deno.writeTextFile(
      file,
      [
        "name=mongo-sink-" + collection,
        "connector.class=com.datamountaineer.streamreactor.connect.mongodb.sink.MongoSinkConnector",
        "tasks.max=1",
        `topics=${topic}`,
        `connect.mongo.sink.kcql=INSERT INTO ${collection} SELECT * FROM ${topic}`,
        "connect.mongo.database=connect-db",
        "connect.mongo.connection=mongodb://127.0.0.1:27017",
        "connect.mongo.sink.batch.size=10",
        "key.converter=io.confluent.connect.avro.AvroConverter",
        "key.converter.schema.registry.url=http://127.0.0.1:8081",
        "value.converter=io.confluent.connect.avro.AvroConverter",
        "value.converter.schema.registry.url=http://127.0.0.1:8081",
        "",
      ].join("\n"),
    );
    const sink = startSink(["--config", file]);
    const client = mongo();
    try {
      const group = await sink.waitForLine(/joined consumer group/);
      assert.match(
        group,
        new RegExp(`group=connect-mongo-sink-${collection}`),
        "group named as Kafka Connect names it",
      );
      const c = client.db("connect-db").collection(collection);
      await waitForCount(c, produced.length);
      await sleep(1000);
      const docs = await c.find().toArray();
      assert.equal(docs.length, produced.length);
      const byKey = new Map(docs.map((d) => [`${d.bid}@${d.time_ms}`, d]));
      for (const rec of produced) sameReading(byKey.get(`${rec.bid}@${rec.time_ms}`)!, rec);
    } finally {
      assert.equal(await sink.stop(), 0, "exit code" + "\n" + sink.lines.slice(-25).join("\n"));
      await client.close();
    }
  },
});
