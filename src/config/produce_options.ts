/**
 * Every setting of `gateway produce` in one table: flag, environment variable, default, parser
 * and help. The command builds its commander options from it in this order (the order of
 * `--help`), and its values' type is derived from it, so adding a setting is one entry here.
 * Kafka security, registry credentials, `--http` and the log options are shared with the other
 * commands and added by them.
 */
import { HCI_OPTION } from "../ble/hci/transport.ts";
import { MAX_CONNECTIONS_OPTION } from "../ble/connection_budget.ts";
import { COMPRESSIONS } from "../kafka/client.ts";
import { RECORD_FORMATS, SCHEMA_STRATEGIES } from "../produce/framer.ts";
import { DEFAULT_ACCEL_RANGE } from "../sensortag/gatt.ts";
import { OVERFLOW_POLICIES } from "../spool/spool.ts";
import { SPOOL_DEFAULT_HELP } from "../spool/spool_paths.ts";
import { BROKERS_OPTION, DEFAULTS, REGISTRY_OPTION } from "../cli/common_options.ts";
import { INTERVAL_HELP, intervalSeconds } from "../cli/interval_option.ts";
import { duration, oneOf, positiveInt } from "../cli/option_values.ts";
import { formatByteSize, parseByteSize, SIZE_UNITS_HELP } from "../util/byte_size.ts";
import { type DurationBounds, durationHelp } from "../util/duration.ts";
import type { OptionSpec } from "./option_spec.ts";

/** The bounds of produce's duration options (a plain number in the unit given). */
export const PRODUCE_DURATIONS = {
  /** The sensors' period register holds 10 ms steps up to 2.55 s. */
  period: { unit: "ms", maxMs: 2550 },
  connectTimeout: { unit: "s", maxMs: 3_600_000 },
  flushTimeout: { unit: "s", maxMs: 3_600_000 },
  statsInterval: { unit: "s", maxMs: 86_400_000 },
  giveUpAfter: { unit: "s", maxMs: 86_400_000, zero: "never" },
} as const satisfies Record<string, DurationBounds>;

/** The smallest spool accepted: below it a few bursts of readings would already be dropped. */
export const MIN_SPOOL_BYTES = 256 * 1024;

/** Parses a spool size strictly; a bad size or one below {@linkcode MIN_SPOOL_BYTES} is refused. */
export function spoolSize(what: string) {
  return (value: string): number => {
    let n: number;
    try {
      n = parseByteSize(value);
    } catch (error) {
      throw new Error(`${what}: ${(error as Error).message}`);
    }
    if (n < MIN_SPOOL_BYTES) {
      throw new Error(
        `${what} must be at least ${formatByteSize(MIN_SPOOL_BYTES)}, got "${value}" (${n} bytes)`,
      );
    }
    return n;
  };
}

/** A spec as written, its literal type kept (whether it has a default, what it parses to). */
function spec<S extends OptionSpec<unknown>>(s: S): S {
  return s;
}

