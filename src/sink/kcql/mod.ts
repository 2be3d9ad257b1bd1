/** KCQL for the MongoDB sink: parse statements into plans. See KCQL.md for the dialect. */
export { kcqlCheck, type KcqlCheckError, type KcqlCheckReport } from "./check.ts";
export { KcqlError, KcqlSemanticError, KcqlSyntaxError, type KcqlWarning } from "./errors.ts";
export {
  analyzeKcql,
  DEFAULT_BATCH_SIZE,
  type FieldKind,
  type FieldRef,
  type KcqlAnalysis,
  type KcqlPlan,
  type MetaName,
  type ParsedKcql,
  parseKcql,
  planForTopic,
  type PrimaryKey,
  type SelectedField,
  type TimeSeriesGranularity,
  type TimeSeriesOptions,
  type WriteMode,
} from "./plan.ts";
