/** When a consumer counts as stuck (pure). */
import assert from "node:assert/strict";
import { isStalled, StallClock, waitingRecords } from "../../src/sink/io/stall_watch.ts";

Deno.test("records wait where the committed offset (or the log start) is below the high watermark", () => {
  assert.deepEqual(
    waitingRecords([
      { topic: "t", partition: 0, committed: 15, low: 0, high: 50 },
      { topic: "t", partition: 1, committed: 50, low: 0, high: 50 },
      { topic: "t", partition: 2, committed: -1, low: 10, high: 12 },
      { topic: "t", partition: 3, committed: 115, low: 0, high: 35 },
    ]),
    [
      ["t/0", "35 records"],
      ["t/2", "2 records"],
      ["t/3", "committed offset 115 past the log end 35 (topic re-created?)"],
    ],
  );
});

Deno.test("stuck only with records waiting, no batch in hand and none for the stall time", () => {
  const waiting: [string, string][] = [["t/0", "35 records"]];
  assert.ok(isStalled(waiting, 0, 20_000, 20_000));
  assert.ok(!isStalled(waiting, 1, 60_000, 20_000), "a batch in hand (a store outage) is no stall");
  assert.ok(!isStalled(waiting, 0, 19_999, 20_000));
  assert.ok(!isStalled([], 0, 60_000, 20_000), "nothing waiting is idle, not stuck");
});

Deno.test("a broker outage longer than the stall time is no stall: the clock counts from Kafka's return", () => {
  let now = 0;
  const clock = new StallClock(() => now);
  const waiting: [string, string][] = [["t/0", "35 records"]];
  const stallMs = 120_000;
  // Kafka away for 157 s: kafkajs restarts its consumer every 1.4 s, each a sign of the outage.
  for (; now < 157_000; now += 1400) clock.kafkaAway();
  now = 160_000; // the broker is back; the consumer rejoins a few seconds later
  assert.ok(!isStalled(waiting, 0, clock.idleMs(), stallMs), "the outage is not counted");
  clock.progressed();
  now += stallMs - 1;
  assert.ok(!isStalled(waiting, 0, clock.idleMs(), stallMs));
  now += 1;
  assert.ok(isStalled(waiting, 0, clock.idleMs(), stallMs), "with Kafka, records and no batch");
});
