import assert from "node:assert/strict";
import { decodeConfluent, readTopic } from "../_support/kafka.ts";
import { uniqueName, waitFor } from "../_support/gateway_process.ts";
import { finalCounters, sleep, startSimulatedProducer } from "../_support/produce.ts";
import { down, up } from "../../scripts/services/mod.ts";

Deno.test({
  name:
    "readings taken while the broker is down for 20 s arrive after it returns, none lost or reordered",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const topic = uniqueName("produce-outage");
    const run = await startSimulatedProducer(topic, 2, ["--interval", "0.25"]);
    try {
      await run.proc.waitForLine(/ INFO +producing /);
      await run.proc.waitForLine(/ INFO +kafka producer connected/);
      await sleep(1500);
      const outageStart = Date.now();
      await down(["kafka"]);
      await run.proc.waitForLine(/cannot deliver readings yet/, 60_000);
      await sleep(Math.max(0, 21_000 - (Date.now() - outageStart)));
      const outageMs = Date.now() - outageStart;
      await up(["kafka"]);
      await run.proc.waitForLine(/delivery resumed/, 120_000);
      assert.ok(outageMs >= 20_000, `outage lasted ${outageMs} ms`);
      await sleep(1500);
    } finally {
      await up(["kafka"]);
    }
    assert.equal(await run.proc.stop(), 0);
    const c = finalCounters(run.proc.lines);
    assert.equal(c.leftInSpool, 0, "spool drained after the outage");
    assert.equal(c.dropped, 0);

    const records = await readTopic(topic, (r) => r.length >= c.taken, 120_000);
    const values = await decodeConfluent(records);
    assert.equal(values.length, c.taken, "every reading taken arrived exactly once");
    const seen = new Set(values.map((v) => `${v.bid}@${v.time_ms}`));
    assert.equal(seen.size, values.length, "no duplicates");
    // None reordered: per device, time_ms strictly increases in log order,
    // and the gaps are never much wider than the interval (nothing missing).
    const byDevice = new Map<string, number[]>();
    for (const v of values) {
      byDevice.set(v.bid as string, [...(byDevice.get(v.bid as string) ?? []), Number(v.time_ms)]);
    }
    assert.equal(byDevice.size, 2);
    for (const [bid, times] of byDevice) {
      for (let i = 1; i < times.length; i++) {
        assert.ok(times[i] > times[i - 1], `${bid}: reading ${i} out of order`);
        assert.ok(
          times[i] - times[i - 1] < 1500,
          `${bid}: gap of ${times[i] - times[i - 1]} ms before reading ${i}`,
        );
      }
      const span = times[times.length - 1] - times[0];
      assert.ok(span > 20_000, `${bid}: readings span the outage (${span} ms)`);
    }
  },
});

Deno.test({
  name:
    "readings spooled while the broker is down survive SIGKILL and are delivered after a restart",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const topic = uniqueName("produce-crash");
    const spoolDir = await Deno.makeTempDir({ prefix: "gateway-crash-" });
    await down(["kafka"]);
    let firstRunTaken: string[] = [];
    try {
      const first = await startSimulatedProducer(topic, 2, [], spoolDir);
      await first.proc.waitForLine(/ INFO +producing /);
      await waitFor("10 spooled readings", () => {
        const stats = first.proc.lines.filter((l) => / INFO +stats /.test(l)).pop();
        const m = stats && / spooled=(\d+)/.exec(stats);
        return m && Number(m[1]) >= 10 ? true : undefined;
      }, 60_000);
      first.proc.signal("SIGKILL");
      await first.proc.exited;
      // What the killed gateway had on disk, read straight from its spool.
      const { DatabaseSync } = await import("node:sqlite");
      const db = new DatabaseSync(`${spoolDir}/spool.sqlite`, { readOnly: true });
      firstRunTaken = (db.prepare("SELECT device, taken_ms FROM readings ORDER BY seq").all() as {
        device: string;
        taken_ms: number;
      }[]).map((r) => `${r.device}@${r.taken_ms}`);
      db.close();
      assert.ok(
        firstRunTaken.length >= 10,
        `spool held ${firstRunTaken.length} readings at the kill`,
      );
    } finally {
      await up(["kafka"]);
    }
    const second = await startSimulatedProducer(topic, 2, [], spoolDir);
    await second.proc.waitForLine(/readings from an earlier run wait in the spool/);
    await second.proc.waitForLine(/ INFO +producing /);
    await sleep(3000);
    assert.equal(await second.proc.stop(), 0);
    const c = finalCounters(second.proc.lines);
    assert.equal(c.leftInSpool, 0);

    const values = await decodeConfluent(
      await readTopic(topic, (r) => r.length >= firstRunTaken.length + c.taken, 60_000),
    );
    const delivered = new Set(values.map((v) => `${v.bid}@${v.time_ms}`));
    const missing = firstRunTaken.filter((k) => !delivered.has(k));
    assert.deepEqual(missing, [], "every reading spooled before the SIGKILL was delivered");
    await Deno.remove(spoolDir, { recursive: true });
  },
});
