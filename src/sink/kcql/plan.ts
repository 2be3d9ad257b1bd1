/** The entry points that turn KCQL text into plans (plan_types.ts), checking every statement. */
import { type KcqlError, KcqlSemanticError, type KcqlWarning } from "./errors.ts";
import { parseScript } from "./parser.ts";
import type { KcqlPlan, ParsedKcql } from "./plan_types.ts";
import { SourceText } from "./position.ts";
import { buildPlan } from "./semantics.ts";

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
