/** `gateway produce <bd-address...>` */
import { Command, Option } from "commander";
import { UsageError } from "./usage_error.ts";
import { hostname } from "node:os";
import { join } from "node:path";
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
import { brokersOption, DEFAULTS, logOptions, registryOption } from "./common_options.ts";
import { byteSize, oneOf, positiveInt, positiveSeconds } from "./option_values.ts";

export function defaultSpoolPath(): string {
  const state = Deno.env.get("XDG_STATE_HOME") ??
    join(Deno.env.get("HOME") ?? ".", ".local", "state");
  return join(state, "sensortag-gateway", "spool.sqlite");
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
  spool: string;
  spoolMaxBytes: number;
  spoolFull: (typeof OVERFLOW_POLICIES)[number];
  batchSize: number;
  simulate?: number;
  connectTimeout: number;
  flushTimeout: number;
  statsInterval: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export function produceCommand(): Command {
  const cmd = new Command("produce")
    .description(
      "Read SensorTags over BLE and produce one Avro record per reading to Kafka.\n" +
        "Every reading is written to a local spool first and leaves it only once Kafka acknowledged it.",
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
        "latest: write with the subject's latest registered version; register: register the gateway's schema",
      ).env("GATEWAY_SCHEMA_STRATEGY").default("latest").argParser(
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
      new Option("--interval <seconds>", "one reading per tag every this many seconds").env(
        "GATEWAY_INTERVAL",
      )
        .default(10).argParser(positiveSeconds("--interval")),
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
        "sensor period in notify mode, milliseconds (default: the interval, within each sensor's limits)",
      )
        .env("GATEWAY_PERIOD").argParser(positiveInt("--period", 2550)),
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
      new Option("--compression <codec>", "Kafka compression: none or gzip").env(
        "GATEWAY_COMPRESSION",
      )
        .default("none").argParser(oneOf("--compression", COMPRESSIONS)),
    )
    .addOption(
      new Option("--spool <file>", "spool database (SQLite)").env("GATEWAY_SPOOL").default(
        defaultSpoolPath(),
      ),
    )
    .addOption(
      new Option("--spool-max-bytes <size>", "spool size limit, e.g. 256MB").env(
        "GATEWAY_SPOOL_MAX_BYTES",
      )
        .default(256 * 1024 * 1024, "256MB").argParser(byteSize("--spool-max-bytes")),
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
    .addOption(
      new Option("--connect-timeout <seconds>", "BLE connect timeout per attempt").env(
        "GATEWAY_CONNECT_TIMEOUT",
      )
        .default(15).argParser(positiveSeconds("--connect-timeout")),
    )
    .addOption(
      new Option(
        "--flush-timeout <seconds>",
        "on SIGTERM/SIGINT, how long to keep sending spooled readings",
      )
        .env("GATEWAY_FLUSH_TIMEOUT").default(10).argParser(positiveSeconds("--flush-timeout")),
    )
    .addOption(
      new Option("--stats-interval <seconds>", "how often to log counters").env(
        "GATEWAY_STATS_INTERVAL",
      )
        .default(60).argParser(positiveSeconds("--stats-interval")),
    );
  for (const o of logOptions()) cmd.addOption(o);
  return cmd.action(async (addressArgs: string[], options: ProduceOptions) => {
    const log = createLogger({ level: options.logLevel, format: options.logFormat });
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
    const sensors = parseSensorList(options.sensors);
    const source: SourceSettings = {
      addresses,
      simulate: options.simulate,
      sensors,
      mode: options.mode,
      intervalMs: Math.round(options.interval * 1000),
      periodMs: options.period,
      accelRange: Number(options.accelRange) as AccelRange,
      connectTimeoutMs: Math.round(options.connectTimeout * 1000),
    };
    const signal = onStopSignal(log, { onSecondSignal: "unsent readings stay in the spool" });
    await runProduce({
      brokers: parseBrokers(options.brokers),
      topic: options.topic,
      subject: options.subject ?? `${options.topic}-value`,
      registryUrl: options.registry,
      format: options.format,
      schemaStrategy: options.schemaStrategy,
      schemaPath: options.schema,
      compression: options.compression,
      spoolPath: options.spool,
      spoolMaxBytes: options.spoolMaxBytes,
      spoolFull: options.spoolFull,
      batchSize: options.batchSize,
      clientId: `sensortag-gateway-${hostname()}`,
      flushTimeoutMs: Math.round(options.flushTimeout * 1000),
      statsIntervalMs: Math.round(options.statsInterval * 1000),
    }, {
      log,
      signal,
      source: createReadingSource(source, log),
      checkSchema: (schema) => requireSchemaFields(schema, sensors),
    });
  });
}
