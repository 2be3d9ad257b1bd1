/**
 * A poison record whose dead-letter topic is unavailable (missing, and the sink could not create
 * it: more replicas asked for than the cluster has brokers; the dead-letter producer does not
 * auto-create topics) pauses its partition: nothing past the records before it is committed or
 * written, the consumer stays the group's one stable member for longer than two session timeouts
 * (so heartbeats went on), the process keeps running, and the topic is not created behind the
 * operator's back. Once the topic is created, the letter goes out with its headers without a
 * restart (the sink kept retrying), the records behind it are written, the offset is committed past
 * the end, and SIGTERM stops the sink at once with exit code 0.
 */
import assert from "node:assert/strict";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { kafka, readTopic } from "../_support/kafka.ts";
import { createTopic, mongo, produce, startSink } from "../_support/sink.ts";
import { committedOffsets } from "../_support/sink_runtime.ts";

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const good = (n: number) => ({ key: `r${n}`, value: json({ _id: `r${n}`, n }) });
/** Neither Confluent Avro (0x00), single-object Avro (c3 01) nor JSON: `bad-magic`. */
const POISON = new Uint8Array([0x01, 0x02, 0x03, 0x04, 0xff]);
const SESSION_TIMEOUT_S = 6;

interface Observation {
  committed: number | undefined;
  state: string;
  members: string[];
  documents: number;
  running: boolean;
}

Deno.test({
  name:
    "a poison record whose dead-letter topic is missing pauses its partition, commits nothing past it and keeps the member in the group, then goes on once the topic exists",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("dlqwait");
    const dlq = `${topic}-dlq`;
    const coll = topic.replaceAll("-", "_");
    const group = uniqueName("g");
    await createTopic(topic, 1);
    await produce(topic, [0, 1, 2].map(good));

    const admin = kafka().admin();
    await admin.connect();
    const client = mongo();
    const { brokers } = await admin.describeCluster();
    const sink = startSink([
      "--kcql",
      `INSERT INTO ${coll} SELECT * FROM ${topic}`,
      "--group",
      group,
      "--session-timeout",
      String(SESSION_TIMEOUT_S),
      // More replicas than brokers: the sink's own creation of the dead-letter topic fails.
      "--dlq-replication-factor",
      String(brokers.length + 1),
    ]);
    let running = true;
    sink.exited.then(() => (running = false));
    try {
      const c = client.db("connect-db").collection(coll);
      await sink.waitForLine(/dead-letter topic missing and not created/);
      await waitFor(
        "the three good records committed",
        async () => ((await committedOffsets(group, topic)).get(0) === 3 ? true : undefined),
        60_000,
        300,
      );
      assert.equal(await c.countDocuments(), 3, "the records before the poison are written");

      // Offset 3: the poison record; 4-6 behind it.
      await produce(topic, [
        { key: "poison", value: POISON, headers: { origin: "test" } },
        ...[4, 5, 6].map(good),
      ]);
      await sink.waitForLine(/cannot write to the dead-letter topic: partition paused/);

      // Heartbeats are proven by time: a member that stopped sending them for a session timeout
      // is removed and the group rebalances. Watch for more than two session timeouts.
      const observed: Observation[] = [];
      const from = Date.now();
      while (Date.now() - from < 2.5 * SESSION_TIMEOUT_S * 1000) {
        const { groups: [g] } = await admin.describeGroups([group]);
        observed.push({
          committed: (await committedOffsets(group, topic)).get(0),
          state: g.state,
          members: g.members.map((m) => m.memberId),
          documents: await c.countDocuments(),
          running,
        });
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(observed.length >= 5, `observed ${observed.length} times`);
      const first = observed[0];
      assert.equal(first.members.length, 1, "one member");
      for (const [i, o] of observed.entries()) {
        const at = `observation ${i} (${JSON.stringify(o)})`;
        assert.equal(o.committed, 3, `${at}: nothing committed past the poison record`);
        assert.equal(o.state, "Stable", `${at}: the group does not rebalance`);
        assert.deepEqual(o.members, first.members, `${at}: the same member throughout`);
        assert.equal(o.documents, 3, `${at}: nothing behind the poison record written`);
        assert.ok(o.running, `${at}: the sink is running`);
      }
      assert.ok(!(await admin.listTopics()).includes(dlq), "the dead-letter topic is not created");
      assert.equal(
        sink.lines.filter((l) => /joined consumer group/.test(l)).length,
        1,
        "joined once, no rebalance",
      );
      assert.ok(!sink.lines.some((l) => /record dead-lettered/.test(l)), "no letter yet");

      await createTopic(dlq, 1);
      await waitFor(
        "offsets committed past all seven records",
        async () => ((await committedOffsets(group, topic)).get(0) === 7 ? true : undefined),
        60_000,
        300,
      );
      const docs = await c.find().sort({ n: 1 }).toArray();
      assert.deepEqual(
        docs.map((d) => [d._id, d.n]),
        [0, 1, 2, 4, 5, 6].map((n) => [`r${n}`, n]),
        "every good record once, the poison record not",
      );

      const letters = await readTopic(dlq, (r) => r.length >= 1, 30_000);
      assert.equal(letters.length, 1, "one letter");
      const [letter] = letters;
      assert.equal(letter.key, "poison");
      assert.deepEqual(new Uint8Array(letter.value!), POISON, "the value unchanged");
      assert.equal(letter.headers.origin, "test", "its own headers kept");
      assert.equal(letter.headers["__connect.errors.topic"], topic);
      assert.equal(letter.headers["__connect.errors.partition"], "0");
      assert.equal(letter.headers["__connect.errors.offset"], "3");
      assert.equal(letter.headers["gateway.error.reason"], "bad-magic");
      assert.equal(letter.headers["__connect.errors.exception.class.name"], "PoisonRecordError");
      assert.match(letter.headers["__connect.errors.exception.message"], /magic byte 0x01/);
      assert.ok(running, "the same process, not a restart, sent it");

      const stopAt = Date.now();
      const code = await sink.stop(10_000);
      const tookMs = Date.now() - stopAt;
      assert.equal(code, 0, sink.lines.slice(-15).join("\n"));
      assert.ok(tookMs < 2000, `stopped in ${tookMs} ms`);
    } finally {
      sink.signal("SIGKILL");
      await admin.disconnect();
      await client.close();
    }
  },
});
