/**
 * PROPERTIES the MongoDB sink understands: the options of a time-series
 * target collection.
 *
 *   PROPERTIES('timeseries.timeField'='time', 'timeseries.metaField'='tag',
 *              'timeseries.granularity'='seconds', 'timeseries.expireAfterSeconds'=604800)
 *
 * Keys match in any letter case. Other keys are kept in the plan and warned about.
 */
import { closestKeyword } from "./clauses.ts";
import { KcqlSemanticError, type KcqlWarning, warningAt } from "./errors.ts";
import { badFieldName } from "./fields.ts";
import type { TimeSeriesGranularity, TimeSeriesOptions } from "./plan_types.ts";
import type { SourceText } from "./position.ts";
import type { Located, PropertyNode } from "./syntax.ts";

const TIMESERIES_KEYS = {
  "TIMESERIES.TIMEFIELD": "timeField",
  "TIMESERIES.METAFIELD": "metaField",
  "TIMESERIES.GRANULARITY": "granularity",
  "TIMESERIES.BUCKETMAXSPANSECONDS": "bucketMaxSpanSeconds",
  "TIMESERIES.BUCKETROUNDINGSECONDS": "bucketRoundingSeconds",
  "TIMESERIES.EXPIREAFTERSECONDS": "expireAfterSeconds",
} as const;

type TimeSeriesKey = (typeof TIMESERIES_KEYS)[keyof typeof TIMESERIES_KEYS];

const KNOWN = [...Object.values(TIMESERIES_KEYS).map((k) => `timeseries.${k}`), "id.strategy"];
/** Values of 'id.strategy': `_id` from the driver (default) or `topic#partition#offset`. */
export const ID_STRATEGIES = ["bson-objectid", "kafka-coordinates"] as const;
const GRANULARITIES: readonly TimeSeriesGranularity[] = ["seconds", "minutes", "hours"];
/** MongoDB's limit for bucketMaxSpanSeconds: one year. */
const MAX_BUCKET_SPAN = 31_536_000;

export interface InterpretedProperties {
  properties: Record<string, string>;
  timeseries?: TimeSeriesOptions;
  warnings: KcqlWarning[];
}

export interface SelectionFacts {
  selectAll: boolean;
  /** The top-level fields the SELECT list writes. */
  outputNames: ReadonlySet<string>;
}

