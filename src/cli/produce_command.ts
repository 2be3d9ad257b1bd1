/** `gateway produce <bd-address...>` */
import { Command, Option } from "commander";
import { HCI_OPTION, type HciTransport } from "../ble/hci/transport.ts";
import { MAX_CONNECTIONS_OPTION } from "../ble/connection_budget.ts";
import { toOption } from "../config/option_spec.ts";
import { UsageError } from "./usage_error.ts";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { parseAddresses } from "../ble/address.ts";
import { COMPRESSIONS } from "../kafka/client.ts";
import { parseBrokers } from "../kafka/client.ts";
import { RECORD_FORMATS, SCHEMA_STRATEGIES } from "../produce/framer.ts";
import { runProduce } from "../produce/run_produce.ts";
import { createReadingSource, type SourceSettings } from "../produce/reading_source.ts";
import { requireSchemaFields } from "../produce/schema_check.ts";
import { parseSensorList } from "../sensortag/model.ts";
import { type AccelRange, DEFAULT_ACCEL_RANGE } from "../sensortag/gatt.ts";
import { OVERFLOW_POLICIES } from "../spool/spool.ts";
import { createLogger, type LogFormat, type LogLevel } from "../util/log.ts";
import { onStopSignal } from "../util/signals.ts";
import {
  brokersOption,
  commandKafkaSecurity,
  commandRegistryAuth,
  DEFAULTS,
  kafkaSecurityOptions,
  logOptions,
  registryAuthOptions,
  registryOption,
} from "./common_options.ts";
import { duration, oneOf, positiveInt } from "./option_values.ts";
import { type DurationBounds, durationHelp } from "../util/duration.ts";
import { HTTP_DEFAULTS, type HttpAddress, httpOption } from "../http/http_address.ts";
import { startProduceOps } from "../status/produce_ops.ts";
import { loadWriterSchema } from "../avro/writer_schema.ts";
import { createKafka } from "../kafka/client.ts";
import { VERSION } from "./version.ts";
import { INTERVAL_HELP, intervalSeconds } from "./interval_option.ts";
import { formatByteSize, parseByteSize, SIZE_UNITS_HELP } from "../util/byte_size.ts";
import { InvalidArgumentError } from "commander";
import { existsSync } from "node:fs";

/** A bad option value that exits 2, as usage errors do. */
function usageError(message: string): InvalidArgumentError {
  const error = new InvalidArgumentError(message);
  error.exitCode = 2;
  return error;
}

/** The smallest spool accepted: below it a few bursts of readings would already be dropped. */
export const MIN_SPOOL_BYTES = 256 * 1024;

/** Parses a spool size strictly; a bad size or one below {@linkcode MIN_SPOOL_BYTES} is a usage error. */
export function spoolSize(what: string) {
  return (value: string): number => {
    let n: number;
    try {
      n = parseByteSize(value);
    } catch (error) {
      throw usageError(`${what}: ${(error as Error).message}`);
    }
    if (n < MIN_SPOOL_BYTES) {
      throw usageError(
        `${what} must be at least ${formatByteSize(MIN_SPOOL_BYTES)}, got "${value}" (${n} bytes)`,
      );
    }
    return n;
  };
}

/** The bounds of produce's duration options (a plain number in the unit given). */
export const PRODUCE_DURATIONS = {
  /** The sensors' period register holds 10 ms steps up to 2.55 s. */
  period: { unit: "ms", maxMs: 2550 },
  connectTimeout: { unit: "s", maxMs: 3_600_000 },
  flushTimeout: { unit: "s", maxMs: 3_600_000 },
  statsInterval: { unit: "s", maxMs: 86_400_000 },
  giveUpAfter: { unit: "s", maxMs: 86_400_000, zero: "never" },
} as const satisfies Record<string, DurationBounds>;

/** Where spools live by default: `$XDG_STATE_HOME/sensortag-gateway` (or ~/.local/state/...). */
export function spoolDirectory(): string {
  const state = Deno.env.get("XDG_STATE_HOME") ??
    join(Deno.env.get("HOME") ?? ".", ".local", "state");
  return join(state, "sensortag-gateway");
}

