/**
 * Dead letters, said at start: the sink names the dead-letter topics in use and who chose them —
 * for a connector file that names none, the gateway's default `<topic>-dlq` (Kafka Connect would
 * have none) and how to turn it off. `none` turns it off: a record that cannot be written then
 * stops the sink at that record (exit 1, the record and the cause in the last line), nothing past
 * it committed and no dead-letter topic created, as a Connect task without one stops.
 */
import assert from "node:assert/strict";
import type avsc from "avsc";
import { join } from "node:path";
import { kafka } from "../_support/kafka.ts";
import { avroEncoder, freshTopics, mongo, produce, startSink } from "../_support/sink.ts";
import { uniqueName } from "../_support/gateway_process.ts";
import { logFields } from "../_support/produce.ts";
import { NoDeadLetters } from "../../src/sink/io/dead_letters.ts";

const SCHEMA: avsc.Schema = {
  type: "record",
  name: "R",
  fields: [{ name: "n", type: "int" }],
};

async function connectorFile(dir: string, topic: string, name: string, extra = "") {
  const path = join(dir, `${name}.properties`);
  await Deno.writeTextFile(
    path,
    `name=${name}\nconnector.class=com.datamountaineer.streamreactor.connect.mongodb.sink.MongoSinkConnector\n` +
      `topics=${topic}\nconnect.mongo.kcql=INSERT INTO ${
        topic.replaceAll("-", "_")
      } SELECT * FROM ${topic}\n` +
      `connect.mongo.db=connect-db\n${extra}`,
  );
  return path;
}

Deno.test("no dead-letter topic: the first letter fails with the record's place and reason", async () => {
  await new NoDeadLetters().send([]);
  await assert.rejects(
    new NoDeadLetters().send([{
      topic: "t",
      partition: 0,
      offset: "7",
      key: null,
      value: null,
      reason: "bad-magic",
      message: "not Confluent-framed",
    }]),
    /record t\/0@7 cannot be written \(bad-magic: not Confluent-framed\) and there is no dead-letter topic/,
  );
});

Deno.test({
  name:
    "the sink names its dead-letter topic at start (the gateway's default for a file naming none), and none stops at a poison record",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "gateway-dlq-none-" });
    const { topics } = await freshTopics("dlqnone", ["a", "b"] as const);

    // A connector file naming no dead-letter topic: the default, said so.
    const plain = await connectorFile(dir, topics.a, uniqueName("plain"));
    const a = startSink(["--config", plain]);
    const line = await a.waitForLine(/ INFO +dead-letter topics /);
    const f = logFields(line);
    assert.equal(f.topics, `${topics.a}-dlq`);
    assert.match(f.setBy, /the gateway's default, \{topic\}-dlq/);
    assert.match(f.note, new RegExp(`${plain} names no dead-letter topic`));
    assert.match(f.note, /errors\.deadletterqueue\.topic\.name=none or --dlq-topic none/);
    assert.equal(await a.stop(), 0);

    // A file that says none: a poison record stops the sink there.
    const name = uniqueName("none");
    const none = await connectorFile(
      dir,
      topics.b,
      name,
      "errors.deadletterqueue.topic.name=none\n",
    );
    const enc = await avroEncoder(topics.b, SCHEMA);
    await produce(topics.b, [
      { key: "1", value: enc.encode({ n: 1 }) },
      { key: "2", value: new TextEncoder().encode("not avro at all") },
      { key: "3", value: enc.encode({ n: 3 }) },
    ]);
    const b = startSink(["--config", none, "--from", "earliest"]);
    await b.waitForLine(/no dead-letter topic: a record that cannot be written stops the sink/);
    assert.equal(await b.exited, 1);
    const last = b.lines.findLast((l) => l.trim() !== "")!;
    assert.match(last, /sink stopped/);
    assert.match(last, new RegExp(`record ${topics.b}/0@1 cannot be written`));
    assert.match(last, /there is no dead-letter topic \(--dlq-topic none\)/);

    const admin = kafka().admin();
    await admin.connect();
    try {
      assert.ok(!(await admin.listTopics()).includes(`${topics.b}-dlq`), "no dead-letter topic");
      const [committed] = await admin.fetchOffsets({
        groupId: `connect-${name}`,
        topics: [topics.b],
      });
      const offset = Number(committed.partitions[0].offset);
      assert.ok(offset <= 1, `nothing past the poison record committed (offset ${offset})`);
    } finally {
      await admin.disconnect();
    }
    const client = mongo();
    try {
      const docs = await client.db("connect-db").collection(topics.b.replaceAll("-", "_")).find()
        .toArray();
      // The record before it may be written (it is read again on the next start); none after it.
      assert.ok(!docs.some((d) => d.n === 3), "the record after the poison one not written");
    } finally {
      await client.close();
    }
    await Deno.remove(dir, { recursive: true });
  },
});
