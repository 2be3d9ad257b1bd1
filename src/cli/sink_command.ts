/** `gateway sink --kcql "INSERT INTO sensortag SELECT * FROM sensortag-avro"` */
import { Command } from "commander";
import { UsageError } from "./usage_error.ts";
import { hostname } from "node:os";
import { createKafka, parseBrokers } from "../kafka/client.ts";
import { classifyKafkaError } from "../kafka/failure.ts";
import { KcqlPipeline } from "../sink/record/kcql_pipeline.ts";
import { runSink } from "../sink/io/run_sink.ts";
import { meansNoDeadLetterTopic } from "../sink/io/dead_letters.ts";
import { KcqlError } from "../sink/kcql/errors.ts";
import { DEFAULT_BATCH_SIZE, type KcqlPlan, parseKcql } from "../sink/kcql/plan.ts";
import { createLogger, type LogFormat, type LogLevel } from "../util/log.ts";
import { onStopSignal } from "../util/signals.ts";
import { createValueDecoder } from "../sink/values/create_decoder.ts";
import { mongoClientOptions } from "../sink/config/mongo_options.ts";
import { maskedMongoUri, mongoConnectionProblem } from "../sink/config/mongo_connection_check.ts";
import { loadSinkConfigFile, type SinkOverrides } from "../sink/config/connector_properties.ts";
import {
  brokersOption,
  commandKafkaSecurity,
  commandRegistryAuth,
  kafkaSecurityOptions,
  logOptions,
  registryAuthOptions,
  registryOption,
} from "./common_options.ts";
import { givenByUser, type OptionSpec, toOption } from "../config/option_spec.ts";
import { resolveSinkOptions, SINK_OPTIONS, sinkFileOverrides } from "../config/sink_options.ts";
import { HTTP_DEFAULTS, type HttpAddress, httpOption } from "../http/http_address.ts";
import { startSinkOps } from "../status/sink_ops.ts";
import { VERSION } from "./version.ts";

