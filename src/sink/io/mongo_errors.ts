/**
 * Sorts MongoDB failures into the two kinds the sink treats differently:
 * the store being unreachable (pause, retry with backoff until it is back,
 * commit nothing) and a write the store refused (the error policy decides).
 */
import {
  MongoBulkWriteError,
  MongoError,
  MongoNetworkError,
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
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) {
    return "unavailable";
  }
  if (error instanceof Error && UNAVAILABLE_NAMES.has(error.name)) return "unavailable";
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = error.writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (list.length > 0) return "rejected";
  }
  if (error instanceof MongoError) {
    if (typeof error.code === "number" && TRANSIENT_CODES.has(error.code)) return "unavailable";
    if (
      error.hasErrorLabel?.("RetryableWriteError") ||
      error.hasErrorLabel?.("TransientTransactionError")
    ) {
      return "unavailable";
    }
  }
  return "rejected";
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
