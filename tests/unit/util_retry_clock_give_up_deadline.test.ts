/** The retry, give-up and deadline vocabulary (pure, with an injected clock: no sleeping). */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import {
  backoffDelay,
  deadline,
  DeadlineError,
  delay,
  giveUp,
  GiveUpClock,
  GiveUpError,
  retry,
} from "../../src/util/retry.ts";
import { FakeClock } from "../_support/fake_clock.ts";

Deno.test("backoffDelay: min × factor^(attempt-1), capped, jitter ×1..2", () => {
  const o = { minDelayMs: 500, maxDelayMs: 10_000, factor: 2, jitter: false };
  deepEqual([1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelay(a, o)), [
    500,
    1000,
    2000,
    4000,
    8000,
    10_000,
    10_000,
  ]);
  equal(backoffDelay(1, { ...o, jitter: true, random: () => 0 }), 500);
  equal(backoffDelay(1, { ...o, jitter: true, random: () => 0.5 }), 750);
  equal(backoffDelay(3, { ...o, jitter: true, random: () => 0.999 }), 3998);
  equal(backoffDelay(6, { ...o, jitter: true, random: () => 0.5 }), 10_000, "capped after jitter");
  equal(backoffDelay(1, { jitter: false }), 500, "defaults: 500 ms first");
  equal(backoffDelay(20, { jitter: false }), 30_000, "defaults: 30 s at most");
});

Deno.test("retry: waits exactly the backoff between attempts, on the injected clock", async () => {
  const clock = new FakeClock();
  const at: number[] = [];
  const infos: unknown[] = [];
  const running = retry((attempt) => {
    at.push(clock.now());
    if (attempt < 4) throw new Error(`fail ${attempt}`);
    return "done";
  }, {
    clock,
    minDelayMs: 100,
    maxDelayMs: 300,
    jitter: false,
    onRetry: (e, info) => infos.push([(e as Error).message, info]),
  });
  await clock.advance(99);
  equal(at.length, 1, "no second attempt before 100 ms");
  await clock.advance(1);
  equal(at.length, 2);
  await clock.advance(200 + 300);
  equal(await running, "done");
  deepEqual(at.map((t) => t - at[0]), [0, 100, 300, 600]);
  deepEqual(clock.asked, [100, 200, 300]);
  deepEqual(infos, [
    ["fail 1", { attempt: 1, delayMs: 100 }],
    ["fail 2", { attempt: 2, delayMs: 200 }],
    ["fail 3", { attempt: 3, delayMs: 300 }],
  ]);
});

Deno.test("retry: maxElapsedMs shortens the last delay and then rejects with the last error", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const running = retry(() => {
    calls++;
    throw new Error(`fail ${calls}`);
  }, { clock, minDelayMs: 400, jitter: false, maxElapsedMs: 1000 });
  const outcome = rejects(running, /fail 3/);
  await clock.advance(1000);
  await outcome;
  deepEqual(clock.asked, [400, 600], "400, then what is left of the 1000 ms");
  equal(calls, 3);
});

Deno.test("retry: attempts, giveUp and retryable end it without another attempt", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const bounded = rejects(
    retry(() => {
      calls++;
      throw "text";
    }, { clock, minDelayMs: 10, jitter: false, attempts: 3 }),
    (e) => e === "text",
  );
  await clock.advance(30);
  await bounded;
  equal(calls, 3);
  const cause = new Error("for good");
  await rejects(retry(() => giveUp(cause), { clock }), (e) => e === cause);
  await rejects(
    retry(() => {
      throw new RangeError("bad");
    }, { clock, retryable: (e) => !(e instanceof RangeError) }),
    RangeError,
  );
  equal(clock.pending, 0, "no timer left behind");
});

Deno.test("retry and delay: an abort ends the wait at once with the signal's reason", async () => {
  const clock = new FakeClock();
  const controller = new AbortController();
  let calls = 0;
  const running = retry(() => {
    calls++;
    throw new Error("down");
  }, { clock, signal: controller.signal, minDelayMs: 60_000, jitter: false });
  await clock.advance(0);
  equal(clock.pending, 1);
  controller.abort(new Error("stopped"));
  await rejects(running, /stopped/);
  equal(calls, 1);
  equal(clock.pending, 0, "the backoff timer is cleared");
  await rejects(delay(10, AbortSignal.abort(new Error("already")), clock), /already/);
  const waiting = delay(50, undefined, clock);
  await clock.advance(50);
  await waiting;
});

Deno.test("GiveUpClock: counted failures for limitMs give up; a reset starts it anew", () => {
  let now = 0;
  const clock = new GiveUpClock(10_000, () => now);
  equal(clock.failingForMs, undefined);
  equal(clock.failed(new Error("refused")), undefined, "the first failure starts the clock");
  now = 9_999;
  equal(clock.failed(new Error("refused")), undefined);
  equal(clock.failingForMs, 9_999);
  clock.reset();
  equal(clock.failingForMs, undefined);
  now = 15_000;
  equal(clock.failed(new Error("refused")), undefined, "anew after the reset");
  now = 24_999;
  equal(clock.failed(new Error("refused")), undefined);
  now = 25_000;
  const cause = new Error("authentication failed");
  const up = clock.failed(cause);
  ok(up instanceof GiveUpError);
  equal(up.cause, cause, "the cause is kept");
  equal(up.limitMs, 10_000);
  equal(up.message, "authentication failed; still failing after --give-up-after 10 s");
  equal(
    clock.failed(cause, "MongoDB refuses the credentials")?.message,
    "MongoDB refuses the credentials; still failing after --give-up-after 10 s",
  );
});

Deno.test("GiveUpClock: limit 0 never gives up", () => {
  let now = 0;
  const clock = new GiveUpClock(0, () => now);
  clock.failed("x");
  now = 86_400_000 * 365;
  equal(clock.failed("x"), undefined);
});

Deno.test("deadline: the value in time; a DeadlineError after exactly ms; the timer cleared", async () => {
  const clock = new FakeClock();
  let resolveIt!: (v: string) => void;
  const slow = new Promise<string>((r) => (resolveIt = r));
  const inTime = deadline(slow, 1000, { clock, what: "connect" });
  await clock.advance(999);
  resolveIt("ok");
  equal(await inTime, "ok");
  equal(clock.pending, 0);

  const never = new Promise<string>(() => {});
  const late = deadline(never, 3000, { clock, what: "disconnect" });
  let settled = false;
  late.catch(() => (settled = true));
  await clock.advance(2999);
  equal(settled, false);
  await clock.advance(1);
  const error = await late.catch((e) => e);
  ok(error instanceof DeadlineError);
  equal(error.message, "disconnect timed out after 3000 ms");
  equal(error.what, "disconnect");
  equal(error.ms, 3000);
});

Deno.test("deadline: the promise's own rejection, or the signal's reason, comes first", async () => {
  const clock = new FakeClock();
  await rejects(deadline(Promise.reject(new Error("refused")), 1000, { clock }), /refused/);
  equal(clock.pending, 0);
  const controller = new AbortController();
  const waiting = deadline(new Promise(() => {}), 1000, { clock, signal: controller.signal });
  controller.abort(new Error("stopping"));
  await rejects(waiting, /stopping/);
  equal(clock.pending, 0);
  await rejects(
    deadline(new Promise(() => {}), 1000, { clock, signal: AbortSignal.abort(new Error("gone")) }),
    /gone/,
  );
});
