/**
 * What a KCQL statement asks of the MongoDB sink, as a plain JSON-able
 * object, and the entry points that turn KCQL text into such plans.
 */
import type { KcqlError, KcqlWarning } from "./errors.ts";
import { parseScript } from "./parser.ts";
import { SourceText } from "./position.ts";
import { buildPlan } from "./semantics.ts";
import { KcqlSemanticError } from "./errors.ts";

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
   * (`[]` is the whole key); for `header` the header name; for `meta` one
   * MetaName.
   */
  path: string[];
}

export interface SelectedField extends FieldRef {
  /** The top-level document field it is written to. */
  alias: string;
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

export interface KcqlAnalysis {
  statements: KcqlPlan[];
  warnings: KcqlWarning[];
  /** Every error found, in text order (each statement is checked on its own). */
  errors: KcqlError[];
}

/** Parses and checks all statements, collecting every error rather than stopping at the first. */
export function analyzeKcql(text: string): KcqlAnalysis {
  const source = new SourceText(text);
  const parsed = parseScript(source);
  const errors: KcqlError[] = [...parsed.errors];
  const statements: KcqlPlan[] = [];
  const bySource = new Map<string, { line: number; column: number }>();
  for (const node of parsed.statements) {
    try {
      const plan = buildPlan(node, source);
      const earlier = bySource.get(plan.source);
      if (earlier) {
        throw new KcqlSemanticError(
          `topic '${plan.source}' is already written by the statement at line ${earlier.line}, column ${earlier.column}: one statement per topic`,
          node.source.pos,
          source,
        );
      }
      bySource.set(plan.source, node.pos);
      statements.push(plan);
    } catch (e) {
      if (e instanceof KcqlSemanticError) errors.push(e);
      else throw e;
    }
  }
  errors.sort((a, b) => a.offset - b.offset);
  return { statements, warnings: statements.flatMap((s) => s.warnings), errors };
}

/**
 * Parses KCQL text: one or more statements separated by `;`.
 * Throws the first KcqlSyntaxError or KcqlSemanticError found.
 */
export function parseKcql(text: string): ParsedKcql {
  const { statements, warnings, errors } = analyzeKcql(text);
  if (errors.length > 0) throw errors[0];
  return { statements, warnings };
}

/** The plan for records of `topic`, if a statement reads that topic. */
export function planForTopic(plans: readonly KcqlPlan[], topic: string): KcqlPlan | undefined {
  return plans.find((p) => p.source === topic);
}