export function interpretProperties(
  node: Located<PropertyNode[]> | undefined,
  selection: SelectionFacts,
  source: SourceText,
): InterpretedProperties {
  const properties: Record<string, string> = {};
  const warnings: KcqlWarning[] = [];
  if (!node) return { properties, warnings };
  const fail: (message: string, at: Located<string>) => never = (message, at) => {
    throw new KcqlSemanticError(message, at.pos, source);
  };

  const seen = new Map<string, Located<string>>();
  const ts = new Map<TimeSeriesKey, PropertyNode>();
  for (const entry of node.value) {
    const upper = entry.key.value.toUpperCase();
    const first = seen.get(upper);
    if (first) {
      fail(
        `property '${entry.key.value}' is given twice (first at line ${first.pos.line}, column ${first.pos.column})`,
        entry.key,
      );
    }
    seen.set(upper, entry.key);
    properties[entry.key.value] = entry.value.value;
    if (upper in TIMESERIES_KEYS) {
      ts.set(TIMESERIES_KEYS[upper as keyof typeof TIMESERIES_KEYS], entry);
    } else if (upper === "ID.STRATEGY") {
      // Read by the sink (src/sink/record/id_strategy.ts): `_id` from the Kafka coordinates.
      if (!(ID_STRATEGIES as readonly string[]).includes(entry.value.value.toLowerCase())) {
        fail(
          `'${entry.key.value}' must be one of ${
            ID_STRATEGIES.join(", ")
          }, found '${entry.value.value}'`,
          entry.value,
        );
      }
    } else if (upper.startsWith("TIMESERIES.")) {
      const guess = closestKeyword(upper, Object.keys(TIMESERIES_KEYS));
      const hint = guess
        ? `; did you mean 'timeseries.${TIMESERIES_KEYS[guess as keyof typeof TIMESERIES_KEYS]}'?`
        : "";
      fail(
        `unknown time-series property '${entry.key.value}' (known: ${KNOWN.join(", ")})${hint}`,
        entry.key,
      );
    } else {
      warnings.push(
        warningAt(
          `property '${entry.key.value}' is not used by the MongoDB sink and is ignored (it understands ${
            KNOWN.join(", ")
          })`,
          entry.key.pos,
        ),
      );
    }
  }
  if (ts.size === 0) return { properties, warnings };

  const timeEntry = ts.get("timeField");
  if (!timeEntry) {
    const firstTs = [...ts.values()][0];
    fail(
      "a time-series collection needs 'timeseries.timeField', the field holding each document's date",
      firstTs.key,
    );
  }
  const fieldName = (entry: PropertyNode): string => {
    const bad = badFieldName(entry.value.value) ??
      (entry.value.value === "_id" ? "it is _id" : undefined);
    if (bad) fail(`'${entry.key.value}' cannot be '${entry.value.value}': ${bad}`, entry.value);
    return entry.value.value;
  };
  const seconds = (entry: PropertyNode, max = Number.MAX_SAFE_INTEGER): number => {
    const v = entry.value.value;
    if (!/^[0-9]+$/.test(v) || Number(v) <= 0 || Number(v) > max) {
      fail(
        `'${entry.key.value}' must be a whole number of seconds from 1 to ${max}, found '${v}'`,
        entry.value,
      );
    }
    return Number(v);
  };

  const options: TimeSeriesOptions = { timeField: fieldName(timeEntry) };
  if (!selection.selectAll && !selection.outputNames.has(options.timeField)) {
    fail(
      `'${timeEntry.key.value}' names '${options.timeField}', but the SELECT list writes no field '${options.timeField}'`,
      timeEntry.value,
    );
  }
  const metaEntry = ts.get("metaField");
  if (metaEntry) {
    options.metaField = fieldName(metaEntry);
    if (options.metaField === options.timeField) {
      fail(
        `'${metaEntry.key.value}' must differ from the time field '${options.timeField}'`,
        metaEntry.value,
      );
    }
    if (!selection.selectAll && !selection.outputNames.has(options.metaField)) {
      warnings.push(
        warningAt(
          `'${metaEntry.key.value}' names '${options.metaField}', but the SELECT list writes no field '${options.metaField}'`,
          metaEntry.value.pos,
        ),
      );
    }
  }
  const granularityEntry = ts.get("granularity");
  if (granularityEntry) {
    const g = granularityEntry.value.value.toLowerCase();
    if (!(GRANULARITIES as readonly string[]).includes(g)) {
      fail(
        `'${granularityEntry.key.value}' must be one of ${
          GRANULARITIES.join(", ")
        }, found '${granularityEntry.value.value}'`,
        granularityEntry.value,
      );
    }
    options.granularity = g as TimeSeriesGranularity;
  }
  const spanEntry = ts.get("bucketMaxSpanSeconds");
  const roundingEntry = ts.get("bucketRoundingSeconds");
  if (spanEntry || roundingEntry) {
    const given = (spanEntry ?? roundingEntry)!;
    if (granularityEntry) {
      fail(
        `'${given.key.value}' cannot be combined with 'timeseries.granularity' (MongoDB takes one or the other)`,
        given.key,
      );
    }
    if (!spanEntry || !roundingEntry) {
      fail(
        "'timeseries.bucketMaxSpanSeconds' and 'timeseries.bucketRoundingSeconds' go together, with the same value",
        given.key,
      );
    }
    options.bucketMaxSpanSeconds = seconds(spanEntry, MAX_BUCKET_SPAN);
    options.bucketRoundingSeconds = seconds(roundingEntry, MAX_BUCKET_SPAN);
    if (options.bucketMaxSpanSeconds !== options.bucketRoundingSeconds) {
      fail(
        `'timeseries.bucketRoundingSeconds' must equal 'timeseries.bucketMaxSpanSeconds' (${options.bucketMaxSpanSeconds})`,
        roundingEntry.value,
      );
    }
  }
  const expireEntry = ts.get("expireAfterSeconds");
  if (expireEntry) options.expireAfterSeconds = seconds(expireEntry);
  return { properties, timeseries: options, warnings };
}
