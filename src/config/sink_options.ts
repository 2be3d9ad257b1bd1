/**
 * Every setting of `gateway sink` in one table, as a component's config spec sits at its top:
 * flag, environment variable, the connector-file keys it stands for, its kind (type and range),
 * default and help. Flags, the connector file (src/sink/config/sink_settings.ts) and `--help` all
 * read it, so a setting has one default and one rule for what it accepts.
 * {@linkcode resolveSinkOptions} applies the one merge — flags (command line or environment) over
 * the file over the defaults. Kafka security and registry credentials come from their shared
 * modules.
 */
import { InvalidArgumentError } from "commander";
import { DEFAULT_MAX_RECORD_BYTES } from "../sink/values/record_size.ts";
import type { OptionSpec } from "./option_spec.ts";
import type { SinkSettings } from "../sink/config/sink_settings.ts";
import {
  ERROR_POLICIES,
  type ErrorPolicy,
  TOMBSTONE_POLICIES,
  type TombstonePolicy,
} from "../sink/policies.ts";
import { registerSecret } from "../util/redact.ts";
import { byteSize, duration, oneOf, positiveInt } from "../cli/option_values.ts";
import { type DurationBounds, durationHelp } from "../util/duration.ts";
import { choice, durationIn, type SettingKind, wholeNumber } from "./setting_kinds.ts";

/** The bounds of the sink's duration options (a plain number in the unit given). */
export const SINK_DURATIONS = {
  /**
   * The pause between RETRY attempts (connect.mongo.retry.interval, `--retry-interval`): plain
   * numbers in milliseconds as in the connector, at most a day; 0 retries at once.
   */
  retryInterval: { unit: "ms", maxMs: 86_400_000, zero: "retry at once" },
  statsInterval: { unit: "s", maxMs: 86_400_000 },
  sessionTimeout: { unit: "s", maxMs: 3_600_000 },
  giveUpAfter: { unit: "s", maxMs: 86_400_000, zero: "never" },
  stallTimeout: { unit: "s", maxMs: 86_400_000 },
} as const satisfies Record<string, DurationBounds>;

/** MongoDB authentication mechanisms a gateway can use (the connector's, less those the Node driver lacks). */
export const MONGO_AUTH_MECHANISMS = [
  "SCRAM-SHA-1",
  "SCRAM-SHA-256",
  "MONGODB-X509",
  "PLAIN",
] as const;

/** A sink option: its spec, and the connector-file setting it stands for (if any). */
export interface SinkOptionSpec<T> extends OptionSpec<T> {
  /** The SinkSettings field a connector file sets for this option. */
  file?: keyof SinkSettings;
  /** The connector's keys for this setting, newest first (every era's name is read). */
  keys?: readonly string[];
  /**
   * What the value may be, for the flag and the file's keys alike (the flag's `parse` is made
   * from it by {@linkcode sinkOption}).
   */
  kind?: SettingKind<T>;
}

/** A spec whose flag parser is its kind's, so flag and file keys share one check. */
function sinkOption<T>(spec: SinkOptionSpec<T>): SinkOptionSpec<T> {
  if (!spec.kind) return spec;
  const long = spec.flag.split(/\s+/)[0];
  return { ...spec, parse: spec.kind.flag(long) };
}