export function sinkCommand(): Command {
  const cmd = new Command("sink")
    .description(
      "Consume Avro (or JSON) records from Kafka and write MongoDB documents, configured with " +
        "KCQL as the Lenses Stream Reactor MongoDB sink connector is. At least once: offsets are " +
        "committed only after MongoDB acknowledged every record up to them. Poison records go " +
        "to a dead-letter topic.",
    );
  const [kcql, config, ...rest] = Object.values(SINK_OPTIONS) as OptionSpec<unknown>[];
  cmd.addOption(toOption(kcql)).addOption(toOption(config));
  cmd.addOption(brokersOption()).addOption(registryOption());
  for (const spec of rest) cmd.addOption(toOption(spec));
  for (const o of [...kafkaSecurityOptions(), ...registryAuthOptions()]) cmd.addOption(o);
  cmd.addOption(httpOption(HTTP_DEFAULTS.sink));
  for (const o of logOptions()) cmd.addOption(o);
  return cmd.action(async (raw: Record<string, unknown>, command: Command) => {
    const log = createLogger({
      level: raw.logLevel as LogLevel,
      format: raw.logFormat as LogFormat,
    });
    const given = (name: string) => givenByUser(command.getOptionValueSource(name));
    // One rule for every setting: flags (command line or environment) over the file over the
    // defaults. The flags also take part in the file's own checks (e.g. KCQL given as a flag).
    const overrides: SinkOverrides = sinkFileOverrides(raw, given);
    if (given("registry")) overrides.registryUrl = raw.registry as string;
    const configPath = raw.config as string | undefined;
    // A --config file that cannot be read or is wrong is a usage error (exit 2), as a bad flag is.
    const file = configPath
      ? await loadSinkConfigFile(configPath, { overrides }).catch((error: Error) => {
        throw new UsageError(error.message);
      })
      : undefined;
    for (const w of file?.warnings ?? []) log.warn(`${configPath}: ${w}`);
    const options = resolveSinkOptions(raw, given, file?.settings);
    const registryUrl = given("registry") || !file?.settings.registryUrl
      ? raw.registry as string
      : file.settings.registryUrl;
    const kafkaSecurity = await commandKafkaSecurity(
      raw,
      log,
      file?.settings.kafkaSecurity
        ? [{ input: file.settings.kafkaSecurity, origin: `--config ${configPath}` }]
        : [],
    );
    const brokers = !given("brokers") && kafkaSecurity.brokers
      ? kafkaSecurity.brokers
      : raw.brokers as string;
    const registryAuth = commandRegistryAuth(raw, {
      userInfo: file?.settings.registryUserInfo,
      bearerToken: file?.settings.registryBearerToken,
    });

    const kcqlText = options.kcql;
    if (!kcqlText) {
      throw new UsageError(
        'no KCQL: give --kcql "INSERT INTO ... SELECT ... FROM ..." or --config <file>',
      );
    }
    let plans: KcqlPlan[];
    try {
      const parsed = parseKcql(kcqlText);
      plans = parsed.statements;
      // KCQL from the file is placed in the file (its value may span continued lines).
      const inFile = given("kcql") ? undefined : file?.kcqlLocation;
      for (const w of parsed.warnings) {
        const at = inFile?.(w.line, w.column);
        log.warn(
          at
            ? `${configPath}: KCQL at line ${at.line}, column ${at.column}: ${w.message}`
            : `KCQL line ${w.line}, column ${w.column}: ${w.message}`,
        );
      }
    } catch (error) {
      if (error instanceof KcqlError) {
        throw new UsageError(`invalid KCQL:\n${error.format()}`);
      }
      throw error;
    }
    // A --config file's `topics` were checked against these sources when it was read.
    const topics = plans.map((p) => p.source);
    const defaultBatch = file?.settings.batchSize;
    if (defaultBatch !== undefined) {
      plans = plans.map((
        p,
      ) => (p.batchSize === DEFAULT_BATCH_SIZE ? { ...p, batchSize: defaultBatch } : p));
    }
    const name = file?.settings.name;
    const groupId = options.group ?? (name ? `connect-${name}` : "gateway-sink");
    const mongoUri = options.mongo;
    const mongoOptions = {
      ...mongoClientOptions({
        username: options.username,
        password: options.password,
        authMechanism: options.authMechanism as never,
        authSource: file?.settings.authSource,
        tls: file?.settings.tls,
      }),
      appName: `sensortag-gateway-sink@${hostname()}`,
    };
    // A connection string the driver cannot read is a usage error naming where it was given.
    const mongoProblem = mongoConnectionProblem(mongoUri, mongoOptions);
    if (mongoProblem) {
      const origin = given("mongo")
        ? (command.getOptionValueSource("mongo") === "env" ? "GATEWAY_MONGO" : "--mongo")
        : file?.settings.mongoUri
        ? `${configPath}: connect.mongo.connection`
        : "--mongo";
      throw new UsageError(
        `${origin}=${maskedMongoUri(mongoUri)} is not a usable MongoDB connection string: ` +
          mongoProblem,
      );
    }
    const decoder = await createValueDecoder({
      registryUrl,
      registryAuth,
      datesAs: options.dates,
      jsonDatetimeFields: (options.jsonDatetimeFields ?? "")
        .split(",").map((s) => s.trim()).filter(Boolean),
      maxValueBytes: options.maxValueBytes,
      tombstones: options.tombstones,
    });
    const signal = onStopSignal(log, {
      onSecondSignal: "records not committed yet are read again on the next start",
    });
    const dlqTemplate = meansNoDeadLetterTopic(options.dlqTopic) ? null : options.dlqTopic;
    log.info(
      dlqTemplate === null
        ? "no dead-letter topic: a record that cannot be written stops the sink"
        : "dead-letter topics",
      deadLetterSource(
        topics.map((t) => dlqTemplate?.replaceAll("{topic}", t) ?? "none").join(","),
        given("dlqTopic")
          ? "--dlq-topic"
          : file?.settings.deadLetterTopic !== undefined
          ? "config"
          : "default",
        configPath,
      ),
    );
    const kafka = createKafka({
      brokers: parseBrokers(brokers),
      clientId: `sensortag-gateway-sink-${hostname()}`,
      log,
      security: kafkaSecurity.security,
    });
    const ops = startSinkOps({
      http: raw.http as HttpAddress | null,
      httpOptional: command.getOptionValueSource("http") === "default",
      kafka,
      groupId,
      topics,
      registryUrl,
      registryAuth,
      mongoUri,
      mongoOptions,
      version: VERSION,
      log,
    });
    const summary = await runSink({
      topics,
      groupId,
      mongoUri,
      mongoOptions,
      database: options.database,
      policy: {
        errorPolicy: options.errorPolicy,
        maxRetries: options.maxRetries,
        retryIntervalMs: options.retryInterval,
      },
      deadLetterTopic: dlqTemplate === null
        ? null
        : (topic) => dlqTemplate.replaceAll("{topic}", topic),
      deadLetterReplicationFactor: options.dlqReplicationFactor,
      fromBeginning: options.from === "earliest",
      partitionsConsumedConcurrently: options.partitionsConcurrently,
      statsIntervalMs: options.statsInterval * 1000,
      sessionTimeoutMs: options.sessionTimeout * 1000,
      giveUpAfterMs: options.giveUpAfter * 1000,
      stallMs: options.stallTimeout === undefined ? undefined : options.stallTimeout * 1000,
    }, {
      kafka,
      pipeline: new KcqlPipeline(plans, decoder, options.tombstones, options.maxRecordBytes),
      log,
      signal,
      observer: ops.monitor,
    }).finally(() => ops.close()).catch((error) => {
      // A Kafka failure in words an operator acts on (auth, TLS, handshake), not "Closed connection".
      const failure = classifyKafkaError(error);
      if (failure.kind === "other") throw error;
      throw new Error(failure.message, { cause: error });
    });
    if (summary.fatal) Deno.exitCode = 1;
  });
}

/**
 * The start line's fields on dead letters: which topics, and who chose them. The gateway's
 * default applies when nothing names one, even for a connector file (Kafka Connect would have
 * none there): the line says so, and how to turn it off.
 */
export function deadLetterSource(
  topics: string,
  from: "--dlq-topic" | "config" | "default",
  configPath: string | undefined,
): Record<string, string> {
  if (from === "--dlq-topic") return { topics, setBy: "--dlq-topic (GATEWAY_DLQ_TOPIC)" };
  if (from === "config") {
    return { topics, setBy: `${configPath} (errors.deadletterqueue.topic.name)` };
  }
  return {
    topics,
    setBy: "the gateway's default, {topic}-dlq",
    ...(configPath
      ? {
        note: `${configPath} names no dead-letter topic (Kafka Connect would have none); ` +
          "errors.deadletterqueue.topic.name=none or --dlq-topic none turns it off",
      }
      : { note: "--dlq-topic none turns it off" }),
  };
}
