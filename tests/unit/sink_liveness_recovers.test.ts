/**
 * The sink's liveness follows its consumer now, not its past: kafkajs stops and restarts its
 * consumer after each crash while Kafka is away, which is a dependency outage (readiness), and
 * `/healthz` is 200 again the moment the consumer runs; only a crash kafkajs will not restart
 * from, or the sink stopping, ends liveness. The status snapshot and the page say the same.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { Consumer } from "kafkajs";
import type { LagTracker } from "../../src/metrics/sink_lag.ts";
import { Readiness } from "../../src/status/readiness.ts";
import { SinkMonitor } from "../../src/status/sink_monitor.ts";
import { sinkPage } from "../../src/status/sink_page.ts";
import { statusText } from "../../src/status/status_table.ts";
import { WriteTracker } from "../../src/sink/io/write_progress.ts";

const EVENTS = {
  GROUP_JOIN: "consumer.group_join",
  FETCH_START: "consumer.fetch_start",
  CRASH: "consumer.crash",
  STOP: "consumer.stop",
  DISCONNECT: "consumer.disconnect",
} as const;

function setUp() {
  const emitter = new EventEmitter();
  const consumer = {
    events: EVENTS,
    on: (name: string, fn: (e: unknown) => void) => emitter.on(name, fn),
  } as unknown as Consumer;
  const readiness = new Readiness({});
  const lag = { lags: [], error: undefined } as unknown as LagTracker;
  const monitor = new SinkMonitor(readiness, lag, "g", ["t"], "test");
  monitor.consumerCreated(consumer);
  const emit = (name: string, payload: unknown) => emitter.emit(name, { payload });
  return { monitor, emit };
}

const join = { memberAssignment: { t: [0, 1, 2] } };
const kafkaAway = { error: new Error("Connection error: connect ECONNREFUSED"), restart: true };

Deno.test("a Kafka outage: liveness stays 200 through kafkajs's restarts and the consumer runs again", () => {
  const { monitor, emit } = setUp();
  emit(EVENTS.GROUP_JOIN, join);
  assert.ok(monitor.liveness().ok);
  for (let i = 0; i < 20; i++) {
    emit(EVENTS.CRASH, kafkaAway);
    emit(EVENTS.STOP, {});
  }
  const during = monitor.snapshot();
  assert.ok(during.live.ok, `an outage is not the end of the consumer: ${during.live.reasons}`);
  assert.equal(during.consumer.running, false);
  assert.equal(during.consumer.restarting, true);
  assert.match(sinkPage(during), /consumer restarting/);
  emit(EVENTS.GROUP_JOIN, join);
  emit(EVENTS.FETCH_START, {});
  const after = monitor.snapshot();
  assert.ok(after.live.ok);
  assert.deepEqual(after.live.reasons, []);
  assert.equal(after.healthy, true, "status.json says healthy once it runs again");
  assert.equal(after.consumer.running, true);
  assert.equal(after.consumer.restarting, undefined);
  const page = sinkPage(after);
  assert.match(page, /consumer running · 3 partitions assigned/);
  assert.doesNotMatch(page, /class="err"/, "no red error beside a running consumer");
});

Deno.test("a crash kafkajs will not restart from, or the sink stopping, ends liveness", () => {
  const a = setUp();
  a.emit(EVENTS.GROUP_JOIN, join);
  a.emit(EVENTS.CRASH, { error: new Error("a bug"), restart: false });
  a.emit(EVENTS.STOP, {});
  assert.equal(a.monitor.liveness().ok, false);
  assert.match(a.monitor.liveness().reasons.join(), /the consumer crashed: a bug/);
  const b = setUp();
  b.emit(EVENTS.GROUP_JOIN, join);
  b.monitor.sinkStopped("Kafka consumer stuck");
  assert.match(b.monitor.liveness().reasons.join(), /the sink has stopped: Kafka consumer stuck/);
});

Deno.test("the page and gateway status say how the writes go: records/s, latency, slow", () => {
  let now = 0;
  const { monitor, emit } = setUp();
  emit(EVENTS.GROUP_JOIN, join);
  const writes = new WriteTracker(() => now);
  monitor.writesTracked(writes);
  const done = writes.writeStarted();
  now += 4000;
  done(true);
  writes.recordsWritten(100);
  const s = monitor.snapshot();
  assert.equal(s.writes?.store, "slow");
  assert.match(sinkPage(s), /writing 25 records\/s, bulk write 4 s \(max 4 s\), MongoDB slow/);
  assert.match(sinkPage(s), /MongoDB is slow: the last bulk write took 4 s/);
  const text = statusText([{ url: "http://x", reachable: true, status: s }], false);
  assert.match(text, /writing 25 records\/s, bulk write 4 s \(max 4 s\), MongoDB slow/);
});