/** The default spool of a topic, so two instances with different topics never meet. */
export function defaultSpoolPath(topic: string): string {
  return join(spoolDirectory(), `spool-${topic}.sqlite`);
}

/** How help texts say where the default spool is (in words that wrap, not one long path). */
export const SPOOL_DEFAULT_HELP =
  "spool-<topic>.sqlite in $XDG_STATE_HOME/sensortag-gateway, else in ~/.local/state/sensortag-gateway";

/** The single default spool of earlier versions, shared by every topic. */
export function legacySpoolPath(): string {
  return join(spoolDirectory(), "spool.sqlite");
}

interface ProduceOptions {
  brokers: string;
  topic: string;
  registry: string;
  subject?: string;
  format: (typeof RECORD_FORMATS)[number];
  schemaStrategy: (typeof SCHEMA_STRATEGIES)[number];
  schema?: string;
  interval: number;
  sensors: string;
  mode: "poll" | "notify";
  period?: number;
  accelRange: "2" | "4" | "8" | "16";
  compression: (typeof COMPRESSIONS)[number];
  spool?: string;
  spoolMaxBytes: number;
  spoolFull: (typeof OVERFLOW_POLICIES)[number];
  giveUpAfter: number;
  batchSize: number;
  simulate?: number;
  hci?: HciTransport;
  maxConnections?: number;
  connectTimeout: number;
  flushTimeout: number;
  statsInterval: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
  http: HttpAddress | null;
}

