/**
 * Exactly once in the store, end to end, in one run: simulated tags produce for over two
 * minutes while the gateway is SIGKILLed five times, the broker is stopped for 20 s, the spool
 * (on a small tmpfs of its own) is deleted between two runs, its disk is then filled for 15 s,
 * the sink is SIGKILLed five times and MongoDB is stopped for 20 s. `UPSERT ... PK reading_id` then holds every reading the gateway
 * reports as taken exactly once (by reading_id), none overwritten by a restarted seq, and per
 * (bid, spool_id) the seq values 1..N, N what that spool took for the device.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type GatewayProcess,
  runGateway,
  startGateway,
  uniqueName,
  waitFor,
} from "../_support/gateway_process.ts";
import { BROKERS, REGISTRY } from "../_support/kafka.ts";
import { finalCounters, logFields, sleep, waitForStats } from "../_support/produce.ts";
import { createTopic, mongo, startSink } from "../_support/sink.ts";
import { fillFilesystem, mountTmpfs, unmountTmpfs } from "../_support/tmpfs.ts";
import { down, up } from "../../scripts/services/mod.ts";
import { UUID_V7_PATTERN } from "../../src/util/uuid_v7.ts";

const TAGS = 2;

/** What one spool says it took: its id, and per device the last seq it gave. */
interface SpoolTaken {
  spoolId: string;
  lastSeq: Map<string, number>;
}

/** `gateway spool list --json` of a spool no process holds. */
async function spoolTaken(spool: string): Promise<SpoolTaken> {
  const listed = await runGateway(["spool", "list", "--json", "--spool", spool]);
  assert.equal(listed.code, 0, listed.stderr);
  const out = JSON.parse(listed.stdout) as {
    spoolId: string;
    destinations: { devices: { device: string; lastSeq: number }[] }[];
  };
  assert.equal(out.destinations.length, 1);
  return {
    spoolId: out.spoolId,
    lastSeq: new Map(out.destinations[0].devices.map((d) => [d.device, d.lastSeq])),
  };
}

