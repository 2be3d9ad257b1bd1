/** `gateway produce <bd-address...>` */
import { Command } from "commander";
import { type OptionSpec, toOption } from "../config/option_spec.ts";
import { PRODUCE_OPTIONS, type ProduceOptionValues } from "../config/produce_options.ts";
import { UsageError } from "./usage_error.ts";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { parseAddresses } from "../ble/address.ts";
import { parseBrokers } from "../kafka/client.ts";
import { runProduce } from "../produce/run_produce.ts";
import { createReadingSource, type SourceSettings } from "../produce/reading_source.ts";
import { requireSchemaFields } from "../produce/schema_check.ts";
import { parseSensorList } from "../sensortag/model.ts";
import type { AccelRange } from "../sensortag/gatt.ts";
import { defaultSpoolPath, legacySpoolPath } from "../spool/spool_paths.ts";
import { createLogger, type LogFormat, type LogLevel } from "../util/log.ts";
import { onStopSignal } from "../util/signals.ts";
import {
  commandKafkaSecurity,
  commandRegistryAuth,
  kafkaSecurityOptions,
  logOptions,
  registryAuthOptions,
} from "./common_options.ts";
import { HTTP_DEFAULTS, type HttpAddress, httpOption } from "../http/http_address.ts";
import { startProduceOps } from "../status/produce_ops.ts";
import { loadWriterSchema } from "../avro/writer_schema.ts";
import { createKafka } from "../kafka/client.ts";
import { VERSION } from "./version.ts";
import { existsSync } from "node:fs";

/** The values commander gives the action: the table's, and the shared options'. */
type ProduceFlags = ProduceOptionValues & {
  http: HttpAddress | null;
  logLevel: LogLevel;
  logFormat: LogFormat;
};

export function produceCommand(): Command {
  const cmd = new Command("produce")
    .description(
      "Read SensorTags over BLE and produce one Avro record per reading to Kafka. Every " +
        "reading is written to a local spool first and leaves it only once Kafka acknowledged it.",
    )
    .argument(
      "[bd-address...]",
      "Bluetooth addresses of the tags, e.g. B0:B4:48:BE:5E:00 (env GATEWAY_ADDRESSES)",
    );
  for (const spec of Object.values(PRODUCE_OPTIONS)) {
    cmd.addOption(toOption(spec as OptionSpec<unknown>));
  }
  cmd.addOption(httpOption(HTTP_DEFAULTS.produce));
  for (const o of [...kafkaSecurityOptions(), ...registryAuthOptions()]) cmd.addOption(o);
  for (const o of logOptions()) cmd.addOption(o);
  return cmd.action(async (addressArgs: string[], options: ProduceFlags, command: Command) => {
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
