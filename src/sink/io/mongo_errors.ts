/**
 * Sorts MongoDB failures into the two kinds the sink treats differently:
 * the store being unreachable (pause, retry with backoff until it is back,
 * commit nothing) and a write the store refused (the error policy decides).
 */
import {
  MongoBulkWriteError,
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
} from "mongodb";

export type FailureKind = "unavailable" | "rejected";

const UNAVAILABLE_NAMES = new Set([
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoServerSelectionError",
  "MongoTopologyClosedError",
  "MongoNotConnectedError",
  "PoolClearedError",
  "PoolClearedOnNetworkError",
  "MongoPoolClearedError",
  "MongoServerClosedError",
]);

/** Server error codes that mean "not now" rather than "never" (shutdown, not primary, ...). */
const TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

export function classifyMongoError(error: unknown): FailureKind {
  // A write the server looked at and refused: per-document write errors.
  if (error instanceof MongoBulkWriteError) {
    const list = Array.isArray(error.writeErrors)
      ? error.writeErrors
      : error.writeErrors
      ? [error.writeErrors]
      : [];
    if (list.length > 0) return "rejected";
  }
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) {
    return "unavailable";
  }
  if (error instanceof Error && UNAVAILABLE_NAMES.has(error.name)) return "unavailable";
  if (error instanceof MongoServerError) {
    if (
      error.hasErrorLabel("RetryableWriteError") || error.hasErrorLabel("TransientTransactionError")
    ) {
      return "unavailable";
    }
    if (typeof error.code === "number" && !TRANSIENT_CODES.has(error.code)) return "rejected";
    return "unavailable";
  }
  // A document the driver cannot even encode will never be accepted.
  if (
    error instanceof MongoInvalidArgumentError ||
    (error instanceof Error && error.name === "BSONError")
  ) {
    return "rejected";
  }
  // Anything else (a connection closed under us, a timeout, ...) is the store
  // not being there: pause and retry rather than stop or dead-letter.
  return "unavailable";
}

/** For an ordered bulk write that failed: how many operations were applied before the failure. */
export function appliedBeforeFailure(error: unknown): number {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = error.writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (list.length > 0) return Math.min(...list.map((e) => e.index));
  }
  return 0;
}
