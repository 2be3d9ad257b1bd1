/** How the sink's writes are going: records/s, write latency, and slow told from down (pure). */
import assert from "node:assert/strict";
import { SLOW_WRITE_MS, WriteTracker } from "../../src/sink/io/write_progress.ts";

Deno.test("records/s and the bulk write latency over the last minute", () => {
  let now = 0;
  const t = new WriteTracker(() => now);
  for (let i = 0; i < 30; i++) {
    now += 1000;
    const done = t.writeStarted();
    now += 50;
    done(true);
    t.recordsWritten(100);
  }
  const p = t.progress();
  assert.equal(p.store, "ok");
  assert.equal(p.writes, 30);
  assert.equal(p.writeSeconds, 0.05);
  assert.ok(p.recordsPerSecond > 90 && p.recordsPerSecond <= 100, String(p.recordsPerSecond));
  now += 120_000;
  assert.deepEqual(
    { r: t.progress().recordsPerSecond, w: t.progress().writes },
    { r: 0, w: 0 },
    "an idle minute: nothing written, no latency",
  );
});

Deno.test("upserts taking seconds: the store is slow, and says how slow", () => {
  let now = 0;
  const t = new WriteTracker(() => now);
  for (let i = 0; i < 3; i++) {
    const done = t.writeStarted();
    now += 3000;
    done(true);
    t.recordsWritten(10);
  }
  const p = t.progress();
  assert.equal(p.store, "slow");
  assert.equal(p.writeSeconds, 3);
  assert.match(p.detail!, /slow: the last bulk write took 3 s \(3 s on average/);
  const quick = t.writeStarted();
  now += 20;
  quick(true);
  assert.equal(t.progress().store, "ok", "the store is quick again: ok at once");
  assert.ok(t.progress().writeSeconds! > 2, "while the minute's mean still shows the slow writes");
});

Deno.test("a write waiting for its answer makes the store slow while it waits", () => {
  let now = 0;
  const t = new WriteTracker(() => now);
  const done = t.writeStarted();
  now += SLOW_WRITE_MS - 1;
  assert.equal(t.progress().store, "ok");
  now += 5000;
  const p = t.progress();
  assert.equal(p.store, "slow");
  assert.ok(p.inFlightSeconds! > 5);
  assert.match(p.detail!, /has waited 7 s for its answer/);
  done(true);
  assert.equal(t.progress().inFlightSeconds, undefined);
});

Deno.test("a store that does not answer is down; a timed-out write is slow; a write back is ok", () => {
  let now = 0;
  const t = new WriteTracker(() => now);
  t.storeDown("connect ECONNREFUSED 127.0.0.1:27017");
  now += 30_000;
  const down = t.progress();
  assert.equal(down.store, "down");
  assert.match(down.detail!, /does not answer \(for 30 s\): connect ECONNREFUSED/);
  t.storeTimedOut("socket timed out after 60 s");
  assert.equal(t.progress().store, "slow");
  const done = t.writeStarted();
  now += 10;
  done(true);
  assert.equal(t.progress().store, "ok");
  t.storeDown("connect ECONNREFUSED 127.0.0.1:27017");
  t.batchesSettled();
  assert.equal(t.progress().store, "ok", "no batch waits on it: no stale verdict");
});