/** The sink's own options (brokers, registry, security and log options are shared ones). */
export const SINK_OPTIONS = {
  kcql: {
    flag: "--kcql <statements>",
    env: "GATEWAY_KCQL",
    help: 'KCQL, e.g. "INSERT INTO sensortag SELECT * FROM sensortag-avro"',
    file: "kcql",
    keys: ["connect.mongo.kcql", "connect.mongo.sink.kcql"],
  } as SinkOptionSpec<string>,
  config: {
    flag: "--config <file>",
    env: "GATEWAY_SINK_CONFIG",
    help: "the connector's .properties file, unchanged (flags override it)",
  } as SinkOptionSpec<string>,
  mongo: {
    flag: "--mongo <uri>",
    env: "GATEWAY_MONGO",
    help: "MongoDB connection string",
    default: "mongodb://127.0.0.1:27017",
    file: "mongoUri",
    keys: ["connect.mongo.connection"],
    parse: (text: string) => {
      // A password in the URI is a secret from here on, even in error messages.
      const m = /^[a-z+]+:\/\/[^:@/]*:([^@/]+)@/i.exec(text);
      if (m) registerSecret(decodeURIComponent(m[1]));
      return text;
    },
  } as SinkOptionSpec<string>,
  database: {
    flag: "--database <name>",
    env: "GATEWAY_DATABASE",
    help: "MongoDB database",
    default: "connect-db",
    file: "database",
    keys: ["connect.mongo.db", "connect.mongo.database"],
  } as SinkOptionSpec<string>,
  username: {
    flag: "--username <name>",
    env: "GATEWAY_MONGO_USERNAME",
    help: "MongoDB user",
    file: "username",
    keys: ["connect.mongo.username"],
  } as SinkOptionSpec<string>,
  password: {
    flag: "--password <secret>",
    env: "GATEWAY_MONGO_PASSWORD",
    help: "MongoDB password (prefer the environment variable)",
    file: "password",
    keys: ["connect.mongo.password"],
    secret: true,
    parse: (text: string) => registerSecret(text),
  } as SinkOptionSpec<string>,
  authMechanism: {
    flag: "--auth-mechanism <m>",
    env: "GATEWAY_MONGO_AUTH_MECHANISM",
    help: MONGO_AUTH_MECHANISMS.join(", "),
    file: "authMechanism",
    keys: ["connect.mongo.auth.mechanism"],
    parse: (text: string) => {
      const upper = text.trim().toUpperCase();
      if (!(MONGO_AUTH_MECHANISMS as readonly string[]).includes(upper)) {
        throw new InvalidArgumentError(
          `--auth-mechanism must be one of ${MONGO_AUTH_MECHANISMS.join(", ")}, got "${text}"`,
        );
      }
      return upper;
    },
  } as SinkOptionSpec<string>,
  group: {
    flag: "--group <id>",
    env: "GATEWAY_GROUP",
    help: "consumer group (default: connect-<name> from --config, else gateway-sink)",
  } as SinkOptionSpec<string>,
  errorPolicy: sinkOption<ErrorPolicy>({
    flag: "--error-policy <policy>",
    env: "GATEWAY_ERROR_POLICY",
    help: "on a write MongoDB rejects: NOOP (dead-letter it), THROW (stop), RETRY",
    default: "THROW",
    kind: choice(ERROR_POLICIES),
    file: "errorPolicy",
    keys: ["connect.mongo.error.policy"],
  }),
  maxRetries: sinkOption<number>({
    flag: "--max-retries <n>",
    env: "GATEWAY_MAX_RETRIES",
    help: "RETRY policy: retries of a rejected write before the sink stops (0: none)",
    default: 20,
    kind: wholeNumber(0),
    file: "maxRetries",
    keys: ["connect.mongo.max.retries"],
  }),
  retryInterval: sinkOption<number>({
    flag: "--retry-interval <ms>",
    env: "GATEWAY_RETRY_INTERVAL",
    help: `RETRY policy: pause between attempts (${durationHelp(SINK_DURATIONS.retryInterval)})`,
    default: 60_000,
    kind: durationIn(SINK_DURATIONS.retryInterval),
    file: "retryIntervalMs",
    keys: ["connect.mongo.retry.interval"],
  }),
  dlqTopic: {
    flag: "--dlq-topic <name>",
    env: "GATEWAY_DLQ_TOPIC",
    help: "dead-letter topic; {topic} is replaced by the source topic; none: no dead-letter " +
      "topic, a record that cannot be written stops the sink",
    default: "{topic}-dlq",
    file: "deadLetterTopic",
    keys: ["errors.deadletterqueue.topic.name"],
  } as SinkOptionSpec<string>,
  dlqReplicationFactor: sinkOption<number>({
    flag: "--dlq-replication-factor <n>",
    env: "GATEWAY_DLQ_REPLICATION_FACTOR",
    help: "replicas of a dead-letter topic the sink creates at start (one partition; default: " +
      "the broker's default.replication.factor)",
    kind: wholeNumber(1, 32767),
    file: "deadLetterReplicationFactor",
    keys: ["errors.deadletterqueue.topic.replication.factor"],
  }),
  tombstones: {
    flag: "--tombstones <policy>",
    env: "GATEWAY_TOMBSTONES",
    help: "null values: dlq, skip, or delete the document (needs a PK from the key)",
    default: "dlq",
    parse: oneOf("--tombstones", TOMBSTONE_POLICIES),
  } as SinkOptionSpec<TombstonePolicy>,
  dates: {
    flag: "--dates <as>",
    env: "GATEWAY_DATES",
    help: "Avro timestamps/dates as BSON dates, or as strings like the connector",
    default: "date",
    parse: oneOf("--dates", ["date", "string"] as const),
  } as SinkOptionSpec<"date" | "string">,
  jsonDatetimeFields: {
    flag: "--json-datetime-fields <list>",
    env: "GATEWAY_JSON_DATETIME_FIELDS",
    help: "JSON values: fields (dotted) to store as dates",
    file: "jsonDatetimeFields",
    keys: ["connect.mongo.json_datetime_fields"],
  } as SinkOptionSpec<string>,
  from: {
    flag: "--from <where>",
    env: "GATEWAY_FROM",
    help: "a new group starts at the earliest or latest offset",
    default: "earliest",
    parse: oneOf("--from", ["earliest", "latest"] as const),
  } as SinkOptionSpec<"earliest" | "latest">,
  maxValueBytes: {
    flag: "--max-value-bytes <size>",
    env: "GATEWAY_MAX_VALUE_BYTES",
    help: "larger values are dead-lettered",
    default: 1024 * 1024,
    defaultHelp: "1MiB",
    parse: byteSize("--max-value-bytes"),
  } as SinkOptionSpec<number>,
  maxRecordBytes: {
    flag: "--max-record-bytes <size>",
    env: "GATEWAY_MAX_RECORD_BYTES",
    help: "larger records (key + value + headers) are dead-lettered before any decoding",
    default: DEFAULT_MAX_RECORD_BYTES,
    defaultHelp: "8MiB",
    parse: byteSize("--max-record-bytes"),
  } as SinkOptionSpec<number>,
  partitionsConcurrently: {
    flag: "--partitions-concurrently <n>",
    env: "GATEWAY_PARTITIONS_CONCURRENTLY",
    help: "partitions written in parallel (order within each is kept)",
    default: 3,
    parse: positiveInt("--partitions-concurrently", 64),
  } as SinkOptionSpec<number>,
  statsInterval: {
    flag: "--stats-interval <seconds>",
    env: "GATEWAY_STATS_INTERVAL",
    help: `how often to log counters (${durationHelp(SINK_DURATIONS.statsInterval)})`,
    default: 60,
    parse: duration("--stats-interval", SINK_DURATIONS.statsInterval),
  } as SinkOptionSpec<number>,
  sessionTimeout: {
    flag: "--session-timeout <seconds>",
    env: "GATEWAY_SESSION_TIMEOUT",
    help: "consumer group session timeout: how soon a dead sink's partitions move " +
      `(${durationHelp(SINK_DURATIONS.sessionTimeout)})`,
    default: 30,
    parse: duration("--session-timeout", SINK_DURATIONS.sessionTimeout),
  } as SinkOptionSpec<number>,
  giveUpAfter: {
    flag: "--give-up-after <seconds>",
    env: "GATEWAY_GIVE_UP_AFTER",
    help:
      "how long Kafka unreachable at start, or refused credentials / an untrusted certificate " +
      "(Kafka, registry, MongoDB), are retried before the sink exits non-zero " +
      `(${durationHelp(SINK_DURATIONS.giveUpAfter)})`,
    default: 300,
    parse: duration("--give-up-after", SINK_DURATIONS.giveUpAfter),
  } as SinkOptionSpec<number>,
  stallTimeout: {
    flag: "--stall-timeout <seconds>",
    env: "GATEWAY_STALL_TIMEOUT",
    help: "Kafka answering, records waiting and no batch handled for this long: the consumer is " +
      "stuck, the sink exits non-zero (default: 120, or 4 session timeouts if longer; Kafka away " +
      "or a write waiting on MongoDB is never a stall; " +
      `${durationHelp(SINK_DURATIONS.stallTimeout)})`,
    parse: duration("--stall-timeout", SINK_DURATIONS.stallTimeout),
  } as SinkOptionSpec<number>,
};

