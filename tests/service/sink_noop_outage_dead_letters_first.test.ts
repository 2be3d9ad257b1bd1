/**
 * Error policy NOOP, a record the store rejects, then an outage in the middle of the same
 * batch and the sink stopped during it: the rejected record reaches the dead-letter topic before
 * any offset past it is committed (it used to be committed without its dead letter).
 */
import assert from "node:assert/strict";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { readTopic } from "../_support/kafka.ts";
import { createTopic, mongo, type OutRecord, produce, startSink } from "../_support/sink.ts";
import { committedOffsets } from "../_support/sink_runtime.ts";
import { down, up } from "../../scripts/services/mod.ts";

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

Deno.test({
  name:
    "NOOP + outage mid-batch with a rejected record: it is dead-lettered before its offset is committed",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("noop-outage");
    const dlq = `${topic}-dlq`;
    const coll = topic.replaceAll("-", "_");
    await createTopic(topic, 1);
    // Every 100th record repeats the previous one's id with other content: a duplicate key the
    // store rejects (not a replay of the same document).
    const records: OutRecord[] = Array.from({ length: 2000 }, (_, i) => {
      const id = i % 100 === 50 ? `k${i - 1}` : `k${i}`;
      return { key: id, value: json({ _id: id, seq: i }) };
    });
    const rejected = records.map((_, i) => i).filter((i) => i % 100 === 50);
    await produce(topic, records);
    const group = uniqueName("g");
    const args = [
      "--kcql",
      `INSERT INTO ${coll} SELECT * FROM ${topic} BATCH = 2000`,
      "--group",
      group,
      "--error-policy",
      "NOOP",
    ];
    const client = mongo();
    const c = client.db("connect-db").collection(coll);
    let sink = startSink(args);
    try {
      await waitFor(
        "a first part written",
        async () => (await c.countDocuments()) >= 300 || undefined,
        90_000,
        100,
      );
      await client.close();
      await down(["mongo"]);
      await sink.waitForLine(/MongoDB unavailable/, 60_000);
      assert.equal(
        await sink.stop(),
        0,
        "stopping during the outage is clean\n" + sink.lines.slice(-15).join("\n"),
      );
      const committed = (await committedOffsets(group, topic)).get(0) ?? -1;
      assert.ok(
        committed < records.length,
        `not everything committed during the outage (${committed})`,
      );
      // One BATCH holds the whole topic: the outage came in the middle of it, after rejections.
      assert.ok(committed > 300 || committed <= 0 || committed % 2000 !== 0, `${committed}`);
      const owed = rejected.filter((i) => i < committed);
      assert.ok(owed.length > 0, `rejected records lie before the committed offset ${committed}`);
      const letters = await readTopic(dlq, (r) => r.length >= owed.length, 30_000);
      const lettered = new Set(letters.map((l) => Number(l.headers["__connect.errors.offset"])));
      assert.deepEqual(
        owed.filter((i) => !lettered.has(i)),
        [],
        `every rejected record before the committed offset ${committed} is in the dead-letter topic`,
      );
      await up(["mongo"]);
      sink = startSink(args);
      await waitFor(
        "everything committed after the outage",
        async () => ((await committedOffsets(group, topic)).get(0) === records.length || undefined),
        240_000,
        500,
      );
      const letterOffsets = (r: { headers: Record<string, string> }[]) =>
        new Set(r.map((l) => Number(l.headers["__connect.errors.offset"])));
      // Read until every rejected record's letter is there (a count would stop early if some
      // other record had been dead-lettered).
      const all = await readTopic(
        dlq,
        (r) => rejected.every((i) => letterOffsets(r).has(i)),
        30_000,
      );
      const offsets = letterOffsets(all);
      assert.deepEqual(
        rejected.filter((i) => !offsets.has(i)),
        [],
        "every rejected record dead-lettered",
      );
      assert.deepEqual(
        [...offsets].filter((i) => !rejected.includes(i)),
        [],
        "no record the store took (or could have taken) is in the dead-letter topic",
      );
      // Every other record is in the store, as it was written (the outage lost none).
      const reader = mongo();
      try {
        const stored = await reader.db("connect-db").collection(coll).find().toArray();
        const seqOf = new Map(stored.map((d) => [d._id as unknown as string, d.seq as number]));
        const missing = records.map((_, i) => i).filter((i) =>
          !rejected.includes(i) && seqOf.get(`k${i}`) !== i
        );
        assert.deepEqual(missing, [], "every record not rejected is stored");
        assert.equal(stored.length, records.length - rejected.length);
      } finally {
        await reader.close();
      }
      assert.ok(all.every((l) => l.headers["gateway.error.reason"] === "write-rejected"));
      assert.equal(await sink.stop(), 0, sink.lines.slice(-15).join("\n"));
    } finally {
      await up(["mongo"]);
      sink.signal("SIGKILL");
      await client.close().catch(() => {});
    }
  },
});
