/** `gateway kcql check`: every statement's plan, every warning and every error, as JSON. */
import { KcqlSyntaxError } from "./errors.ts";
import type { KcqlWarning } from "./errors.ts";
import { analyzeKcql } from "./plan.ts";
import type { KcqlPlan } from "./plan_types.ts";

export interface KcqlCheckError {
  kind: "syntax" | "semantic";
  message: string;
  line: number;
  column: number;
  expected?: string;
  found?: string;
  /** The message, the statement line and a caret under the column. */
  excerpt: string;
}

export interface KcqlCheckReport {
  valid: boolean;
  statements: KcqlPlan[];
  warnings: KcqlWarning[];
  errors: KcqlCheckError[];
}

export function kcqlCheck(text: string): KcqlCheckReport {
  const { statements, warnings, errors } = analyzeKcql(text);
  return {
    valid: errors.length === 0,
    statements,
    warnings,
    errors: errors.map((e) => {
      const base: KcqlCheckError = {
        kind: e instanceof KcqlSyntaxError ? "syntax" : "semantic",
        message: e.detail,
        line: e.line,
        column: e.column,
        excerpt: e.format(),
      };
      if (e instanceof KcqlSyntaxError) {
        base.expected = e.expected;
        base.found = e.found;
      }
      return base;
    }),
  };
}
