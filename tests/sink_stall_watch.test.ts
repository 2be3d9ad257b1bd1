/** When a consumer counts as stuck (pure). */
import assert from "node:assert/strict";
import { isStalled, waitingRecords } from "../src/sink/io/stall_watch.ts";

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
