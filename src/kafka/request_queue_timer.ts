/**
 * A fix, at its source, for kafkajs 2.2.4's request queue timer
 * (`kafkajs/src/network/requestQueue/index.js`, `scheduleCheckPendingRequests`).
 *
 * After every response kafkajs schedules the next check of its pending queue at
 * `throttledUntil - Date.now()`. When nothing is throttled `throttledUntil` is -1,
 * so the delay is minus the epoch time in milliseconds: Deno and Node then print
 * `TimeoutNegativeWarning` (on stderr, outside our logger, breaking
 * `--log-format json`) and run the check after 1 ms — and the check schedules
 * itself again, so every broker connection wakes the process about a thousand
 * times a second for as long as it is open, with nothing to do (kafkajs issues
 * #1704 and #1751; unreleased upstream).
 *
 * The replacement schedules a check only when a request actually waits: at the
 * end of a client-side throttle, or after kafkajs's own 10 ms re-check interval.
 * With nothing pending, nothing needs a timer: `push()` schedules one when a
 * request has to wait, and every response checks the queue again.
 */
import { createRequire } from "node:module";
// Node's timers, as kafkajs itself uses: its destroy() clears this handle with Node's clearTimeout.
import { setTimeout } from "node:timers";

/** kafkajs's `CHECK_PENDING_REQUESTS_INTERVAL` (ms), a constant it does not export. */
const RECHECK_MS = 10;

interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  checkPendingRequests(): void;
}

interface RequestQueueClass {
  prototype: { scheduleCheckPendingRequests(this: RequestQueueState): void };
}

let installed = false;

/**
 * The delay before the next pending-queue check, or undefined when none is needed:
 * nothing waits, or a check is already scheduled.
 */
export function nextCheckDelay(
  q: Pick<RequestQueueState, "pending" | "throttledUntil" | "throttleCheckTimeoutId">,
  now: number,
): number | undefined {
  if (q.throttleCheckTimeoutId || q.pending.length === 0) return undefined;
  const untilUnthrottled = q.throttledUntil - now;
  return untilUnthrottled > 0 ? untilUnthrottled : RECHECK_MS;
}

/**
 * Replaces kafkajs's `RequestQueue.prototype.scheduleCheckPendingRequests` (the
 * same module instance kafkajs's connections use). Idempotent.
 */
export function installRequestQueueTimerFix(): void {
  if (installed) return;
  const require = createRequire(import.meta.url);
  const RequestQueue = require("kafkajs/src/network/requestQueue/index.js") as RequestQueueClass;
  if (typeof RequestQueue?.prototype?.scheduleCheckPendingRequests !== "function") {
    throw new Error(
      "kafkajs's RequestQueue has no scheduleCheckPendingRequests: the kafkajs version changed; " +
        "review src/kafka/request_queue_timer.ts",
    );
  }
  RequestQueue.prototype.scheduleCheckPendingRequests = function () {
    const delay = nextCheckDelay(this, Date.now());
    if (delay === undefined) return;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
  installed = true;
}
