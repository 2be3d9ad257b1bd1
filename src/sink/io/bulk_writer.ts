/**
 * Ordered bulk writes with the connector's error policy.
 * - The store unreachable: retried with exponential backoff until it is back
 *   (or the sink is stopping); nothing is committed meanwhile.
 * - A write the store rejects: NOOP skips that record (it is reported and
 *   dead-lettered by the caller), THROW stops the sink, RETRY retries it
 *   `maxRetries` times `retryIntervalMs` apart and then stops the sink.
 */
import { backOff } from "exponential-backoff";
import type { AnyBulkWriteOperation, Collection, Document } from "mongodb";
import { MongoBulkWriteError } from "mongodb";
import { appliedBeforeFailure, classifyMongoError } from "./mongo_errors.ts";

export type ErrorPolicy = "NOOP" | "THROW" | "RETRY";
export const ERROR_POLICIES: readonly ErrorPolicy[] = ["NOOP", "THROW", "RETRY"];

export interface WritePolicy {
  errorPolicy: ErrorPolicy;
  maxRetries: number;
  retryIntervalMs: number;
  /** Backoff bounds while the store is unreachable. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface WriteHooks {
  /** Keeps the consumer's group membership alive while waiting. */
  heartbeat(): Promise<void>;
  /** False once the sink is stopping or lost the partition: give up without committing. */
  keepGoing(): boolean;
  onUnavailable(error: unknown, attempt: number): void;
  onRejected(index: number, error: unknown, retrying: boolean): void;
}

export interface RejectedWrite {
  /** Index into the operations passed in. */
  index: number;
  code?: number;
  message: string;
}

export interface WriteOutcome {
  applied: number;
  rejected: RejectedWrite[];
}

/** The write of a batch could not complete; `applied` operations (a prefix) are in the store. */
export class SinkWriteError extends Error {
  override name = "SinkWriteError";
  constructor(message: string, readonly applied: number, override readonly cause?: unknown) {
    super(message);
  }
}

export class WriteAbortedError extends Error {
  override name = "WriteAbortedError";
  constructor(readonly applied: number) {
    super("the sink is stopping: write abandoned, nothing committed past what was written");
  }
}

const DUPLICATE_KEY = 11000;

export async function writeOrdered(
  collection: Collection<Document>,
  ops: AnyBulkWriteOperation<Document>[],
  policy: WritePolicy,
  hooks: WriteHooks,
): Promise<WriteOutcome> {
  const rejected: RejectedWrite[] = [];
  let start = 0;
  let retriesOfRejected = 0;
  let wasUnavailable = false;
  while (start < ops.length) {
    const slice = start === 0 ? ops : ops.slice(start);
    let failure: unknown;
    try {
      await backOff(() => collection.bulkWrite(slice, { ordered: true }), {
        numOfAttempts: Number.MAX_SAFE_INTEGER,
        startingDelay: policy.minBackoffMs ?? 250,
        maxDelay: policy.maxBackoffMs ?? 10_000,
        jitter: "full",
        retry: async (error: unknown, attempt: number) => {
          if (classifyMongoError(error) !== "unavailable") return false;
          wasUnavailable = true;
          hooks.onUnavailable(error, attempt);
          if (!hooks.keepGoing()) return false;
          await hooks.heartbeat();
          return hooks.keepGoing();
        },
      });
      return { applied: ops.length - rejected.length, rejected };
    } catch (error) {
      failure = error;
    }
    if (classifyMongoError(failure) === "unavailable") throw new WriteAbortedError(start);
    const failedAt = start + appliedBeforeFailure(failure);
    const code = writeErrorCode(failure);
    // An insert retried after an outage may already be in the store (the driver
    // fixed its _id before the first attempt): that duplicate is a success.
    if (wasUnavailable && code === DUPLICATE_KEY && "insertOne" in ops[failedAt]) {
      start = failedAt + 1;
      continue;
    }
    const message = failure instanceof Error ? failure.message : String(failure);
    if (policy.errorPolicy === "NOOP") {
      hooks.onRejected(failedAt, failure, false);
      rejected.push({ index: failedAt, code, message });
      start = failedAt + 1;
      continue;
    }
    if (policy.errorPolicy === "RETRY" && retriesOfRejected < policy.maxRetries) {
      retriesOfRejected++;
      hooks.onRejected(failedAt, failure, true);
      await waitWithHeartbeats(policy.retryIntervalMs, hooks);
      if (!hooks.keepGoing()) throw new WriteAbortedError(failedAt);
      start = failedAt;
      continue;
    }
    throw new SinkWriteError(
      `MongoDB rejected a write (${message})` +
        (policy.errorPolicy === "RETRY" ? ` after ${policy.maxRetries} retries` : "") +
        `; error policy ${policy.errorPolicy} stops the sink`,
      failedAt,
      failure,
    );
  }
  return { applied: ops.length - rejected.length, rejected };
}

function writeErrorCode(error: unknown): number | undefined {
  if (error instanceof MongoBulkWriteError) {
    const list = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    const first = list.filter(Boolean).sort((a, b) => a.index - b.index)[0];
    if (first) return first.code;
  }
  const code = (error as { code?: unknown })?.code;
  return typeof code === "number" ? code : undefined;
}

async function waitWithHeartbeats(ms: number, hooks: WriteHooks): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && hooks.keepGoing()) {
    await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
    await hooks.heartbeat();
  }
}
