/**
 * Ordered bulk writes with the connector's error policy.
 * - The store away (`unavailable`): retried with backoff until it is back or the batch is
 *   abandoned (stop, partition lost); nothing is committed meanwhile.
 * - Credentials refused or the certificate not trusted (`auth`, `tls`): retried the same way, but
 *   only for `giveUpAfterMs`; then {@linkcode SinkWriteError} with `configuration` set stops the
 *   sink. Never a per-record rejection: nothing is dead-lettered.
 * - A write the store rejects, or an error of no known kind: NOOP skips that record (the caller
 *   dead-letters it), THROW stops the sink, RETRY retries it `maxRetries` times
 *   `retryIntervalMs` apart and then stops the sink.
 * - A duplicate key on an insert whose stored document equals the one written (a replay after
 *   a crash, or a retry after an outage) counts as written.
 * - UPSERT's replace-by-`_id` is first tried as an insert: a new `_id` (every new reading under
 *   `PK reading_id`) is then an insert, which FerretDB 1.24 checks against its unique `_id`
 *   index, where it finds the document a replace-upsert names by scanning the collection
 *   (measured, ordered bulks of 100 new string ids: 233 replace-upserts/s against 11,150 inserts/s
 *   into 10,000 documents; 9/s against 10,369/s into 200,000). The first duplicate key of a
 *   batch, an `_id` already stored, writes that operation and the rest of the batch as the
 *   replace-upserts they are; the end state is the same as replacing from the start.
 */
import type { Document, FindOptions } from "mongodb";
import { delay, giveUp, GiveUpClock, type GiveUpError, retry } from "../../util/retry.ts";
import {
  appliedBeforeFailure,
  classifyMongoError,
  describeMongoFailure,
  type FailureKind,
  writeErrorCode,
} from "./mongo_errors.ts";
import { sameDocument } from "./same_document.ts";
import type { ErrorPolicy } from "../policies.ts";
import type { WriteModel } from "../shape/write_models.ts";

/** The part of a MongoDB collection the writer needs (a `Collection` is one). */
export interface WriteTarget {
  bulkWrite(ops: WriteModel[], options: { ordered: true }): Promise<unknown>;
  /** `options`: the stored values as BSON types (Int32, Long, Double, Binary), not promoted. */
  findOne(filter: Document, options: FindOptions): Promise<Document | null>;
}

export interface WritePolicy {
  errorPolicy: ErrorPolicy;
  maxRetries: number;
  retryIntervalMs: number;
  /** Backoff bounds while the store is unreachable. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long refused credentials or an untrusted certificate are retried (0 or absent: forever). */
  giveUpAfterMs?: number;
}

export interface WriteHooks {
  /** Aborts once the sink is stopping or lost the partition: give up without committing. */
  signal: AbortSignal;
  onUnavailable(error: unknown, attempt: number, kind: FailureKind): void;
  onRejected(index: number, error: unknown, retrying: boolean, kind: FailureKind): void;
}

export interface RejectedWrite {
  /** Index into the operations passed in. */
  index: number;
  code?: number;
  message: string;
  /** The error's class, for the dead letter. */
  errorClass: string;
}

export interface WriteOutcome {
  applied: number;
  rejected: RejectedWrite[];
}

/**
 * The write of a batch could not complete and the sink must stop; operations before `applied`
 * are settled (in the store, or rejected under NOOP and listed in `rejected`).
 */
export class SinkWriteError extends Error {
  override name = "SinkWriteError";
  constructor(
    message: string,
    readonly applied: number,
    readonly rejected: RejectedWrite[],
    override readonly cause?: unknown,
    /** True for refused credentials / untrusted certificates: a configuration error. */
    readonly configuration = false,
  ) {
    super(message);
  }
}

/**
 * The write was abandoned (stopping, partition lost); operations before `applied` are settled
 * (in the store, or rejected under NOOP and listed in `rejected`: they must be dead-lettered
 * before anything past them is committed).
 */
export class WriteAbortedError extends Error {
  override name = "WriteAbortedError";
  constructor(readonly applied: number, readonly rejected: RejectedWrite[]) {
    super("the write was abandoned: nothing committed past what was settled");
  }
}

const DUPLICATE_KEY = 11000;
const PAUSING: ReadonlySet<FailureKind> = new Set(["unavailable", "auth", "tls"]);

class Paused extends Error {
  constructor(
    readonly kind: FailureKind,
    override readonly cause: unknown,
    /** Set when `--give-up-after` ran out: the write stops the sink. */
    readonly gaveUp?: GiveUpError,
  ) {
    super("paused");
  }
}

/** A replace-upsert matched on `_id` alone (UPSERT INTO ... PK ...). */
function isUpsertById(op: WriteModel): boolean {
  if (!("replaceOne" in op)) return false;
  const { filter, upsert } = op.replaceOne;
  const keys = Object.keys(filter);
  return upsert === true && keys.length === 1 && keys[0] === "_id";
}

/** The insert that a replace-upsert by `_id` amounts to when no document has that `_id`. */
function asInsert(op: WriteModel): WriteModel {
  if (!("replaceOne" in op)) return op;
  const { filter, replacement } = op.replaceOne;
  return { insertOne: { document: { ...replacement, _id: filter._id as Document["_id"] } } };
}

