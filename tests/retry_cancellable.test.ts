import { deepEqual, equal, rejects } from "node:assert/strict";
import { delay, giveUp, retry } from "../src/util/retry.ts";

Deno.test("retry: an abort during a long backoff rejects at once with the signal's reason", async () => {
  const controller = new AbortController();
  let calls = 0;
  const started = performance.now();
  const running = retry(() => {
    calls++;
    throw new Error("down");
  }, { signal: controller.signal, minDelayMs: 60_000, jitter: false });
  setTimeout(() => controller.abort(new Error("stopped")), 50);
  await rejects(running, /stopped/);
  equal(calls, 1);
  equal(performance.now() - started < 1_000, true);
});

Deno.test("retry: retries until success and reports each delay", async () => {
  const delays: number[] = [];
  const result = await retry((attempt) => {
    if (attempt < 3) throw new Error(`fail ${attempt}`);
    return attempt;
  }, { minDelayMs: 1, factor: 2, jitter: false, onRetry: (_e, info) => delays.push(info.delayMs) });
  equal(result, 3);
  deepEqual(delays, [1, 2]);
});

Deno.test("retry: a non-retryable error and giveUp reject with that error, no second attempt", async () => {
  let calls = 0;
  await rejects(
    retry(() => {
      calls++;
      throw new RangeError("bad config");
    }, { minDelayMs: 1, retryable: (e) => !(e instanceof RangeError) }),
    RangeError,
  );
  equal(calls, 1);
  await rejects(retry(() => giveUp(new Error("for good")), { minDelayMs: 1 }), /for good/);
});

Deno.test("retry: attempts bounds the tries; non-Error throws are retried too", async () => {
  let calls = 0;
  await rejects(
    retry(() => {
      calls++;
      throw "text";
    }, { minDelayMs: 1, attempts: 3 }),
  );
  equal(calls, 3);
});

Deno.test("delay: resolves after the time, rejects at once on abort", async () => {
  await delay(5);
  const controller = new AbortController();
  const started = performance.now();
  const waiting = delay(60_000, controller.signal);
  controller.abort(new Error("stop"));
  await rejects(waiting, /stop/);
  equal(performance.now() - started < 1_000, true);
  await rejects(delay(10, AbortSignal.abort(new Error("already"))), /already/);
});

Deno.test("retry: a TypeError waits its backoff like any failure (p-retry would re-throw it at once)", async () => {
  // Abort during the announced backoff: if the TypeError skipped the delay, retry would reject
  // with it instead of the abort reason.
  const controller = new AbortController();
  let calls = 0;
  const announced: number[] = [];
  const running = retry(() => {
    calls++;
    throw new TypeError("data.readUInt8 is not a function");
  }, {
    signal: controller.signal,
    minDelayMs: 10_000,
    jitter: false,
    onRetry: (error, info) => {
      equal(error instanceof TypeError, true, "onRetry sees the original TypeError");
      announced.push(info.delayMs);
      setTimeout(() => controller.abort(new Error("stopped")), 0);
    },
  });
  await rejects(running, /stopped/);
  equal(calls, 1);
  deepEqual(announced, [10_000]);
});

Deno.test("retry: the final rejection is what fn threw, TypeError and non-Error alike", async () => {
  await rejects(
    retry(() => {
      throw new TypeError("bad");
    }, { minDelayMs: 1, attempts: 2 }),
    TypeError,
  );
  let caught: unknown;
  await retry(() => {
    throw "text";
  }, { minDelayMs: 1, attempts: 2 }).catch((e) => (caught = e));
  equal(caught, "text");
});