/** The options of `gateway produce`, in `--help` order. */
export const PRODUCE_OPTIONS = {
  brokers: BROKERS_OPTION,
  topic: spec({
    flag: "--topic <name>",
    env: "GATEWAY_TOPIC",
    help: "Kafka topic",
    default: DEFAULTS.topic,
  }),
  registry: REGISTRY_OPTION,
  subject: spec({
    flag: "--subject <name>",
    env: "GATEWAY_SUBJECT",
    help: "registry subject (default: <topic>-value)",
  }),
  format: spec({
    flag: "--format <format>",
    env: "GATEWAY_FORMAT",
    help: "record format: confluent (registry wire format) or avro-single-object",
    default: "confluent",
    parse: oneOf("--format", RECORD_FORMATS),
  }),
  schemaStrategy: spec({
    flag: "--schema-strategy <strategy>",
    env: "GATEWAY_SCHEMA_STRATEGY",
    help: "auto: the subject's latest version if the subject exists, else register the " +
      "gateway's schema; latest: only the latest registered version; register: always register " +
      "the gateway's schema",
    default: "auto",
    parse: oneOf("--schema-strategy", SCHEMA_STRATEGIES),
  }),
  schema: spec({
    flag: "--schema <file>",
    env: "GATEWAY_SCHEMA",
    help: "Avro schema file (default: the embedded schemas/sensortag.avsc)",
  }),
  interval: spec({
    flag: "--interval <seconds>",
    env: "GATEWAY_INTERVAL",
    help: `one reading per tag every this many seconds (${INTERVAL_HELP})`,
    default: 10,
    parse: intervalSeconds("--interval"),
  }),
  sensors: spec({
    flag: "--sensors <list>",
    env: "GATEWAY_SENSORS",
    help: "ir, humidity, barometer, optical, movement, keys, battery (comma-separated)",
    default: "ir,humidity",
  }),
  mode: spec({
    flag: "--mode <mode>",
    env: "GATEWAY_MODE",
    help: "poll: read each interval; notify: the tag pushes values at --period",
    default: "poll",
    parse: oneOf("--mode", ["poll", "notify"] as const),
  }),
  period: spec({
    flag: "--period <ms>",
    env: "GATEWAY_PERIOD",
    help: "sensor period in notify mode (default: the interval, within each sensor's limits; " +
      `${durationHelp(PRODUCE_DURATIONS.period)})`,
    parse: duration("--period", PRODUCE_DURATIONS.period),
  }),
  accelRange: spec({
    flag: "--accel-range <g>",
    env: "GATEWAY_ACCEL_RANGE",
    help: "accelerometer range on CC2650 (2, 4, 8 or 16 G)",
    default: String(DEFAULT_ACCEL_RANGE),
    parse: oneOf("--accel-range", ["2", "4", "8", "16"] as const),
  }),
  compression: spec({
    flag: "--compression <codec>",
    env: "GATEWAY_COMPRESSION",
    help: "Kafka compression: none, gzip, snappy, lz4 or zstd",
    default: "none",
    parse: oneOf("--compression", COMPRESSIONS),
  }),
  spool: spec({
    flag: "--spool <file>",
    env: "GATEWAY_SPOOL",
    help: `spool database (SQLite); one process owns a spool (default: ${SPOOL_DEFAULT_HELP})`,
  }),
  spoolMaxBytes: spec({
    flag: "--spool-max-bytes <size>",
    env: "GATEWAY_SPOOL_MAX_BYTES",
    help: `spool size limit, at least ${formatByteSize(MIN_SPOOL_BYTES)}, e.g. 512k, 256MB, ` +
      `1GiB (${SIZE_UNITS_HELP})`,
    default: parseByteSize("256MB"),
    defaultHelp: "256MB",
    parse: spoolSize("--spool-max-bytes"),
  }),
  spoolFull: spec({
    flag: "--spool-full <policy>",
    env: "GATEWAY_SPOOL_FULL",
    help: "when the spool is full: drop-oldest or drop-newest (counted and logged)",
    default: "drop-oldest",
    parse: oneOf("--spool-full", OVERFLOW_POLICIES),
  }),
  giveUpAfter: spec({
    flag: "--give-up-after <seconds>",
    env: "GATEWAY_GIVE_UP_AFTER",
    help: "how long a spool that cannot be opened or written (read-only, I/O errors) is " +
      "retried before produce exits non-zero; a full disk is waited out " +
      `(${durationHelp(PRODUCE_DURATIONS.giveUpAfter)})`,
    default: 300,
    parse: duration("--give-up-after", PRODUCE_DURATIONS.giveUpAfter),
  }),
  batchSize: spec({
    flag: "--batch-size <n>",
    env: "GATEWAY_BATCH_SIZE",
    help: "most records in one produce request",
    default: 500,
    parse: positiveInt("--batch-size", 100_000),
  }),
  simulate: spec({
    flag: "--simulate <n>",
    env: "GATEWAY_SIMULATE",
    help: "run n virtual SensorTags instead of radios (same code path from noble up)",
    parse: positiveInt("--simulate", 10_000),
  }),
  hci: HCI_OPTION,
  maxConnections: MAX_CONNECTIONS_OPTION,
  connectTimeout: spec({
    flag: "--connect-timeout <seconds>",
    env: "GATEWAY_CONNECT_TIMEOUT",
    help: `BLE connect timeout per attempt (${durationHelp(PRODUCE_DURATIONS.connectTimeout)})`,
    default: 15,
    parse: duration("--connect-timeout", PRODUCE_DURATIONS.connectTimeout),
  }),
  flushTimeout: spec({
    flag: "--flush-timeout <seconds>",
    env: "GATEWAY_FLUSH_TIMEOUT",
    help: "on SIGTERM/SIGINT, how long to keep sending spooled readings " +
      `(${durationHelp(PRODUCE_DURATIONS.flushTimeout)})`,
    default: 10,
    parse: duration("--flush-timeout", PRODUCE_DURATIONS.flushTimeout),
  }),
  statsInterval: spec({
    flag: "--stats-interval <seconds>",
    env: "GATEWAY_STATS_INTERVAL",
    help: `how often to log counters (${durationHelp(PRODUCE_DURATIONS.statsInterval)})`,
    default: 60,
    parse: duration("--stats-interval", PRODUCE_DURATIONS.statsInterval),
  }),
};

/** The option keys of the table. */
export type ProduceOptionName = keyof typeof PRODUCE_OPTIONS;

type Parsed<S> = S extends { parse?: (text: string) => infer T } ? unknown extends T ? string : T
  : string;

/** Each option's value: what its parser gives, `undefined` when it has no default and is not given. */
export type ProduceOptionValues = {
  [K in ProduceOptionName]: (typeof PRODUCE_OPTIONS)[K] extends { default: unknown }
    ? Parsed<(typeof PRODUCE_OPTIONS)[K]>
    : Parsed<(typeof PRODUCE_OPTIONS)[K]> | undefined;
};