export async function writeOrdered(
  collection: WriteTarget,
  ops: WriteModel[],
  policy: WritePolicy,
  hooks: WriteHooks,
): Promise<WriteOutcome> {
  const minBackoffMs = policy.minBackoffMs ?? 250;
  const rejected: RejectedWrite[] = [];
  let start = 0;
  let retriesOfRejected = 0;
  // Operations before `insertFirstUpTo` that are replace-upserts by _id are written as inserts.
  let insertFirstUpTo = ops.some(isUpsertById) ? ops.length : 0;
  const written = (from: number) =>
    ops.slice(from).map((op, i) =>
      from + i < insertFirstUpTo && isUpsertById(op) ? asInsert(op) : op
    );
  while (start < ops.length) {
    const slice = insertFirstUpTo > start ? written(start) : start === 0 ? ops : ops.slice(start);
    let failure: unknown;
    // Refused credentials or certificate count; a store that is away ends that episode (it is
    // waited for, without limit).
    const configuration = new GiveUpClock(policy.giveUpAfterMs ?? 0);
    try {
      await retry(async () => {
        try {
          await collection.bulkWrite(slice, { ordered: true });
        } catch (error) {
          const kind = classifyMongoError(error);
          if (!PAUSING.has(kind)) giveUp(error instanceof Error ? error : new Error(String(error)));
          if (kind === "auth" || kind === "tls") {
            const up = configuration.failed(error, describeMongoFailure(kind, error));
            if (up) giveUp(new Paused(kind, error, up));
          } else {
            configuration.reset();
          }
          // Anything applied before an outage is in the store: go on after it.
          throw new Paused(kind, error);
        }
      }, {
        signal: hooks.signal,
        minDelayMs: minBackoffMs,
        maxDelayMs: policy.maxBackoffMs ?? 10_000,
        onRetry: (error, info) => {
          const p = error as Paused;
          hooks.onUnavailable(p.cause, info.attempt, p.kind);
        },
      });
      return { applied: ops.length - rejected.length, rejected };
    } catch (error) {
      if (hooks.signal.aborted) throw new WriteAbortedError(start, rejected);
      if (error instanceof Paused) {
        throw new SinkWriteError(
          `${error.gaveUp?.message ?? describeMongoFailure(error.kind, error.cause)}: stopping`,
          start,
          rejected,
          error.cause,
          true,
        );
      }
      failure = error;
    }
    const kind = classifyMongoError(failure);
    const failedAt = start + appliedBeforeFailure(failure);
    const code = writeErrorCode(failure);
    if (code === DUPLICATE_KEY && failedAt < insertFirstUpTo && isUpsertById(ops[failedAt])) {
      // The _id is stored: from here on, this batch replaces as UPSERT says.
      insertFirstUpTo = failedAt;
      start = failedAt;
      continue;
    }
    // An insert whose document is already stored exactly (a replay, or a retry after an
    // outage): that duplicate is a success.
    if (code === DUPLICATE_KEY) {
      const stored = await isStoredCopy(collection, ops[failedAt]);
      if (stored === true) {
        start = failedAt + 1;
        continue;
      }
      if (stored === "store-away") {
        // The store went away between the write and the look: write again from the same place
        // once it answers (the bulk write's own retry waits for it).
        await waitToWriteAgain(minBackoffMs, hooks.signal, failedAt, rejected);
        start = failedAt;
        continue;
      }
    }
    const message = failure instanceof Error ? failure.message : String(failure);
    const errorClass = failure instanceof Error ? failure.name : typeof failure;
    if (policy.errorPolicy === "NOOP") {
      hooks.onRejected(failedAt, failure, false, kind);
      rejected.push({ index: failedAt, code, message, errorClass });
      start = failedAt + 1;
      continue;
    }
    if (policy.errorPolicy === "RETRY" && retriesOfRejected < policy.maxRetries) {
      retriesOfRejected++;
      hooks.onRejected(failedAt, failure, true, kind);
      await waitToWriteAgain(policy.retryIntervalMs, hooks.signal, failedAt, rejected);
      start = failedAt;
      continue;
    }
    throw new SinkWriteError(
      `MongoDB ${kind === "unknown" ? `failed a write with ${errorClass}` : "rejected a write"} ` +
        `(${message})` +
        (policy.errorPolicy === "RETRY" ? ` after ${policy.maxRetries} retries` : "") +
        `; error policy ${policy.errorPolicy} stops the sink`,
      failedAt,
      rejected,
      failure,
    );
  }
  return { applied: ops.length - rejected.length, rejected };
}

/**
 * Waits `ms` before an ordered write goes on again from `failedAt`. A stop abandons it: the
 * operations before `failedAt` were applied (an ordered write stops at its first failure).
 */
async function waitToWriteAgain(
  ms: number,
  signal: AbortSignal,
  failedAt: number,
  rejected: RejectedWrite[],
): Promise<void> {
  try {
    await delay(ms, signal);
  } catch {
    throw new WriteAbortedError(failedAt, rejected);
  }
}

/**
 * Whether `op` is an insert whose document is in the store as it is; `store-away` when the look
 * failed because the store went away (never taken for "not stored": that would reject a record
 * the store may hold).
 */
async function isStoredCopy(
  collection: WriteTarget,
  op: WriteModel | undefined,
): Promise<boolean | "store-away"> {
  if (!op || !("insertOne" in op)) return false;
  const document = op.insertOne.document as Document;
  if (document._id === undefined) return false;
  try {
    const stored = await collection.findOne({ _id: document._id }, {
      promoteValues: false,
      promoteLongs: false,
      promoteBuffers: false,
    });
    return stored !== null && sameDocument(stored, document);
  } catch (error) {
    return PAUSING.has(classifyMongoError(error)) ? "store-away" : false;
  }
}
