/**
 * A slow store is called slow and a down store down, and the sink is never silent about it: with
 * MongoDB answering each request seconds late (a TCP proxy that holds its answers), the stats
 * line says so at every interval, with the write latency and records/s, and status.json says
 * `slow`; quick again, `ok`; cut off, one `MongoDB unavailable` line for the episode (the stats
 * line says `down` meanwhile) and a recovered line when it is back. Nothing is lost.
 */
import assert from "node:assert/strict";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { get, httpUrlOf } from "../_support/ops_http.ts";
import { sleep } from "../_support/produce.ts";
import { createTopic, mongo, produce, startSink, waitForCount } from "../_support/sink.ts";
import { TcpProxy } from "../_support/tcp_proxy.ts";

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const records = (from: number, n: number) =>
  Array.from({ length: n }, (_, j) => ({
    key: `k${from + j}`,
    value: json({ id: `k${from + j}`, seq: from + j }),
  }));

Deno.test({
  name: "MongoDB slow, then quick, then away: slow, ok, down said as such; one line per outage",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const proxy = new TcpProxy(27017);
    proxy.open();
    const topic = uniqueName("slow-store");
    const coll = topic.replaceAll("-", "_");
    await createTopic(topic, 1);
    await produce(topic, records(0, 100));
    const sink = startSink([
      "--kcql",
      `UPSERT INTO ${coll} SELECT * FROM ${topic} PK id BATCH = 20`,
      "--group",
      uniqueName("slow-store-g"),
      "--mongo",
      `mongodb://127.0.0.1:${proxy.port}/?directConnection=true`,
      "--stall-timeout",
      "5",
      "--http",
      "127.0.0.1:0",
    ]);
    const client = mongo();
    const c = client.db("connect-db").collection(coll);
    const status = async (url: string) => JSON.parse((await get(`${url}/status.json`)).body);
    try {
      const url = await httpUrlOf(sink);
      await waitForCount(c, 100);
      await sink.waitForLine(/INFO +stats .*store=ok/);

      // Slow: every answer 2.2 s late.
      proxy.answerDelayMs = 2200;
      const slowFrom = sink.lines.length;
      await produce(topic, records(100, 60));
      const slowLine = await waitFor(
        "a stats line calling the store slow",
        () => sink.lines.slice(slowFrom).find((l) => /WARN +stats: MongoDB is slow/.test(l)),
        60_000,
      );
      assert.match(slowLine, /store=slow/);
      assert.match(slowLine, /recordsPerSecond=/);
      assert.match(slowLine, /(writeSeconds|writeWaitingSeconds)=\d/);
      const slow = await waitFor("status.json saying slow", async () => {
        const s = await status(url);
        return s.writes?.store === "slow" ? s : undefined;
      }, 30_000);
      assert.match(slow.writes.detail, /MongoDB is slow/);
      assert.equal(slow.live.ok, true, "a slow store is not a dead sink");
      await waitForCount(c, 160, 120_000);
      assert.doesNotMatch(sink.lines.join("\n"), /stuck/, "a slow write in hand is no stall");

      // Quick again.
      proxy.answerDelayMs = 0;
      await produce(topic, records(160, 20));
      await waitForCount(c, 180);
      await waitFor("status.json saying ok", async () => {
        const s = await status(url);
        return s.writes?.store === "ok" ? true : undefined;
      }, 30_000);

      // Away.
      const downFrom = sink.lines.length;
      proxy.close();
      await produce(topic, records(180, 20));
      await sink.waitForLine(/MongoDB unavailable: consumption paused/, 60_000);
      await waitFor(
        "a stats line calling the store down",
        () => sink.lines.slice(downFrom).find((l) => /stats: MongoDB does not answer/.test(l)),
        30_000,
      );
      await sleep(8000);
      proxy.open();
      await sink.waitForLine(/MongoDB recovered after/, 60_000);
      await waitForCount(c, 200, 60_000);
      const outage = sink.lines.slice(downFrom);
      assert.equal(
        outage.filter((l) => /MongoDB unavailable: consumption paused/.test(l)).length,
        1,
        `one line for the outage:\n${outage.join("\n")}`,
      );
    } finally {
      proxy.answerDelayMs = 0;
      try {
        proxy.open();
      } catch { /* open */ }
      await client.close();
      const code = await sink.stop();
      assert.equal(code, 0, sink.lines.slice(-30).join("\n"));
      proxy.close();
    }
  },
});
