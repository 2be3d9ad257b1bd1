/** The seam between the sink's Kafka/MongoDB loop and the pure record logic (decode, KCQL, shape). */
import type { TimeSeriesOptions } from "../kcql/plan_types.ts";
import type { Disposition, IncomingRecord } from "./record.ts";

export interface CollectionTarget {
  collection: string;
  batchSize: number;
}

/** A collection the statements write as a MongoDB time series collection. */
export interface TimeSeriesCollection {
  collection: string;
  timeseries: TimeSeriesOptions;
}

export interface RecordPipeline {
  /** Where records of `topic` go, and in bulk writes of what size. */
  targetOf(topic: string): CollectionTarget;
  /** What becomes of one record: a write operation, a dead letter, or nothing. */
  prepare(record: IncomingRecord): Promise<Disposition>;
  /** Collections to create as time series before the first write (io/time_series_collections.ts). */
  timeSeriesCollections(): TimeSeriesCollection[];
}
