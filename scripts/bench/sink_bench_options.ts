/**
 * Options of `deno task bench:sink` (pure): how many records to pre-fill, how long one row may
 * run, and which rows to run. Flags win over environment variables, which win over the defaults.
 */
import { parseArgs } from "node:util";

/** The options with their flag, environment variable and default. */
export const SINK_BENCH_SETTINGS = {
  records: { flag: "records", env: "BENCH_RECORDS", default: 200_000 },
  rowTimeoutSeconds: { flag: "row-timeout", env: "BENCH_ROW_TIMEOUT_S", default: 600 },
  only: { flag: "only", env: "BENCH_ONLY", default: "" },
} as const;

/** Parsed options. */
export interface SinkBenchOptions {
  /** Records pre-filled into each topic (Avro and JSON). */
  records: number;
  /** A row still running after this many seconds is stopped and reported as partial. */
  rowTimeoutSeconds: number;
  /** Runs only the rows whose label this matches (case-insensitive); every row when absent. */
  only?: RegExp;
}

/** Usage text for `--help` and for errors. */
export const SINK_BENCH_USAGE = `usage: deno task bench:sink [--records N] [--row-timeout SECONDS]
  --records N          records per topic (env BENCH_RECORDS, default 200000)
  --row-timeout S      stop a row after S seconds, reported as partial (env BENCH_ROW_TIMEOUT_S,
                       default 600)
  --only REGEX         run only the rows whose label matches, e.g. "already" for the rows into a
                       collection that already holds documents (env BENCH_ONLY, default all)`;

function positiveInteger(what: string, text: string): number {
  const clean = text.replaceAll("_", "");
  if (!/^\d+$/.test(clean) || Number(clean) < 1 || !Number.isSafeInteger(Number(clean))) {
    throw new Error(`${what} must be a positive integer, got "${text}"`);
  }
  return Number(clean);
}

/** Reads the options from `args` and `env`. Throws a message naming the bad flag or variable. */
export function parseSinkBenchOptions(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SinkBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      records: { type: "string" },
      "row-timeout": { type: "string" },
      only: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const one = (s: { flag: string; env: string; default: number }, flag?: string) => {
    if (flag !== undefined) return positiveInteger(`--${s.flag}`, flag);
    const fromEnv = env[s.env];
    if (fromEnv !== undefined && fromEnv.trim() !== "") {
      return positiveInteger(s.env, fromEnv.trim());
    }
    return s.default;
  };
  const only = values.only ?? env[SINK_BENCH_SETTINGS.only.env]?.trim();
  let pattern: RegExp | undefined;
  if (only) {
    try {
      pattern = new RegExp(only, "i");
    } catch (error) {
      throw new Error(`--only must be a regular expression: ${(error as Error).message}`);
    }
  }
  return {
    records: one(SINK_BENCH_SETTINGS.records, values.records),
    rowTimeoutSeconds: one(SINK_BENCH_SETTINGS.rowTimeoutSeconds, values["row-timeout"]),
    ...(pattern ? { only: pattern } : {}),
  };
}
