/**
 * The plan of one KCQL statement: what it asks of the MongoDB sink, as a
 * plain JSON-able object. Types only (and the default BATCH), so that the
 * parser, the semantic checks and the plan builder all import them from
 * here and the modules depend on each other in one direction:
 * lexer → parser → semantics → plan.
 */
import type { KcqlWarning } from "./errors.ts";

export type WriteMode = "insert" | "upsert" | "update";

/**
 * Where a field is read from: the record value, its key, one of its headers,
 * or the record's metadata (`_.topic`, `_.partition`, `_.offset`, `_.timestamp`).
 */
export type FieldKind = "value" | "key" | "header" | "meta";

export type MetaName = "topic" | "partition" | "offset" | "timestamp";

export interface FieldRef {
  kind: FieldKind;
  /**
   * The path inside that source: for `value` and `key` the nested field names
   * (`[]` is the whole key); for `header` the header name, then the nested
   * field names inside its value (`[]`: all headers, for a spread); for
   * `meta` one MetaName.
   */
  path: string[];
}

export interface SelectedField extends FieldRef {
  /** The top-level document field it is written to; `*` for a spread (`spread: true`). */
  alias: string;
  /**
   * `a.b.*`, `_key.*`, `_.key.*`, `_header.*`, `_header.h.*`: every field of
   * the record at `path` is written at the top level, under its own name.
   */
  spread?: true;
}

export interface PrimaryKey extends FieldRef {
  /** Its name inside a composite `_id` (the path's last segment, as the connector does). */
  name: string;
}

export type TimeSeriesGranularity = "seconds" | "minutes" | "hours";

/** Options for creating the target as a MongoDB time-series collection. */
export interface TimeSeriesOptions {
  timeField: string;
  metaField?: string;
  granularity?: TimeSeriesGranularity;
  bucketMaxSpanSeconds?: number;
  bucketRoundingSeconds?: number;
  /** A collection option beside `timeseries`: documents older than this are removed. */
  expireAfterSeconds?: number;
}

export interface KcqlPlan {
  writeMode: WriteMode;
  /** The MongoDB collection. */
  target: string;
  /** The Kafka topic. */
  source: string;
  /** The listed fields, in SELECT order (`*` is `selectAll`). */
  fields: SelectedField[];
  selectAll: boolean;
  /** Value paths removed from the document (IGNORE). */
  ignored: string[][];
  /** In KCQL order; empty for INSERT (the connector ignores PK there). */
  primaryKeys: PrimaryKey[];
  batchSize: number;
  timeseries?: TimeSeriesOptions;
  /** PROPERTIES as written (keys as written, values unquoted). */
  properties: Record<string, string>;
  warnings: KcqlWarning[];
}

export interface ParsedKcql {
  statements: KcqlPlan[];
  /** Every statement's warnings, in text order. */
  warnings: KcqlWarning[];
}

export const DEFAULT_BATCH_SIZE = 100;
