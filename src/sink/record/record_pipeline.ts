/** The seam between the sink's Kafka/MongoDB loop and the pure record logic (decode, KCQL, shape). */
import type { Db } from "mongodb";
import type { Logger } from "../../util/log.ts";
import type { Disposition, IncomingRecord } from "../io/partition_batch.ts";

export interface CollectionTarget {
  collection: string;
  batchSize: number;
}

export interface RecordPipeline {
  /** Where records of `topic` go, and in bulk writes of what size. */
  targetOf(topic: string): CollectionTarget;
  /** What becomes of one record: a write operation, a dead letter, or nothing. */
  prepare(record: IncomingRecord): Promise<Disposition>;
  /** Creates collections the statements need (time series) before the first write. */
  ensureCollections(db: Db, log: Logger): Promise<void>;
}
