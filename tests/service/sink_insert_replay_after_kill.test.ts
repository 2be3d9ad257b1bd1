/**
 * Replays after kill -9 are idempotent where the store allows it: `INSERT ... PK` of records that
 * carry their own `_id` (the PK itself is ignored by INSERT, as in the connector) meets its own
 * documents again (a duplicate key on the same document counts as written: the default THROW
 * policy does not stop), and a plain INSERT with `PROPERTIES('id.strategy'='kafka-coordinates')` writes
 * each record once, its `_id` being `topic#partition#offset`.
 */
import assert from "node:assert/strict";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { createTopic, mongo, type OutRecord, produce, startSink } from "../_support/sink.ts";
import { committedOffsets } from "../_support/sink_runtime.ts";

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

Deno.test({
  name:
    "INSERT with PK and INSERT with kafka-coordinates ids after kill -9: documents equal the source, no stop",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const pkTopic = uniqueName("replay-pk");
    const coTopic = uniqueName("replay-coords");
    const pkColl = pkTopic.replaceAll("-", "_");
    const coColl = coTopic.replaceAll("-", "_");
    await createTopic(pkTopic, 3);
    await createTopic(coTopic, 3);
    const N = 6000;
    const records: OutRecord[] = Array.from({ length: N }, (_, i) => ({
      key: `k${i}`,
      value: json({ _id: `k${i}`, id: `k${i}`, seq: i, payload: `reading ${i}` }),
    }));
    await produce(pkTopic, records);
    await produce(coTopic, records);
    const group = uniqueName("replay");
    const kcql = `INSERT INTO ${pkColl} SELECT * FROM ${pkTopic} PK id BATCH = 50; ` +
      `INSERT INTO ${coColl} SELECT * FROM ${coTopic} BATCH = 50 ` +
      `PROPERTIES('id.strategy'='kafka-coordinates')`;
    const args = [
      "--kcql",
      kcql,
      "--group",
      group,
      "--partitions-concurrently",
      "2",
      "--session-timeout",
      "6",
    ];
    const client = mongo();
    const db = client.db("connect-db");
    const count = async () =>
      (await db.collection(pkColl).countDocuments()) +
      (await db.collection(coColl).countDocuments());
    const logs: string[] = [];
    try {
      for (const threshold of [1500, 5000]) {
        const sink = startSink(args);
        await waitFor(
          `over ${threshold} written`,
          async () => (await count()) > threshold || undefined,
          90_000,
          100,
        );
        sink.signal("SIGKILL");
        await sink.exited;
        logs.push(...sink.lines);
      }
      const finisher = startSink(args);
      const committedAll = async () => {
        let n = 0;
        for (const t of [pkTopic, coTopic]) {
          for (const o of (await committedOffsets(group, t)).values()) n += Math.max(0, o);
        }
        return n;
      };
      await waitFor(
        "every record committed",
        async () => (await committedAll()) >= 2 * N || undefined,
        120_000,
        500,
      );
      assert.equal(await finisher.stop(), 0, finisher.lines.slice(-15).join("\n"));
      logs.push(...finisher.lines);
      assert.ok(
        !logs.some((l) => /rejected a write|sink stopped/.test(l)),
        logs.filter((l) => /rejected|stopped/.test(l)).slice(0, 5).join("\n"),
      );

      const pk = await db.collection(pkColl).find().toArray();
      assert.equal(pk.length, N, "one document per record");
      for (const d of pk) {
        const i = Number(String(d._id).slice(1));
        assert.deepEqual({ ...d }, { _id: `k${i}`, id: `k${i}`, seq: i, payload: `reading ${i}` });
      }
      const co = await db.collection(coColl).find().toArray();
      assert.equal(co.length, N, "each record written once: replays met their own _id");
      for (const d of co) {
        assert.match(String(d._id), new RegExp(`^${coTopic}#[0-2]#\\d+$`));
      }
      assert.equal(new Set(co.map((d) => d.seq)).size, N);
    } finally {
      await client.close();
    }
  },
});
