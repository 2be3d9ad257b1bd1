/**
 * A record larger than its dead-letter topic accepts (source topic 5 MiB, dead-letter topic
 * 1 MB) cannot stall the partition: it is dead-lettered as its first bytes with headers saying
 * it was truncated, its original size, where it came from and why; the records behind it are
 * written and the offsets committed past it.
 */
import assert from "node:assert/strict";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { kafka, readTopic } from "../_support/kafka.ts";
import { mongo, produce, startSink } from "../_support/sink.ts";
import { committedOffsets } from "../_support/sink_runtime.ts";

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

Deno.test({
  name:
    "an oversized record with a 1 MB dead-letter topic is dead-lettered truncated, and the partition goes on",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("oversized");
    const dlq = `${topic}-dlq`;
    const coll = topic.replaceAll("-", "_");
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 1,
          configEntries: [{ name: "max.message.bytes", value: String(5 * 1024 * 1024) }],
        },
        {
          topic: dlq,
          numPartitions: 1,
          configEntries: [{ name: "max.message.bytes", value: "1000000" }],
        },
      ],
    });
    await admin.disconnect();
    // Poison whatever the size limits: neither Avro nor JSON, and over the default value limit.
    const big = new TextEncoder().encode("not a record ".repeat(256 * 1024));
    await produce(topic, [
      { key: "a", value: json({ _id: "a", n: 1 }) },
      { key: "big", value: big, headers: { origin: "test" } },
      { key: "b", value: json({ _id: "b", n: 2 }) },
    ]);
    const group = uniqueName("g");
    const sink = startSink([
      "--kcql",
      `INSERT INTO ${coll} SELECT * FROM ${topic}`,
      "--group",
      group,
      "--error-policy",
      "NOOP",
    ]);
    const client = mongo();
    try {
      await waitFor(
        "offsets committed past all three records",
        async () => ((await committedOffsets(group, topic)).get(0) === 3 ? true : undefined),
        90_000,
        500,
      );
      const docs = await client.db("connect-db").collection(coll).find().sort({ _id: 1 })
        .toArray();
      assert.deepEqual(docs.map((d) => d._id), ["a", "b"], "the records around it are written");
      const [letter] = await readTopic(dlq, (r) => r.length >= 1, 30_000);
      assert.ok(letter, "the oversized record is in the dead-letter topic");
      assert.equal(letter.headers["gateway.error.truncated"], "true");
      assert.equal(letter.headers["gateway.error.original.value.bytes"], String(big.length));
      assert.equal(letter.headers["__connect.errors.topic"], topic);
      assert.equal(letter.headers["__connect.errors.partition"], "0");
      assert.equal(letter.headers["__connect.errors.offset"], "1");
      assert.ok(letter.headers["gateway.error.reason"], "a reason");
      assert.ok(letter.headers["__connect.errors.exception.message"], "the reason's message");
      assert.equal(letter.headers.origin, "test", "its own headers are kept");
      assert.ok(letter.value!.length > 0 && letter.value!.length < 1_000_000);
      assert.deepEqual(
        new Uint8Array(letter.value!),
        big.subarray(0, letter.value!.length),
        "its first bytes",
      );
      assert.equal(await sink.stop(), 0, sink.lines.slice(-15).join("\n"));
    } finally {
      sink.signal("SIGKILL");
      await client.close();
    }
  },
});
