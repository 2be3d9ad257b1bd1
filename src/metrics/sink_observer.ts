/**
 * What `gateway sink` tells its observer (metrics, health, the status page).
 * The sink loop calls these at a few points and knows nothing of Prometheus or HTTP.
 */
import type { Consumer } from "kafkajs";
import type { WriteTracker } from "../sink/io/write_progress.ts";

/** What became of consumed records. */
export type RecordOutcome = "written" | "dead_lettered" | "skipped";
export const RECORD_OUTCOMES: readonly RecordOutcome[] = ["written", "dead_lettered", "skipped"];

export interface SinkObserver {
  /** The consumer exists: the observer follows its events (join, crash, stop). */
  consumerCreated(consumer: Consumer): void;
  /** `n` records of `topic`/`partition` reached `outcome`. */
  recordsSettled(topic: string, partition: number, outcome: RecordOutcome, n: number): void;
  /** The sink's writes are followed by `tracker` (records/s, latency, slow or down). */
  writesTracked(tracker: WriteTracker): void;
  /** One bulk write to the store took `seconds`. */
  batchWritten(seconds: number): void;
  /** The last error met on a partition (a write retried, rejected, or the store away). */
  partitionError(topic: string, partition: number, message: string): void;
  /** The sink loop has ended (stop, or a fatal error). */
  sinkStopped(reason: string): void;
}