export function produceCommand(): Command {
  const cmd = new Command("produce")
    .description(
      "Read SensorTags over BLE and produce one Avro record per reading to Kafka. Every " +
        "reading is written to a local spool first and leaves it only once Kafka acknowledged it.",
    )
    .argument(
      "[bd-address...]",
      "Bluetooth addresses of the tags, e.g. B0:B4:48:BE:5E:00 (env GATEWAY_ADDRESSES)",
    )
    .addOption(brokersOption())
    .addOption(
      new Option("--topic <name>", "Kafka topic").env("GATEWAY_TOPIC").default(DEFAULTS.topic),
    )
    .addOption(registryOption())
    .addOption(
      new Option("--subject <name>", "registry subject (default: <topic>-value)").env(
        "GATEWAY_SUBJECT",
      ),
    )
    .addOption(
      new Option(
        "--format <format>",
        "record format: confluent (registry wire format) or avro-single-object",
      )
        .env("GATEWAY_FORMAT").default("confluent").argParser(oneOf("--format", RECORD_FORMATS)),
    )
    .addOption(
      new Option(
        "--schema-strategy <strategy>",
        "auto: the subject's latest version if the subject exists, else register the gateway's schema; " +
          "latest: only the latest registered version; register: always register the gateway's schema",
      ).env("GATEWAY_SCHEMA_STRATEGY").default("auto").argParser(
        oneOf("--schema-strategy", SCHEMA_STRATEGIES),
      ),
    )
    .addOption(
      new Option(
        "--schema <file>",
        "Avro schema file (default: the embedded schemas/sensortag.avsc)",
      ).env("GATEWAY_SCHEMA"),
    )
    .addOption(
      new Option(
        "--interval <seconds>",
        `one reading per tag every this many seconds (${INTERVAL_HELP})`,
      ).env("GATEWAY_INTERVAL").default(10).argParser(intervalSeconds("--interval")),
    )
    .addOption(
      new Option(
        "--sensors <list>",
        "ir, humidity, barometer, optical, movement, keys, battery (comma-separated)",
      )
        .env("GATEWAY_SENSORS").default("ir,humidity"),
    )
    .addOption(
      new Option(
        "--mode <mode>",
        "poll: read each interval; notify: the tag pushes values at --period",
      )
        .env("GATEWAY_MODE").default("poll").argParser(
          oneOf("--mode", ["poll", "notify"] as const),
        ),
    )
    .addOption(
      new Option(
        "--period <ms>",
        "sensor period in notify mode (default: the interval, within each sensor's limits; " +
          `${durationHelp(PRODUCE_DURATIONS.period)})`,
      )
        .env("GATEWAY_PERIOD").argParser(duration("--period", PRODUCE_DURATIONS.period)),
    )
    .addOption(
      new Option("--accel-range <g>", "accelerometer range on CC2650 (2, 4, 8 or 16 G)").env(
        "GATEWAY_ACCEL_RANGE",
      )
        .default(String(DEFAULT_ACCEL_RANGE)).argParser(
          oneOf("--accel-range", ["2", "4", "8", "16"] as const),
        ),
    )
    .addOption(
      new Option("--compression <codec>", "Kafka compression: none, gzip, snappy, lz4 or zstd").env(
        "GATEWAY_COMPRESSION",
      )
        .default("none").argParser(oneOf("--compression", COMPRESSIONS)),
    )
    .addOption(
      new Option(
        "--spool <file>",
        `spool database (SQLite); one process owns a spool (default: ${SPOOL_DEFAULT_HELP})`,
      ).env("GATEWAY_SPOOL"),
    )
    .addOption(
      new Option(
        "--spool-max-bytes <size>",
        `spool size limit, at least ${formatByteSize(MIN_SPOOL_BYTES)}, e.g. 512k, 256MB, 1GiB ` +
          `(${SIZE_UNITS_HELP})`,
      ).env("GATEWAY_SPOOL_MAX_BYTES")
        .default(parseByteSize("256MB"), "256MB").argParser(spoolSize("--spool-max-bytes")),
    )
    .addOption(
      new Option(
        "--spool-full <policy>",
        "when the spool is full: drop-oldest or drop-newest (counted and logged)",
      )
        .env("GATEWAY_SPOOL_FULL").default("drop-oldest").argParser(
          oneOf("--spool-full", OVERFLOW_POLICIES),
        ),
    )
    .addOption(
      new Option(
        "--give-up-after <seconds>",
        "how long a spool that cannot be opened or written (read-only, I/O errors) is retried " +
          "before produce exits non-zero; a full disk is waited out " +
          `(${durationHelp(PRODUCE_DURATIONS.giveUpAfter)})`,
      ).env("GATEWAY_GIVE_UP_AFTER").default(300).argParser(
        duration("--give-up-after", PRODUCE_DURATIONS.giveUpAfter),
      ),
    )
    .addOption(
      new Option("--batch-size <n>", "most records in one produce request").env(
        "GATEWAY_BATCH_SIZE",
      )
        .default(500).argParser(positiveInt("--batch-size", 100_000)),
    )
    .addOption(
      new Option(
        "--simulate <n>",
        "run n virtual SensorTags instead of radios (same code path from noble up)",
      )
        .env("GATEWAY_SIMULATE").argParser(positiveInt("--simulate", 10_000)),
    )
    .addOption(toOption(HCI_OPTION))
    .addOption(toOption(MAX_CONNECTIONS_OPTION))
    .addOption(
      new Option(
        "--connect-timeout <seconds>",
        `BLE connect timeout per attempt (${durationHelp(PRODUCE_DURATIONS.connectTimeout)})`,
      ).env("GATEWAY_CONNECT_TIMEOUT")
        .default(15).argParser(duration("--connect-timeout", PRODUCE_DURATIONS.connectTimeout)),
    )
    .addOption(
      new Option(
        "--flush-timeout <seconds>",
        "on SIGTERM/SIGINT, how long to keep sending spooled readings " +
          `(${durationHelp(PRODUCE_DURATIONS.flushTimeout)})`,
      )
        .env("GATEWAY_FLUSH_TIMEOUT").default(10)
        .argParser(duration("--flush-timeout", PRODUCE_DURATIONS.flushTimeout)),
    )
    .addOption(
      new Option(
        "--stats-interval <seconds>",
        `how often to log counters (${durationHelp(PRODUCE_DURATIONS.statsInterval)})`,
      ).env("GATEWAY_STATS_INTERVAL")
        .default(60).argParser(duration("--stats-interval", PRODUCE_DURATIONS.statsInterval)),
    )
    .addOption(httpOption(HTTP_DEFAULTS.produce));
  for (const o of [...kafkaSecurityOptions(), ...registryAuthOptions()]) cmd.addOption(o);
  for (const o of logOptions()) cmd.addOption(o);
  return cmd.action(async (addressArgs: string[], options: ProduceOptions, command: Command) => {
    const log = createLogger({ level: options.logLevel, format: options.logFormat });
    const values = options as unknown as Record<string, unknown>;
    const kafkaSecurity = await commandKafkaSecurity(values, log);
    const brokersGiven = ["cli", "env"].includes(command.getOptionValueSource("brokers") ?? "");
    const brokers = !brokersGiven && kafkaSecurity.brokers
      ? kafkaSecurity.brokers
      : options.brokers;
    const fromEnv = (Deno.env.get("GATEWAY_ADDRESSES") ?? "").split(/[\s,]+/).filter(Boolean);
    const rawAddresses = addressArgs.length > 0 ? addressArgs : fromEnv;
    let addresses: string[];
    try {
      addresses = parseAddresses(rawAddresses);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (addresses.length === 0 && options.simulate === undefined) {
      throw new UsageError(
        "no SensorTag given: pass one or more BD addresses (e.g. B0:B4:48:BE:5E:00), or --simulate N",
      );
    }
    if (options.simulate !== undefined && options.hci !== undefined) {
      throw new UsageError("--hci and --simulate exclude each other (virtual tags need no radio)");
    }
    let sensors: ReturnType<typeof parseSensorList>;
    try {
      sensors = parseSensorList(options.sensors);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const source: SourceSettings = {
      addresses,
      simulate: options.simulate,
      hci: options.hci,
      maxConnections: options.maxConnections,
      sensors,
      mode: options.mode,
      intervalMs: Math.round(options.interval * 1000),
      periodMs: options.period,
      accelRange: Number(options.accelRange) as AccelRange,
      connectTimeoutMs: Math.round(options.connectTimeout * 1000),
    };
    if (options.schema !== undefined) {
      // A --schema file that cannot be read or is no Avro record schema is a usage error (exit 2).
      await loadWriterSchema(options.schema).catch((error: Error) => {
        throw new UsageError(error.message);
      });
    }
    // Absolute, so every message about the spool names the file itself.
    const spoolPath = options.spool !== undefined
      ? resolve(options.spool)
      : defaultSpoolPath(options.topic);
    if (options.spool === undefined && existsSync(legacySpoolPath())) {
      log.warn("a spool of an earlier version exists (it was shared by every topic)", {
        spool: legacySpoolPath(),
        hint: `gateway spool --spool ${legacySpoolPath()} lists its readings`,
      });
    }
    const signal = onStopSignal(log, { onSecondSignal: "unsent readings stay in the spool" });
    const ops = startProduceOps({
      http: options.http,
      httpOptional: command.getOptionValueSource("http") === "default",
      kafka: createKafka({
        brokers: parseBrokers(brokers),
        clientId: `sensortag-gateway-probe-${hostname()}`,
        log,
        security: kafkaSecurity.security,
      }),
      registryUrl: options.format === "confluent" ? options.registry : undefined,
      registryAuth: commandRegistryAuth(values),
      version: VERSION,
      log,
    });
    await runProduce({
      brokers: parseBrokers(brokers),
      security: kafkaSecurity.security,
      registryAuth: commandRegistryAuth(values),
      topic: options.topic,
      subject: options.subject ?? `${options.topic}-value`,
      registryUrl: options.registry,
      format: options.format,
      schemaStrategy: options.schemaStrategy,
      schemaPath: options.schema,
      compression: options.compression,
      spoolPath,
      spoolMaxBytes: options.spoolMaxBytes,
      spoolFull: options.spoolFull,
      giveUpAfterMs: options.giveUpAfter * 1000,
      batchSize: options.batchSize,
      clientId: `sensortag-gateway-${hostname()}`,
      flushTimeoutMs: Math.round(options.flushTimeout * 1000),
      statsIntervalMs: Math.round(options.statsInterval * 1000),
    }, {
      log,
      signal,
      source: createReadingSource(source, log, ops.monitor),
      checkSchema: (schema) => requireSchemaFields(schema, sensors),
      observer: ops.monitor,
    }).finally(() => ops.close());
  });
}