/** The option keys of the table. */
export type SinkOptionName = keyof typeof SINK_OPTIONS;

/** The value type of each option. */
export type SinkOptionValues = {
  [K in SinkOptionName]: (typeof SINK_OPTIONS)[K] extends SinkOptionSpec<infer T> ? T : never;
};

/** The flag-given values as overrides of the connector file's settings (for its checks). */
export function sinkFileOverrides(
  values: Partial<Record<string, unknown>>,
  given: (name: string) => boolean,
): Partial<SinkSettings> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(SINK_OPTIONS) as [string, SinkOptionSpec<unknown>][]) {
    if (!spec.file || !given(name) || values[name] === undefined) continue;
    out[spec.file] = toFileValue(spec.file, values[name]);
  }
  return out as Partial<SinkSettings>;
}

function toFileValue(field: keyof SinkSettings, value: unknown): unknown {
  if (field === "jsonDatetimeFields" && typeof value === "string") {
    return value.split(",").map((s) => s.trim()).filter(Boolean);
  }
  return value;
}

/**
 * The one merge: for every option, the flag when the user gave it (command line or
 * environment), else the connector file's setting, else the default.
 */
export function resolveSinkOptions(
  values: Partial<Record<string, unknown>>,
  given: (name: string) => boolean,
  file?: Partial<SinkSettings>,
): SinkOptionValues {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(SINK_OPTIONS) as [string, SinkOptionSpec<unknown>][]) {
    const fromFlag = values[name];
    let fromFile: unknown = spec.file ? file?.[spec.file] : undefined;
    if (name === "jsonDatetimeFields" && Array.isArray(fromFile)) fromFile = fromFile.join(",");
    out[name] = given(name) && fromFlag !== undefined
      ? fromFlag
      : fromFile !== undefined
      ? fromFile
      : fromFlag ?? spec.default;
  }
  return out as SinkOptionValues;
}
