/**
 * Whether a KCQL statement reads the record key at all: a `_key...` field,
 * or a PK taken from the key. When it does not, the key is never decoded — a
 * key that would not decode (or that is hostile) cannot make a good value
 * poison, and costs nothing.
 */
import type { KcqlPlan } from "../kcql/plan.ts";

export function planReadsKey(plan: Pick<KcqlPlan, "fields" | "primaryKeys">): boolean {
  return plan.fields.some((f) => f.kind === "key") ||
    plan.primaryKeys.some((k) => k.kind === "key");
}
