/** KCQL for the MongoDB sink: parse statements into plans. See KCQL.md for the dialect. */
export { kcqlCheck, type KcqlCheckError, type KcqlCheckReport } from "./check.ts";
export { KcqlError, KcqlSemanticError, KcqlSyntaxError, type KcqlWarning } from "./errors.ts";
export { analyzeKcql, type KcqlAnalysis, parseKcql, planForTopic } from "./plan.ts";
export {
  DEFAULT_BATCH_SIZE,
  type FieldKind,
  type FieldRef,
  type KcqlPlan,
  type MetaName,
  type ParsedKcql,
  type PrimaryKey,
  type SelectedField,
  type TimeSeriesGranularity,
  type TimeSeriesOptions,
  type WriteMode,
} from "./plan_types.ts";
