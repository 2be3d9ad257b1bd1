/**
 * A dead-letter topic that cannot take writes (here: min.insync.replicas above its replication
 * factor, so every acks=all write is refused as NOT_ENOUGH_REPLICAS) pauses the partition:
 * heartbeats go on (the member stays in the group past several session timeouts), nothing is
 * committed past the record; once the topic takes writes, the letter goes and the sink goes on.
 */
import assert from "node:assert/strict";
import { ConfigResourceTypes } from "kafkajs";
import { uniqueName, waitFor } from "./_support/gateway_process.ts";
import { kafka, readTopic } from "./_support/kafka.ts";
import { mongo, type OutRecord, produce, startSink } from "./_support/sink.ts";
import { committedOffsets } from "./_support/sink_runtime.ts";

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

Deno.test({
  name:
    "a dead-letter topic that refuses writes pauses the partition (heartbeats on, nothing committed past it) until it takes them",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("dlq-away");
    const dlq = `${topic}-dlq`;
    const coll = topic.replaceAll("-", "_");
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 1 },
        {
          topic: dlq,
          numPartitions: 1,
          configEntries: [{ name: "min.insync.replicas", value: "2" }],
        },
      ],
    });
    const records: OutRecord[] = [
      { key: "g0", value: json({ _id: "g0" }) },
      { key: "poison", value: new TextEncoder().encode("not a record") },
      ...Array.from(
        { length: 9 },
        (_, i) => ({ key: `g${i + 1}`, value: json({ _id: `g${i + 1}` }) }),
      ),
    ];
    await produce(topic, records);
    const group = uniqueName("g");
    const sink = startSink([
      "--kcql",
      `INSERT INTO ${coll} SELECT * FROM ${topic}`,
      "--group",
      group,
      "--session-timeout",
      "6",
    ]);
    const client = mongo();
    try {
      await sink.waitForLine(/cannot write to the dead-letter topic/, 60_000);
      const pausedAt = Date.now();
      // Three session timeouts: a member that stopped heartbeating would be out of the group.
      await waitFor(
        "three session timeouts paused",
        async () => {
          const committed = (await committedOffsets(group, topic)).get(0) ?? -1;
          assert.ok(committed <= 1, `nothing committed past the poison record (${committed})`);
          return Date.now() - pausedAt > 18_000 ? true : undefined;
        },
        60_000,
        1000,
      );
      const { groups } = await admin.describeGroups([group]);
      assert.equal(groups[0].state, "Stable");
      assert.equal(groups[0].members.length, 1, "the sink is still a member");
      assert.equal(
        sink.lines.filter((l) => /joined consumer group/.test(l)).length,
        1,
        "no rebalance threw it out",
      );
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{
          type: ConfigResourceTypes.TOPIC,
          name: dlq,
          configEntries: [{ name: "min.insync.replicas", value: "1" }],
        }],
      });
      await waitFor(
        "everything committed",
        async () => ((await committedOffsets(group, topic)).get(0) === records.length || undefined),
        60_000,
        500,
      );
      const [letter] = await readTopic(dlq, (r) => r.length >= 1, 30_000);
      assert.equal(letter?.headers["__connect.errors.offset"], "1");
      assert.equal(await client.db("connect-db").collection(coll).countDocuments(), 10);
      assert.equal(await sink.stop(), 0, sink.lines.slice(-15).join("\n"));
    } finally {
      sink.signal("SIGKILL");
      await admin.disconnect();
      await client.close();
    }
  },
});
