/**
 * Options of `deno task bench:sink` (pure): how many records to pre-fill and how long one row may
 * run. Flags win over environment variables, which win over the defaults.
 */
import { parseArgs } from "node:util";

/** The options with their flag, environment variable and default. */
export const SINK_BENCH_SETTINGS = {
  records: { flag: "records", env: "BENCH_RECORDS", default: 200_000 },
  rowTimeoutSeconds: { flag: "row-timeout", env: "BENCH_ROW_TIMEOUT_S", default: 600 },
} as const;

/** Parsed options. */
export interface SinkBenchOptions {
  /** Records pre-filled into each topic (Avro and JSON). */
  records: number;
  /** A row still running after this many seconds is stopped and reported as partial. */
  rowTimeoutSeconds: number;
}

/** Usage text for `--help` and for errors. */
export const SINK_BENCH_USAGE = `usage: deno task bench:sink [--records N] [--row-timeout SECONDS]
  --records N          records per topic (env BENCH_RECORDS, default 200000)
  --row-timeout S      stop a row after S seconds, reported as partial (env BENCH_ROW_TIMEOUT_S,
                       default 600)`;

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
  return {
    records: one(SINK_BENCH_SETTINGS.records, values.records),
    rowTimeoutSeconds: one(SINK_BENCH_SETTINGS.rowTimeoutSeconds, values["row-timeout"]),
  };
}
