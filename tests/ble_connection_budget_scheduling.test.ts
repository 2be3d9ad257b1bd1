/** The connection budget's scheduling, by itself: slots, turns, learning from a refusal. */
import assert from "node:assert/strict";
import {
  ConnectionBudget,
  hciStatusOf,
  isConnectionRefusal,
  MAX_CONNECTIONS_OPTION,
} from "../src/ble/connection_budget.ts";

Deno.test("unknown budget: every tag gets a slot and all fit", () => {
  const b = new ConnectionBudget();
  for (const t of ["a", "b", "c"]) b.request(t, 0);
  assert.deepEqual(b.grant(0), ["a", "b", "c"]);
  assert.equal(b.fitsAll(100), true);
});

Deno.test("the first refusal sets the budget to the links up then", () => {
  const b = new ConnectionBudget();
  for (const t of ["a", "b", "c", "d"]) b.request(t, 0);
  b.grant(0);
  assert.equal(b.refused("d", 3), 3);
  assert.equal(b.limit, 3);
  assert.equal(b.learned, true);
  assert.equal(b.fitsAll(3), true);
  assert.equal(b.fitsAll(4), false);
  assert.deepEqual([...b.held], ["a", "b", "c"]);
  // A refusal never raises the budget, and it is at least 1.
  b.release("a");
  b.release("b");
  b.release("c");
  b.request("a", 0);
  b.grant(0);
  assert.equal(b.refused("a", 0), 1);
});

Deno.test("a given budget is a hard limit; a refusal below it lowers it", () => {
  const b = new ConnectionBudget(2);
  assert.equal(b.learned, false);
  for (const t of ["a", "b", "c"]) b.request(t, 0);
  assert.deepEqual(b.grant(0), ["a", "b"]);
  assert.deepEqual(b.grant(0), []);
  b.release("a");
  assert.deepEqual(b.grant(0), ["c"]);
  b.request("x", 0);
  assert.equal(b.refused("c", 1), 1);
  assert.throws(() => new ConnectionBudget(0), RangeError);
});

Deno.test("turns: free slots go to the earliest due, never before it is due", () => {
  const b = new ConnectionBudget(1);
  b.request("late", 5_000);
  b.request("early", 1_000);
  b.request("middle", 3_000);
  assert.deepEqual(b.grant(500), [], "nothing is due yet");
  assert.equal(b.nextDueIn(500), 500);
  assert.deepEqual(b.grant(10_000), ["early"]);
  assert.deepEqual(b.grant(10_000), [], "the one slot is held");
  b.release("early");
  assert.deepEqual(b.grant(10_000), ["middle"]);
  b.release("middle");
  b.request("early", 11_000);
  assert.deepEqual(b.grant(10_000), ["late"]);
  b.release("late");
  assert.equal(b.nextDueIn(10_000), 1_000);
  b.withdraw("early");
  assert.equal(b.nextDueIn(10_000), undefined);
});

Deno.test("3N tags on N slots, each reading taking 1/3 interval: every tag is served every interval", () => {
  // A simulated clock: each visit holds its slot for a third of the interval.
  const n = 4, interval = 3_000, visit = 1_000;
  const b = new ConnectionBudget(n);
  const tags = Array.from({ length: 3 * n }, (_, i) => `t${i}`);
  const served = new Map<string, number[]>(tags.map((t) => [t, []]));
  const busyUntil = new Map<string, number>();
  for (const t of tags) b.request(t, 0);
  for (let now = 0; now < 10 * interval; now += 100) {
    for (const [t, until] of busyUntil) {
      if (until <= now) {
        busyUntil.delete(t);
        b.release(t);
        const last = served.get(t)!.at(-1)!;
        b.request(t, last + interval);
      }
    }
    for (const t of b.grant(now)) {
      served.get(t)!.push(now);
      busyUntil.set(t, now + visit);
    }
  }
  for (const [t, times] of served) {
    assert.ok(times.length >= 9, `${t} served ${times.length} times in 10 intervals`);
    for (let i = 1; i < times.length; i++) {
      assert.ok(times[i] - times[i - 1] <= interval, `${t} waited ${times[i] - times[i - 1]} ms`);
    }
  }
});

Deno.test("refusals are recognised by the HCI status noble puts at the end of the message", () => {
  assert.equal(hciStatusOf(new Error("Connection Limit Exceeded (0x9)")), 0x09);
  assert.equal(isConnectionRefusal(new Error("Connection Limit Exceeded (0x9)")), true);
  assert.equal(isConnectionRefusal(new Error("Memory Capacity Exceeded (0x07)")), true);
  assert.equal(isConnectionRefusal(new Error("Connection Timeout (0x8)")), false);
  assert.equal(isConnectionRefusal(new Error("connect timed out after 15000 ms")), false);
  assert.equal(isConnectionRefusal(undefined), false);
});

Deno.test("--max-connections / GATEWAY_MAX_CONNECTIONS: a whole number from 1, defined once", () => {
  assert.equal(MAX_CONNECTIONS_OPTION.flag, "--max-connections <n>");
  assert.equal(MAX_CONNECTIONS_OPTION.env, "GATEWAY_MAX_CONNECTIONS");
  assert.equal(MAX_CONNECTIONS_OPTION.default, undefined, "default: learned");
  assert.equal(MAX_CONNECTIONS_OPTION.parse!(" 8 "), 8);
  for (const bad of ["0", "-1", "1.5", "eight", "", "1001"]) {
    assert.throws(() => MAX_CONNECTIONS_OPTION.parse!(bad), /--max-connections must be/, bad);
  }
});
