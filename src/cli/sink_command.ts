/** `gateway sink --kcql "INSERT INTO sensortag SELECT * FROM sensortag-avro"` */
import { Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "./usage_error.ts";
import { hostname } from "node:os";
import { createKafka, parseBrokers } from "../kafka/client.ts";
import { ERROR_POLICIES, type ErrorPolicy } from "../sink/io/bulk_writer.ts";
import {
  KcqlPipeline,
  TOMBSTONE_POLICIES,
  type TombstonePolicy,
} from "../sink/io/kcql_pipeline.ts";
import { runSink } from "../sink/io/run_sink.ts";
import { KcqlError } from "../sink/kcql/errors.ts";
import { DEFAULT_BATCH_SIZE, type KcqlPlan, parseKcql } from "../sink/kcql/plan.ts";
import { createLogger, type LogFormat, type LogLevel } from "../util/log.ts";
import { onStopSignal } from "../util/signals.ts";
import { createValueDecoder } from "../sink/values/create_decoder.ts";
import { mongoClientOptions } from "../sink/config/mongo_options.ts";
import { loadSinkConfigFile, type SinkOverrides } from "../sink/config/connector_properties.ts";
import { brokersOption, DEFAULTS, logOptions, registryOption } from "./common_options.ts";
import { byteSize, oneOf, positiveInt } from "./option_values.ts";

interface SinkOptions {
  kcql?: string;
  config?: string;
  brokers: string;
  registry: string;
  mongo: string;
  database: string;
  username?: string;
  password?: string;
  authMechanism?: string;
  group?: string;
  errorPolicy: ErrorPolicy;
  maxRetries: number;
  retryInterval: number;
  dlqTopic: string;
  tombstones: TombstonePolicy;
  dates: "date" | "string";
  jsonDatetimeFields?: string;
  from: "earliest" | "latest";
  maxValueBytes: number;
  partitionsConcurrently: number;
  statsInterval: number;
  sessionTimeout: number;
  giveUpAfter: number;
  stallTimeout?: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export function sinkCommand(): Command {
  const cmd = new Command("sink")
    .description(
      "Consume Avro (or JSON) records from Kafka and write MongoDB documents, configured with KCQL\n" +
        "as the Lenses Stream Reactor MongoDB sink connector is. At least once: offsets are committed\n" +
        "only after MongoDB acknowledged every record up to them. Poison records go to a dead-letter topic.",
    )
    .addOption(
      new Option(
        "--kcql <statements>",
        'KCQL, e.g. "INSERT INTO sensortag SELECT * FROM sensortag-avro"',
      ).env("GATEWAY_KCQL"),
    )
    .addOption(
      new Option(
        "--config <file>",
        "the connector's .properties file, unchanged (flags override it)",
      ).env("GATEWAY_SINK_CONFIG"),
    )
    .addOption(brokersOption())
    .addOption(registryOption())
    .addOption(
      new Option("--mongo <uri>", "MongoDB connection string").env("GATEWAY_MONGO").default(
        DEFAULTS.mongo,
      ),
    )
    .addOption(
      new Option("--database <name>", "MongoDB database").env("GATEWAY_DATABASE").default(
        DEFAULTS.database,
      ),
    )
    .addOption(new Option("--username <name>", "MongoDB user").env("GATEWAY_MONGO_USERNAME"))
    .addOption(
      new Option("--password <secret>", "MongoDB password (prefer the environment variable)").env(
        "GATEWAY_MONGO_PASSWORD",
      ),
    )
    .addOption(
      new Option("--auth-mechanism <m>", "SCRAM-SHA-1, SCRAM-SHA-256, MONGODB-X509, PLAIN, GSSAPI")
        .env("GATEWAY_MONGO_AUTH_MECHANISM"),
    )
    .addOption(
      new Option(
        "--group <id>",
        "consumer group (default: connect-<name> from --config, else gateway-sink)",
      ).env("GATEWAY_GROUP"),
    )
    .addOption(
      new Option(
        "--error-policy <policy>",
        "on a write MongoDB rejects: NOOP (dead-letter it), THROW (stop), RETRY",
      )
        .env("GATEWAY_ERROR_POLICY").default("THROW").argParser((v) =>
          oneOf("--error-policy", ERROR_POLICIES.map((p) => p.toLowerCase()))(v)
            .toUpperCase() as ErrorPolicy
        ),
    )
    .addOption(
      new Option("--max-retries <n>", "RETRY policy: attempts").env("GATEWAY_MAX_RETRIES").default(
        20,
      ).argParser(positiveInt("--max-retries")),
    )
    .addOption(
      new Option("--retry-interval <ms>", "RETRY policy: pause between attempts").env(
        "GATEWAY_RETRY_INTERVAL",
      ).default(60_000).argParser(positiveInt("--retry-interval")),
    )
    .addOption(
      new Option("--dlq-topic <name>", "dead-letter topic; {topic} is replaced by the source topic")
        .env("GATEWAY_DLQ_TOPIC").default("{topic}-dlq"),
    )
    .addOption(
      new Option(
        "--tombstones <policy>",
        "null values: dlq, skip, or delete the document (needs a PK from the key)",
      )
        .env("GATEWAY_TOMBSTONES").default("dlq").argParser(
          oneOf("--tombstones", TOMBSTONE_POLICIES),
        ),
    )
    .addOption(
      new Option(
        "--dates <as>",
        "Avro timestamps/dates as BSON dates, or as strings like the connector",
      )
        .env("GATEWAY_DATES").default("date").argParser(
          oneOf("--dates", ["date", "string"] as const),
        ),
    )
    .addOption(
      new Option("--json-datetime-fields <list>", "JSON values: fields (dotted) to store as dates")
        .env("GATEWAY_JSON_DATETIME_FIELDS"),
    )
    .addOption(
      new Option("--from <where>", "a new group starts at the earliest or latest offset").env(
        "GATEWAY_FROM",
      ).default("earliest").argParser(oneOf("--from", ["earliest", "latest"] as const)),
    )
    .addOption(
      new Option("--max-value-bytes <size>", "larger values are dead-lettered").env(
        "GATEWAY_MAX_VALUE_BYTES",
      ).default(1024 * 1024, "1MB").argParser(byteSize("--max-value-bytes")),
    )
    .addOption(
      new Option(
        "--partitions-concurrently <n>",
        "partitions written in parallel (order within each is kept)",
      ).env("GATEWAY_PARTITIONS_CONCURRENTLY").default(3).argParser(
        positiveInt("--partitions-concurrently", 64),
      ),
    )
    .addOption(
      new Option("--stats-interval <seconds>", "how often to log counters").env(
        "GATEWAY_STATS_INTERVAL",
      ).default(60).argParser(positiveInt("--stats-interval")),
    );
  cmd.addOption(
    new Option(
      "--session-timeout <seconds>",
      "consumer group session timeout: how soon a dead sink's partitions move",
    )
      .env("GATEWAY_SESSION_TIMEOUT").default(30).argParser(positiveInt("--session-timeout", 3600)),
  );
  cmd.addOption(
    new Option(
      "--give-up-after <seconds>",
      "how long Kafka unreachable at start, or refused credentials / an untrusted certificate " +
        "(Kafka, registry, MongoDB), are retried before the sink exits non-zero (0: never)",
    )
      .env("GATEWAY_GIVE_UP_AFTER").default(300).argParser((v: string) => {
        if (!/^\d+$/.test(v.trim())) {
          throw new InvalidArgumentError(
            `--give-up-after must be a whole number of seconds (0: never), got "${v}"`,
          );
        }
        return Number(v);
      }),
  );
  cmd.addOption(
    new Option(
      "--stall-timeout <seconds>",
      "records waiting and no batch handled for this long: the consumer is stuck, the sink " +
        "exits non-zero (default: 120, or 4 session timeouts if longer)",
    ).env("GATEWAY_STALL_TIMEOUT").argParser(positiveInt("--stall-timeout")),
  );
  for (const o of logOptions()) cmd.addOption(o);
  return cmd.action(async (options: SinkOptions, command: Command) => {
    const log = createLogger({ level: options.logLevel, format: options.logFormat });
    const fromFlags = (name: keyof SinkOptions) =>
      command.getOptionValueSource(name) === "cli" || command.getOptionValueSource(name) === "env";
    // Flags given on the command line or in the environment replace the file's keys.
    const overrides: SinkOverrides = {};
    const given = <K extends keyof SinkOverrides>(
      key: K,
      flag: keyof SinkOptions,
      value: SinkOverrides[K],
    ) => {
      if (fromFlags(flag) && value !== undefined) overrides[key] = value;
    };
    given("kcql", "kcql", options.kcql);
    given("mongoUri", "mongo", options.mongo);
    given("database", "database", options.database);
    given("username", "username", options.username);
    given("password", "password", options.password);
    given("errorPolicy", "errorPolicy", options.errorPolicy);
    given("maxRetries", "maxRetries", options.maxRetries);
    given("retryIntervalMs", "retryInterval", options.retryInterval);
    given("registryUrl", "registry", options.registry);
    const file = options.config
      ? await loadSinkConfigFile(options.config, { overrides })
      : undefined;
    for (const w of file?.warnings ?? []) log.warn(`${options.config}: ${w}`);
    const pick = <K extends keyof SinkOptions>(
      name: K,
      fromFile: SinkOptions[K] | undefined,
    ): SinkOptions[K] => fromFlags(name) || fromFile === undefined ? options[name] : fromFile;

    const kcqlText = pick("kcql", file?.settings.kcql);
    if (!kcqlText) {
      throw new UsageError(
        'no KCQL: give --kcql "INSERT INTO ... SELECT ... FROM ..." or --config <file>',
      );
    }
    let plans: KcqlPlan[];
    try {
      const parsed = parseKcql(kcqlText);
      plans = parsed.statements;
      for (const w of parsed.warnings) {
        log.warn(`KCQL line ${w.line}, column ${w.column}: ${w.message}`);
      }
    } catch (error) {
      if (error instanceof KcqlError) {
        throw new UsageError(`invalid KCQL:\n${error.format()}`);
      }
      throw error;
    }
    const topics = plans.map((p) => p.source);
    const listed = file?.settings.topics;
    if (listed) {
      const unread = listed.filter((t) => !topics.includes(t));
      const unlisted = topics.filter((t) => !listed.includes(t));
      if (unread.length > 0 || unlisted.length > 0) {
        throw new UsageError(
          `${options.config}: topics and KCQL disagree` +
            (unread.length
              ? `; topics lists ${unread.join(", ")} that no KCQL statement reads`
              : "") +
            (unlisted.length
              ? `; KCQL reads ${unlisted.join(", ")} that topics does not list`
              : ""),
        );
      }
    }
    const defaultBatch = file?.settings.batchSize;
    if (defaultBatch !== undefined) {
      plans = plans.map((
        p,
      ) => (p.batchSize === DEFAULT_BATCH_SIZE ? { ...p, batchSize: defaultBatch } : p));
    }
    const name = file?.settings.name;
    const groupId = options.group ?? (name ? `connect-${name}` : "gateway-sink");
    const registryUrl = pick("registry", file?.settings.registryUrl);
    const mongoUri = pick("mongo", file?.settings.mongoUri);
    const decoder = await createValueDecoder({
      registryUrl,
      datesAs: options.dates,
      jsonDatetimeFields:
        (pick("jsonDatetimeFields", file?.settings.jsonDatetimeFields?.join(",")) ?? "")
          .split(",").map((s) => s.trim()).filter(Boolean),
      maxValueBytes: options.maxValueBytes,
      tombstones: options.tombstones,
    });
    const signal = onStopSignal(log, {
      onSecondSignal: "records not committed yet are read again on the next start",
    });
    const dlqTemplate = pick("dlqTopic", file?.settings.deadLetterTopic);
    const summary = await runSink({
      topics,
      groupId,
      mongoUri,
      mongoOptions: {
        ...mongoClientOptions({
          username: pick("username", file?.settings.username),
          password: pick("password", file?.settings.password),
          authMechanism: (options.authMechanism ?? file?.settings.authMechanism) as never,
          authSource: file?.settings.authSource,
          tls: file?.settings.tls,
        }),
        appName: `sensortag-gateway-sink@${hostname()}`,
      },
      database: pick("database", file?.settings.database),
      policy: {
        errorPolicy: pick("errorPolicy", file?.settings.errorPolicy),
        maxRetries: pick("maxRetries", file?.settings.maxRetries),
        retryIntervalMs: pick("retryInterval", file?.settings.retryIntervalMs),
      },
      deadLetterTopic: (topic) => dlqTemplate.replaceAll("{topic}", topic),
      fromBeginning: options.from === "earliest",
      partitionsConsumedConcurrently: options.partitionsConcurrently,
      statsIntervalMs: options.statsInterval * 1000,
      sessionTimeoutMs: options.sessionTimeout * 1000,
      giveUpAfterMs: options.giveUpAfter * 1000,
      stallMs: options.stallTimeout === undefined ? undefined : options.stallTimeout * 1000,
    }, {
      kafka: createKafka({
        brokers: parseBrokers(options.brokers),
        clientId: `sensortag-gateway-sink-${hostname()}`,
        log,
      }),
      pipeline: new KcqlPipeline(plans, decoder, options.tombstones),
      log,
      signal,
    });
    if (summary.fatal) Deno.exitCode = 1;
  });
}
