/**
 * Kafka away longer than --stall-timeout is a dependency outage, not a stuck consumer: the sink
 * keeps running through it, says so once (plus a recovered line), stays live (/healthz 200) while
 * /readyz names Kafka, and writes again by itself when the broker is back; /healthz and
 * status.json are healthy again once the consumer runs.
 */
import assert from "node:assert/strict";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { get, httpUrlOf } from "../_support/ops_http.ts";
import { sleep } from "../_support/produce.ts";
import { createTopic, mongo, produce, startSink, waitForCount } from "../_support/sink.ts";
import { down, up } from "../../scripts/services/mod.ts";

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const records = (from: number, n: number) =>
  Array.from({ length: n }, (_, j) => ({
    key: `k${from + j}`,
    value: json({ id: `k${from + j}`, seq: from + j }),
  }));

Deno.test({
  name:
    "Kafka down longer than --stall-timeout: no stall, one line per episode, live throughout, healthy after",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const topic = uniqueName("kafka-outage");
    const coll = topic.replaceAll("-", "_");
    await createTopic(topic, 2);
    await produce(topic, records(0, 200));
    const stallSeconds = 10;
    const sink = startSink([
      "--kcql",
      `UPSERT INTO ${coll} SELECT * FROM ${topic} PK id`,
      "--group",
      uniqueName("kafka-outage-g"),
      "--session-timeout",
      "6",
      "--stall-timeout",
      String(stallSeconds),
      "--http",
      "127.0.0.1:0",
    ]);
    const client = mongo();
    const c = client.db("connect-db").collection(coll);
    try {
      const url = await httpUrlOf(sink);
      await waitForCount(c, 200);
      await down(["kafka"]);
      const outageStart = Date.now();
      await sink.waitForLine(/consumer crashed; kafkajs restarts it/, 60_000);
      // Twice the stall time without Kafka.
      while (Date.now() - outageStart < 2 * stallSeconds * 1000) {
        const live = await get(`${url}/healthz`);
        assert.equal(live.status, 200, `live during the outage: ${live.body}`);
        await sleep(1000);
      }
      await waitFor("readyz naming kafka", async () => {
        const r = await get(`${url}/readyz`);
        return r.status === 503 && /kafka/.test(r.body) ? true : undefined;
      });
      await up(["kafka"]);
      await produce(topic, records(200, 200));
      await waitForCount(c, 400, 120_000);
      await sink.waitForLine(/Kafka recovered after/, 30_000);
      // Longer than the stall time after the broker's return: still running.
      await sleep((stallSeconds + 5) * 1000);
      const lines = sink.lines.join("\n");
      assert.doesNotMatch(lines, /stuck/, "the outage was not counted as a stall");
      assert.equal(
        sink.lines.filter((l) => /consumer crashed/.test(l)).length,
        1,
        `one line for the episode:\n${lines}`,
      );
      const health = await waitFor("healthz 200 and status healthy", async () => {
        const h = await get(`${url}/healthz`);
        const s = JSON.parse((await get(`${url}/status.json`)).body);
        return h.status === 200 && s.healthy ? s : undefined;
      });
      assert.equal(health.consumer.running, true);
    } finally {
      await up(["kafka"]);
      await client.close();
      const code = await sink.stop();
      assert.equal(
        code,
        0,
        `the sink ran on and stops cleanly:\n${sink.lines.slice(-30).join("\n")}`,
      );
    }
  },
});
