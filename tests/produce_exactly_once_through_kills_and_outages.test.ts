/**
 * Exactly once in the store, end to end, in one run: simulated tags produce for over two
 * minutes while the gateway is SIGKILLed five times, the broker is stopped for 20 s, the sink is
 * SIGKILLed five times and MongoDB is stopped for 20 s. `UPSERT ... PK bid, seq` then holds, for
 * every device, the seq values 1..N exactly once, and N is what the gateway reports as taken.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type GatewayProcess,
  runGateway,
  startGateway,
  uniqueName,
  waitFor,
} from "./_support/gateway_process.ts";
import { BROKERS, REGISTRY } from "./_support/kafka.ts";
import { finalCounters, logFields, sleep } from "./_support/produce.ts";
import { createTopic, mongo, startSink } from "./_support/sink.ts";
import { down, up } from "../scripts/services/mod.ts";

// Two tags: FerretDB 1.24 answers an upsert by a composite _id (PK bid, seq) with a scan of the
// collection (measured: 4 ms per upsert on an empty collection, 88 ms at 500 documents), so a
// larger collection makes the sink, not the gateway, the bottleneck of this test.
const TAGS = 2;

Deno.test({
  name:
    "SIGKILLed gateway and sink, broker and MongoDB stopped 20 s each: every device's seq is 1..N once, N = taken",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const topic = uniqueName("exactly-once");
    const coll = topic.replaceAll("-", "_");
    const database = uniqueName("eo").replaceAll("-", "_");
    const group = uniqueName("eo-sink");
    const dir = await Deno.makeTempDir({ prefix: "gateway-eo-" });
    const spool = join(dir, "spool.sqlite");
    await createTopic(topic, 3);

    // Defaults apart from the test's own names: --schema-strategy auto registers the schema.
    const produceArgs = [
      "produce",
      "--simulate",
      String(TAGS),
      "--interval",
      "1",
      "--topic",
      topic,
      "--brokers",
      BROKERS.join(","),
      "--registry",
      REGISTRY,
      "--spool",
      spool,
      "--stats-interval",
      "1",
    ];
    const sinkArgs = [
      "--kcql",
      `UPSERT INTO ${coll} SELECT * FROM ${topic} PK bid, seq`,
      "--database",
      database,
      "--group",
      group,
      "--session-timeout",
      "6",
    ];
    let gateway: GatewayProcess = startGateway(produceArgs);
    let sink: GatewayProcess = startSink(sinkArgs);
    const gatewayKills: number[] = [];
    const sinkKills: number[] = [];
    let brokerOutageMs = 0;
    let storeOutageMs = 0;
    const t0 = Date.now();
    const at = (s: number) => sleep(Math.max(0, t0 + s * 1000 - Date.now()));
    const gatewayLines: string[][] = [gateway.lines];
    try {
      try {
        await gateway.waitForLine(/ INFO +producing /);
        await sink.waitForLine(/ INFO +sink running /, 60_000);

        const killGateway = async () => {
          gateway.signal("SIGKILL");
          await gateway.exited;
          gatewayKills.push(Date.now() - t0);
          gateway = startGateway(produceArgs);
          gatewayLines.push(gateway.lines);
          await gateway.waitForLine(/ INFO +producing /);
        };
        const killSink = async () => {
          sink.signal("SIGKILL");
          await sink.exited;
          sinkKills.push(Date.now() - t0);
          sink = startSink(sinkArgs);
        };

        // 0-60 s: five gateway kills, the broker away from 14 s for over 20 s.
        const brokerOutage = (async () => {
          await at(14);
          const from = Date.now();
          await down(["kafka"]);
          await at(36);
          brokerOutageMs = Date.now() - from;
          await up(["kafka"]);
        })();
        for (const s of [8, 18, 28, 40, 50]) {
          await at(s);
          await killGateway();
        }
        await brokerOutage;

        // 56-88 s: five sink kills; then MongoDB away for over 20 s (94-116 s), which the sink
        // rides.
        for (const s of [56, 64, 72, 80, 88]) {
          await at(s);
          await killSink();
        }
        await at(94);
        const from = Date.now();
        await down(["mongo"]);
        await at(116);
        storeOutageMs = Date.now() - from;
        await up(["mongo"]);
        await at(128);
      } finally {
        await up(["kafka", "mongo"]);
      }

      assert.equal(gatewayKills.length, 5, "the gateway was SIGKILLed five times");
      assert.equal(sinkKills.length, 5, "the sink was SIGKILLed five times");
      assert.ok(Date.now() - t0 >= 120_000, "the tags produced for at least two minutes");

      assert.equal(await gateway.stop(), 0, gateway.lines.slice(-20).join("\n"));
      const stopped = finalCounters(gateway.lines);
      assert.equal(stopped.leftInSpool, 0, "the spool drained");
      const takenLine = [...gateway.lines].reverse().find((l) => / INFO +stopped /.test(l))!;
      const takenTotal = Number(logFields(takenLine).takenTotal);
      assert.ok(takenTotal > TAGS * 60, `the gateway took ${takenTotal} readings`);

      // What the gateway says it took, per device: the spool's last seq of each.
      const listed = await runGateway(["spool", "list", "--json", "--spool", spool]);
      assert.equal(listed.code, 0, listed.stderr);
      const dests = JSON.parse(listed.stdout).destinations as {
        devices: { device: string; lastSeq: number }[];
      }[];
      assert.equal(dests.length, 1);
      const takenPerDevice = new Map(dests[0].devices.map((d) => [d.device, d.lastSeq]));
      assert.equal(takenPerDevice.size, TAGS);
      assert.equal([...takenPerDevice.values()].reduce((a, b) => a + b, 0), takenTotal);

      // A client made after the outages (one made before may hang on connections FerretDB dropped).
      const client = mongo();
      try {
        const c = client.db(database).collection(coll);
        let count = 0;
        await waitFor(
          `${takenTotal} documents in ${database}.${coll}`,
          async () => ((count = await c.countDocuments()) >= takenTotal ? true : undefined),
          180_000,
          1000,
        ).catch((error) => {
          throw new Error(
            `${error.message} (${count} there); the sink's last lines:\n${
              sink.lines.slice(-25).join("\n")
            }`,
          );
        });
        await sleep(3000); // anything beyond would be a duplicate: give it the chance to show
        const docs = await c.find({}, { projection: { bid: 1, seq: 1 } }).toArray();
        const byDevice = new Map<string, number[]>();
        for (const d of docs) {
          byDevice.set(d.bid, [...(byDevice.get(d.bid) ?? []), Number(d.seq)]);
        }
        assert.deepEqual([...byDevice.keys()].sort(), [...takenPerDevice.keys()].sort());
        for (const [bid, seqs] of byDevice) {
          const n = takenPerDevice.get(bid)!;
          seqs.sort((a, b) => a - b);
          const expected = Array.from({ length: n }, (_, i) => i + 1);
          const missing = expected.filter((s) => !seqs.includes(s));
          const twice = seqs.filter((s, i) => i > 0 && seqs[i - 1] === s);
          assert.deepEqual(missing, [], `${bid}: no seq missing of 1..${n}`);
          assert.deepEqual(twice, [], `${bid}: no seq twice`);
          assert.deepEqual(seqs, expected, `${bid}: seq values are exactly 1..${n}`);
        }
        assert.equal(docs.length, takenTotal);
      } finally {
        assert.equal(await sink.stop(), 0, sink.lines.slice(-20).join("\n"));
        await client.close();
        await Deno.remove(dir, { recursive: true });
      }
      // Last, so that a broker another process owns (which down() leaves alone) still lets the
      // rest be checked: the outage itself must have happened, as the gateway saw it.
      assert.ok(brokerOutageMs >= 20_000, `broker stopped for ${brokerOutageMs} ms`);
      assert.ok(storeOutageMs >= 20_000, `MongoDB stopped for ${storeOutageMs} ms`);
      assert.ok(
        gatewayLines.flat().some((l) => /cannot deliver readings yet.* failing=kafka/.test(l)),
        "the gateway saw the broker outage",
      );
    } finally {
      // Whatever failed, no gateway or sink of this test outlives it.
      gateway.signal("SIGKILL");
      sink.signal("SIGKILL");
    }
  },
});
