/**
 * A spool deleted under a running producer, and a second producer started at the same path: the
 * two never send two readings with one identity. Every reading_id in the topic is distinct, and
 * so is every (bid, spool_id, seq): the second producer's spool has an id of its own, so a seq
 * that starts again at 1 is a new spool, never a reading mistaken for another.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { uniqueName } from "./_support/gateway_process.ts";
import { decodeConfluent, readTopic, recordsIn } from "./_support/kafka.ts";
import { sleep, startSimulatedProducer, waitForSent } from "./_support/produce.ts";
import { createTopic } from "./_support/sink.ts";
import { UUID_V7_PATTERN } from "../src/util/uuid_v7.ts";

Deno.test({
  name:
    "two producers at one path, the first one's file deleted under it: no two readings share an identity",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("two-at-one-path");
    await createTopic(topic, 3);
    const dir = await Deno.makeTempDir({ prefix: "gateway-two-" });
    const first = await startSimulatedProducer(topic, 3, [], dir);
    let second: Awaited<ReturnType<typeof startSimulatedProducer>> | undefined;
    try {
      await first.proc.waitForLine(/ INFO +producing /);
      await waitForSent(first.proc.lines, 20);
      for (const f of ["", "-wal", "-shm", ".owner"]) {
        await Deno.remove(`${first.spool}${f}`).catch((e) => {
          if (!(e instanceof Deno.errors.NotFound)) throw e;
        });
      }
      second = await startSimulatedProducer(topic, 3, [], dir);
      assert.equal(second.spool, join(dir, "spool.sqlite"));
      await second.proc.waitForLine(/ INFO +producing /);
      await waitForSent(second.proc.lines, 20);
      await sleep(2000); // both at work (unless the first noticed and stopped)
    } finally {
      // Either may have ended by itself (a producer that notices its file gone exits).
      await first.proc.stop();
      if (second) await second.proc.stop();
    }
    const total = await recordsIn(topic);
    assert.ok(total >= 40, `${total} records in ${topic}`);
    const records = await readTopic(topic, (r) => r.length >= total);
    assert.equal(records.length, total);
    const values = await decodeConfluent(records);

    const readingIds = new Map<string, number>();
    const positions = new Map<string, number>();
    const spoolIds = new Set<string>();
    records.forEach((r, i) => {
      const id = r.headers.reading_id;
      assert.match(id, UUID_V7_PATTERN);
      assert.equal(values[i].reading_id, id);
      readingIds.set(id, (readingIds.get(id) ?? 0) + 1);
      const at = `${values[i].bid} ${values[i].spool_id} ${values[i].seq}`;
      positions.set(at, (positions.get(at) ?? 0) + 1);
      spoolIds.add(String(values[i].spool_id));
    });
    const shared = [...readingIds].filter(([, n]) => n > 1);
    assert.deepEqual(shared, [], "no reading_id on two records");
    const collided = [...positions].filter(([, n]) => n > 1);
    assert.deepEqual(collided, [], "no (bid, spool_id, seq) on two records");
    assert.equal(spoolIds.size, 2, "each producer numbered its readings in a spool of its own");
    await Deno.remove(dir, { recursive: true });
  },
});
