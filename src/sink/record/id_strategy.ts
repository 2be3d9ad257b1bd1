/**
 * `PROPERTIES('id.strategy'='kafka-coordinates')`: an INSERT's `_id` is the record's Kafka
 * coordinates, `<topic>#<partition>#<offset>`, as the MongoDB Kafka connector's
 * KafkaMetaDataStrategy builds it, so a replay of the same record after a crash writes the same
 * `_id` and is recognised as already written. The default (`bson-objectid`) lets the driver
 * assign an ObjectId.
 */
import type { KcqlPlan } from "../kcql/plan.ts";

export type IdStrategy = "bson-objectid" | "kafka-coordinates";

/** The statement's id strategy (its PROPERTIES key in any letter case). */
export function idStrategyOf(plan: Pick<KcqlPlan, "properties">): IdStrategy {
  for (const [k, v] of Object.entries(plan.properties ?? {})) {
    if (k.toLowerCase() === "id.strategy" && v.toLowerCase() === "kafka-coordinates") {
      return "kafka-coordinates";
    }
  }
  return "bson-objectid";
}

/** `_id` of a record under the kafka-coordinates strategy. */
export function coordinatesId(topic: string, partition: number, offset: string): string {
  return `${topic}#${partition}#${offset}`;
}
