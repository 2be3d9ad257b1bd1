import assert from "node:assert/strict";
import { decodeConfluent, readTopic } from "../_support/kafka.ts";
import { uniqueName } from "../_support/gateway_process.ts";
import { finalCounters, sleep, startSimulatedProducer } from "../_support/produce.ts";

Deno.test("every reading of simulated tags arrives in Kafka and decodes through the registry", async () => {
  const topic = uniqueName("produce-e2e");
  const started = Date.now();
  const run = await startSimulatedProducer(topic, 3, ["--sensors", "ir,humidity,barometer"]);
  await run.proc.waitForLine(/ INFO +producing /);
  await sleep(4000);
  assert.equal(await run.proc.stop(), 0, "gateway exits 0 on SIGTERM");
  const c = finalCounters(run.proc.lines);
  assert.ok(c.taken >= 15, `expected at least 15 readings from 3 tags in 4 s, got ${c.taken}`);
  assert.equal(c.sent, c.taken, "everything taken was sent before exit");
  assert.equal(c.leftInSpool, 0);

  const records = await readTopic(topic, (r) => r.length >= c.taken);
  assert.equal(records.length, c.taken, "as many records as readings");
  const values = await decodeConfluent(records);
  const devices = new Set<string>();
  values.forEach((v, i) => {
    const bid = v.bid as string;
    devices.add(bid);
    assert.match(bid, /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/);
    assert.equal(records[i].key, bid, "Kafka key is the device address");
    for (const f of ["ambient", "objecttemp", "humidity", "rh", "pressure", "barotemp"]) {
      assert.equal(typeof v[f], "number", `${f} is a number`);
      assert.ok(Number.isFinite(v[f] as number), `${f} is finite`);
    }
    assert.ok((v.rh as number) >= 0 && (v.rh as number) <= 100, `rh ${v.rh} in 0..100`);
    assert.ok(
      (v.pressure as number) > 800 && (v.pressure as number) < 1200,
      `pressure ${v.pressure} hPa`,
    );
    const t = Number(v.time) * 1000;
    assert.ok(t >= started - 1000 && t <= Date.now(), "time is epoch seconds of this run");
    assert.equal(Math.floor(Number(v.time_ms) / 1000), Number(v.time));
  });
  assert.equal(devices.size, 3, "three simulated tags");
  // Per device, seq counts 1, 2, 3, ... in the value and in the `seq` header.
  const seqs = new Map<string, number[]>();
  values.forEach((v, i) => {
    seqs.set(v.bid as string, [...(seqs.get(v.bid as string) ?? []), Number(v.seq)]);
    assert.equal(records[i].headers.seq, String(v.seq), "the seq header matches the value");
  });
  for (const [bid, s] of seqs) assert.deepEqual(s, s.map((_, i) => i + 1), `${bid}: seq 1..n`);
  // Per device, records are in the order they were taken.
  const lastByDevice = new Map<string, number>();
  for (const v of values) {
    const prev = lastByDevice.get(v.bid as string) ?? 0;
    assert.ok(Number(v.time_ms) > prev, `readings of ${v.bid} in order`);
    lastByDevice.set(v.bid as string, Number(v.time_ms));
  }
});