Deno.test({
  name:
    "SIGKILLed gateway and sink, broker and MongoDB stopped, spool deleted: every reading taken stored once, seq 1..N per spool",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const topic = uniqueName("exactly-once");
    const coll = topic.replaceAll("-", "_");
    const database = uniqueName("eo").replaceAll("-", "_");
    const group = uniqueName("eo-sink");
    const dir = await mountTmpfs("8m", "gateway-eo-");
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
      `UPSERT INTO ${coll} SELECT * FROM ${topic} PK reading_id`,
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
    /** The spools deleted between two runs, as they were when deleted. */
    const deletedSpools: SpoolTaken[] = [];
    const sinkKills: number[] = [];
    let brokerOutageMs = 0;
    let storeOutageMs = 0;
    let diskFullMs = 0;
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
        // A clean stop (delivered: nothing waits in the spool), the spool deleted, a new run.
        const deleteSpool = async () => {
          // The broker is back (since 36 s); the producer may still be in its backoff.
          await waitForStats(
            gateway.lines,
            "the spool drained before it is deleted",
            (st) => st.spooled === "0" && st.failing === "none",
          );
          assert.equal(await gateway.stop(), 0, gateway.lines.slice(-20).join("\n"));
          assert.equal(finalCounters(gateway.lines).leftInSpool, 0, "nothing waited when deleted");
          deletedSpools.push(await spoolTaken(spool));
          for (const f of [spool, `${spool}-wal`, `${spool}-shm`, `${spool}.owner`]) {
            await Deno.remove(f).catch((e) => {
              if (!(e instanceof Deno.errors.NotFound)) throw e;
            });
          }
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

        // 0-60 s: five gateway kills, the broker away from 14 s for over 20 s, the spool deleted
        // at 44 s.
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
          if (s === 40) {
            await at(44);
            await deleteSpool();
          }
        }
        await brokerOutage;

        // 56-88 s: five sink kills, the spool's disk full from 60 s for 15 s; then MongoDB away
        // for over 20 s (94-116 s), which the sink rides.
        const diskFull = (async () => {
          await at(60);
          const filler = await fillFilesystem(dir);
          const from = Date.now();
          while (Date.now() - from < 15_000) await sleep(15_000 - (Date.now() - from) + 5);
          diskFullMs = Date.now() - from;
          await Deno.remove(filler);
        })();
        for (const s of [56, 64, 72, 80, 88]) {
          await at(s);
          await killSink();
        }
        await diskFull;
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
      assert.equal(Number(logFields(takenLine).droppedTotal), 0, "nothing dropped");

      // What the gateway says it took, per spool and device: each spool's last seq of each.
      const spools = [...deletedSpools, await spoolTaken(spool)];
      assert.equal(spools.length, 2, "one spool deleted between two runs");
      assert.notEqual(spools[0].spoolId, spools[1].spoolId, "the new spool has a new id");
      const last = spools[1];
      assert.equal([...last.lastSeq.values()].reduce((a, b) => a + b, 0), takenTotal);
      const taken = spools.reduce(
        (n, sp) => n + [...sp.lastSeq.values()].reduce((a, b) => a + b, 0),
        0,
      );
      for (const sp of spools) assert.equal(sp.lastSeq.size, TAGS);
      assert.ok(
        spools.every((sp) => [...sp.lastSeq.values()].every((n) => n > 5)),
        "each spool took readings of every tag",
      );
      assert.ok(taken > TAGS * 60, `the gateway took ${taken} readings`);

      // A client made after the outages (one made before may hang on connections FerretDB dropped).
      const client = mongo();
      try {
        const c = client.db(database).collection(coll);
        let count = 0;
        await waitFor(
          `${taken} documents in ${database}.${coll}`,
          async () => ((count = await c.countDocuments()) >= taken ? true : undefined),
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
        const docs = await c.find({}, {
          projection: { bid: 1, seq: 1, spool_id: 1, reading_id: 1 },
        }).toArray();
        // Exactly once by identity: one document per reading_id, its _id the plain string.
        const ids = new Set<string>();
        for (const d of docs) {
          assert.equal(typeof d._id, "string", `_id ${JSON.stringify(d._id)} is a string`);
          assert.equal(d._id, d.reading_id);
          assert.match(d.reading_id, UUID_V7_PATTERN);
          ids.add(d.reading_id);
        }
        assert.equal(ids.size, docs.length);
        assert.equal(docs.length, taken, "every reading taken is stored, once");
        console.log(
          `exactly once: ${taken} readings taken in two spools (${
            spools.map((sp) => [...sp.lastSeq.values()].join("+")).join(", ")
          }), ${docs.length} documents, ${ids.size} distinct reading_ids`,
        );

        // Per (bid, spool_id), seq 1..N once, N what that spool took: none lost, none
        // overwritten by the restarted seq of the new spool.
        const bySpool = new Map<string, number[]>();
        for (const d of docs) {
          const k = `${d.bid} ${d.spool_id}`;
          bySpool.set(k, [...(bySpool.get(k) ?? []), Number(d.seq)]);
        }
        const expectedKeys = spools.flatMap((sp) =>
          [...sp.lastSeq.keys()].map((bid) => `${bid} ${sp.spoolId}`)
        );
        assert.deepEqual([...bySpool.keys()].sort(), expectedKeys.sort());
        for (const sp of spools) {
          for (const [bid, n] of sp.lastSeq) {
            const seqs = bySpool.get(`${bid} ${sp.spoolId}`)!.sort((a, b) => a - b);
            const expected = Array.from({ length: n }, (_, i) => i + 1);
            const missing = expected.filter((s) => !seqs.includes(s));
            const twice = seqs.filter((s, i) => i > 0 && seqs[i - 1] === s);
            assert.deepEqual(missing, [], `${bid}/${sp.spoolId}: no seq missing of 1..${n}`);
            assert.deepEqual(twice, [], `${bid}/${sp.spoolId}: no seq twice`);
            assert.deepEqual(
              seqs,
              expected,
              `${bid}/${sp.spoolId}: seq values are exactly 1..${n}`,
            );
          }
        }
      } finally {
        assert.equal(await sink.stop(), 0, sink.lines.slice(-20).join("\n"));
        await client.close();
      }
      // Last, so that a broker another process owns (which down() leaves alone) still lets the
      // rest be checked: the outage itself must have happened, as the gateway saw it.
      assert.ok(brokerOutageMs >= 20_000, `broker stopped for ${brokerOutageMs} ms`);
      assert.ok(storeOutageMs >= 20_000, `MongoDB stopped for ${storeOutageMs} ms`);
      assert.ok(
        gatewayLines.flat().some((l) => /cannot deliver readings yet.* failing=kafka/.test(l)),
        "the gateway saw the broker outage",
      );
      assert.ok(diskFullMs >= 15_000, `spool's disk full for ${diskFullMs} ms`);
      const said = gatewayLines.flat();
      assert.ok(
        said.some((l) => l.includes(`spool ${spool}: disk full`)),
        "the gateway saw its disk full",
      );
      assert.ok(said.some((l) => l.includes(`spool ${spool}: writable again`)), "and recover");
    } finally {
      // Whatever failed, no gateway or sink of this test outlives it.
      gateway.signal("SIGKILL");
      sink.signal("SIGKILL");
      await gateway.exited;
      await unmountTmpfs(dir);
    }
  },
});
