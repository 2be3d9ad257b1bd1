/**
 * The Stream Reactor MongoDB sink connector's properties → the settings of a
 * `gateway sink`. The keys of every connector era are accepted (the
 * DataMountaineer `connect.mongo.sink.kcql` / `connect.mongo.database` /
 * `connect.mongo.sink.batch.size` and the Lenses `connect.mongo.kcql` /
 * `connect.mongo.db` / `connect.mongo.batch.size`); an old and a new key with
 * different values is an error naming both. The keys, defaults and what each
 * value may be come from the sink's option table (src/config/sink_options.ts),
 * so a key and its flag accept the same values; the defaults are the
 * connector's (error policy THROW, 20 retries, 60000 ms between them). As in
 * the connector, `topics` and the KCQL sources must be the same set (checked
 * here only: the command relies on it). Keys that mean nothing
 * for a gateway (or that it cannot honour) are reported once each as
 * warnings, never silently dropped; problems are collected and reported
 * together.
 */
import { parseKcql } from "../kcql/plan.ts";
import {
  type FilePosition,
  type JavaProperties,
  parseJavaProperties,
} from "../../config/java_properties.ts";
import { KcqlError, KcqlSyntaxError } from "../kcql/errors.ts";
import { editDistance } from "../kcql/clauses.ts";
import {
  KAFKA_SECURITY_KEYS_READ,
  kafkaSecurityFromProperties,
  type KafkaSecurityInput,
} from "../../config/kafka_security.ts";
import { registerSecret } from "../../util/redact.ts";
import type { ErrorPolicy } from "../policies.ts";
import {
  MONGO_AUTH_MECHANISMS,
  SINK_OPTIONS,
  type SinkOptionName,
  type SinkOptionSpec,
} from "../../config/sink_options.ts";

/** Authentication mechanisms a gateway can use (the connector's, less those the Node driver lacks). */
export type MongoAuthMechanism = (typeof MONGO_AUTH_MECHANISMS)[number];

export interface TlsSettings {
  /** ssl.truststore.location with ssl.truststore.type=PEM. */
  caFile?: string;
  /** ssl.keystore.location with ssl.keystore.type=PEM (certificate and key in one file). */
  certificateKeyFile?: string;
  /** ssl.key.password, else ssl.keystore.password, for an encrypted PEM key. */
  certificateKeyFilePassword?: string;
  /** ssl.endpoint.identification.algorithm set to empty. */
  allowInvalidHostnames?: boolean;
}

export interface SinkSettings {
  kcql: string;
  database: string;
  mongoUri: string;
  username?: string;
  password?: string;
  authMechanism?: MongoAuthMechanism;
  /** Where the user is defined: the connector authenticates against the target database ($external for X.509). */
  authSource?: string;
  tls?: TlsSettings;
  /** connect.mongo.batch.size: the batch for statements without BATCH. */
  batchSize?: number;
  errorPolicy: ErrorPolicy;
  maxRetries: number;
  retryIntervalMs: number;
  jsonDatetimeFields: string[];
  /** The topics to read: `topics`, or the KCQL sources when `topics` is absent. */
  topics: string[];
  /** The connector name; a gateway's consumer group is `connect-<name>`, as Connect's. */
  name?: string;
  registryUrl?: string;
  /** `user:password` for the registry (basic.auth.credentials.source=USER_INFO). */
  registryUserInfo?: string;
  /** A static registry token (bearer.auth.credentials.source=STATIC_TOKEN). */
  registryBearerToken?: string;
  /**
   * Kafka TLS/SASL from `consumer.override.*` (first) and the top-level Java client keys; the
   * dead-letter producer uses the same.
   */
  kafkaSecurity?: KafkaSecurityInput;
  deadLetterTopic?: string;
  /**
   * errors.deadletterqueue.topic.replication.factor: replicas of a dead-letter topic the sink
   * creates (undefined, or -1 in the file: the broker's default).
   */
  deadLetterReplicationFactor?: number;
}

/** Settings given another way (command-line flags) that replace the file's keys for them. */
export type SinkOverrides = Partial<Omit<SinkSettings, "topics" | "tls" | "kafkaSecurity">>;

export interface SinkSettingsOptions {
  overrides?: SinkOverrides;
  /** The topics a KCQL text reads; default: parsed with the gateway's KCQL parser. */
  sourcesOf?: (kcql: string) => string[];
}

export interface SinkSettingsResult {
  settings: SinkSettings;
  warnings: string[];
  /**
   * When the KCQL is the file's: where a line and column of the KCQL text stand in the file (the
   * value may span continued lines and hold escapes).
   */
  kcqlLocation?: (line: number, column: number) => FilePosition | undefined;
}

/** The properties are unusable; `problems` lists every one found. */
export class SinkConfigError extends Error {
  override name = "SinkConfigError";
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `\n- ${problems.join("\n- ")}`);
  }
}

/** The option table's settings that a connector file sets, by SinkSettings field. */
const FILE_OPTIONS = Object.fromEntries(
  (Object.entries(SINK_OPTIONS) as [SinkOptionName, SinkOptionSpec<unknown>][])
    .filter(([, spec]) => spec.file !== undefined && spec.keys !== undefined)
    .map(([, spec]) => [spec.file!, spec]),
) as Partial<Record<keyof SinkSettings, SinkOptionSpec<unknown>>>;

/** Each setting's keys, newest first: the option table's, and the file-only settings'. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(Object.entries(FILE_OPTIONS).map(([field, spec]) => [field, spec!.keys!])),
  batchSize: ["connect.mongo.batch.size", "connect.mongo.sink.batch.size"],
  topics: ["topics"],
  name: ["name"],
};
type FileSetting = keyof SinkSettings;

const CONVERTERS_DECODED = [
  "io.confluent.connect.avro.AvroConverter",
  "org.apache.kafka.connect.json.JsonConverter",
  "org.apache.kafka.connect.storage.StringConverter",
];

const MECHANISMS: Record<string, MongoAuthMechanism | string> = {
  ...Object.fromEntries(MONGO_AUTH_MECHANISMS.map((m) => [m, m])),
  "GSSAPI":
    "GSSAPI (Kerberos) needs the native kerberos module, which a gateway does not include; use SCRAM-SHA-256 or MONGODB-X509",
  "MONGODB-CR":
    "MONGODB-CR was removed in MongoDB 4.0 and from the driver; use SCRAM-SHA-1 or SCRAM-SHA-256",
  "MONGODB-AWS": "MONGODB-AWS is not supported by the connector nor by a gateway",
  "MONGODB-OIDC": "MONGODB-OIDC is not supported by the connector nor by a gateway",
};

/** Keys with no effect here, and why (a function when it depends on the value). */
const NO_EFFECT: Record<string, string | ((v: string) => string | undefined)> = {
  "connect.progress.enabled":
    "connect.progress.enabled: a gateway always logs its counters (every --stats-interval seconds)",
  "errors.tolerance": (v) =>
    v.trim().toLowerCase() === "all"
      ? undefined
      : `errors.tolerance=${v}: a gateway does not stop on a record it cannot decode; it dead-letters it`,
  "errors.log.enable": "errors.log.enable: a gateway always logs the records it dead-letters",
  "errors.log.include.messages":
    "errors.log.include.messages: a gateway logs where a dead-lettered record was, not its content",
  "errors.retry.timeout":
    "errors.retry.timeout: use connect.mongo.error.policy=RETRY with connect.mongo.max.retries",
  "errors.retry.delay.max.ms": "errors.retry.delay.max.ms: use connect.mongo.retry.interval",
  "errors.deadletterqueue.context.headers.enable": (v) =>
    v.trim().toLowerCase() === "true"
      ? undefined
      : "errors.deadletterqueue.context.headers.enable: a gateway always adds the error context headers",
  "topics.regex":
    "topics.regex: a gateway reads the topics its KCQL statements name (list them in topics)",
  "header.converter": "header.converter: header values are read as UTF-8 text, else kept as bytes",
};

/**
 * Reads the settings out of a connector's properties: the text of a
 * .properties file, or its keys and values. Throws SinkConfigError listing
 * every problem (a PropertiesSyntaxError for text Java would not load).
 */
export function sinkSettingsFromProperties(
  props: string | ReadonlyMap<string, string> | Readonly<Record<string, string>>,
  options: SinkSettingsOptions = {},
): SinkSettingsResult {
  const warnings = new Set<string>();
  let map: ReadonlyMap<string, string>;
  let parsed: JavaProperties | undefined;
  /** The line a key is (last) given on, when read from text. */
  const lineOf = new Map<string, number>();
  if (typeof props === "string") {
    parsed = parseJavaProperties(props);
    for (const e of parsed.entries) lineOf.set(e.key, e.line);
    const lines = new Map<string, number[]>();
    for (const e of parsed.entries) lines.set(e.key, [...(lines.get(e.key) ?? []), e.line]);
    for (const [key, at] of lines) {
      if (at.length > 1) {
        warnings.add(`${key} is given on lines ${at.join(", ")}: the last one is used, as in Java`);
      }
    }
    map = parsed.values;
  } else {
    map = props instanceof Map ? props : new Map(Object.entries(props));
  }
  const overrides = options.overrides ?? {};
  const problems: string[] = [];
  const used = new Set<string>();

  const raw = (setting: FileSetting): { key: string; value: string } | undefined => {
    let chosen: { key: string; value: string } | undefined;
    for (const key of ALIASES[setting] ?? []) {
      const value = map.get(key);
      if (value === undefined) continue;
      used.add(key);
      if (chosen && chosen.value.trim() !== value.trim()) {
        problems.push(
          `${chosen.key}=${chosen.value} and ${key}=${value} set the same thing differently: keep one of them`,
        );
      } else if (chosen) {
        warnings.add(`${key} repeats ${chosen.key}: the older key can be removed`);
      }
      chosen ??= { key, value };
    }
    return chosen;
  };
  const text = (setting: FileSetting): string | undefined => {
    const found = raw(setting);
    const value = found?.value.trim();
    return value === "" ? undefined : value;
  };
  const integer = (setting: FileSetting, min: number): number | undefined => {
    const found = raw(setting);
    if (!found) return undefined;
    const v = found.value.trim();
    const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > 2147483647) {
      problems.push(`${found.key}=${found.value} is not a whole number of at least ${min}`);
      return undefined;
    }
    return n;
  };
  /** A setting of the option table, checked by its kind (the flag's own check). */
  const checked = <T>(setting: FileSetting): T | undefined => {
    const found = raw(setting);
    const kind = FILE_OPTIONS[setting]?.kind as SinkOptionSpec<T>["kind"];
    if (!found || !kind) return undefined;
    try {
      return kind.file(found.key, found.value);
    } catch (error) {
      problems.push((error as Error).message);
      return undefined;
    }
  };
  /** The table's default of a setting. */
  const byDefault = <T>(setting: FileSetting): T => FILE_OPTIONS[setting]!.default as T;
  const list = (setting: FileSetting): string[] | undefined =>
    raw(setting)?.value.split(",").map((s) => s.trim()).filter((s) => s !== "");

  // What the connector requires.
  const kcqlFound = raw("kcql");
  const kcql = overrides.kcql ?? (kcqlFound?.value.trim() || undefined);
  const database = overrides.database ?? text("database");
  const mongoUri = overrides.mongoUri ?? text("mongoUri");
  // A required key missing, and a key given that is a misspelling of it: say so together.
  const nearMiss = misspeltKeys(map, lineOf);
  const missing = (setting: FileSetting, what: string) =>
    `${ALIASES[setting][0]} is missing: ${what}${nearMissHint(nearMiss, setting)}`;
  if (!kcql) problems.push(missing("kcql", "the KCQL statements to run"));
  if (!database) problems.push(missing("database", "the MongoDB database to write to"));
  if (!mongoUri) {
    problems.push(missing("mongoUri", "the MongoDB connection string"));
  } else if (!/^mongodb(\+srv)?:\/\/\S+$/.test(mongoUri)) {
    problems.push(
      `connect.mongo.connection=${
        maskUserInfo(mongoUri)
      } is not a MongoDB connection string (mongodb://host:port or mongodb+srv://host)`,
    );
  }

  const settings: SinkSettings = {
    kcql: kcql ?? "",
    database: database ?? "",
    mongoUri: mongoUri ?? "",
    errorPolicy: overrides.errorPolicy ?? checked<ErrorPolicy>("errorPolicy") ??
      byDefault("errorPolicy"),
    maxRetries: overrides.maxRetries ?? checked<number>("maxRetries") ?? byDefault("maxRetries"),
    retryIntervalMs: overrides.retryIntervalMs ??
      retryInterval(raw("retryIntervalMs"), checked<number>("retryIntervalMs"), warnings) ??
      byDefault("retryIntervalMs"),
    jsonDatetimeFields: overrides.jsonDatetimeFields ?? list("jsonDatetimeFields") ?? [],
    topics: [],
  };
  const batchSize = overrides.batchSize ?? integer("batchSize", 1);
  if (batchSize !== undefined) settings.batchSize = batchSize;
  const name = overrides.name ?? text("name");
  if (name !== undefined) settings.name = name;
  const deadLetterTopic = overrides.deadLetterTopic ?? text("deadLetterTopic");
  if (deadLetterTopic !== undefined) settings.deadLetterTopic = deadLetterTopic;
  const replicas = raw("deadLetterReplicationFactor");
  if (overrides.deadLetterReplicationFactor !== undefined) {
    settings.deadLetterReplicationFactor = overrides.deadLetterReplicationFactor;
  } else if (replicas && replicas.value.trim() !== "-1") {
    // -1 is Connect's "the broker's default", as is leaving it out.
    const n = checked<number>("deadLetterReplicationFactor");
    if (n !== undefined) settings.deadLetterReplicationFactor = n;
  }

  const kafkaSecurity = kafka(map, used, problems, warnings);
  if (kafkaSecurity) settings.kafkaSecurity = kafkaSecurity;
  auth(settings, map, overrides, raw, problems, warnings);
  settings.tls = tls(
    map,
    used,
    settings.mongoUri,
    warnings,
    kafkaSecurity !== undefined &&
      (kafkaSecurity.caFile !== undefined || kafkaSecurity.caPem !== undefined ||
        kafkaSecurity.keyFile !== undefined),
  );
  if (settings.authMechanism === "MONGODB-X509" && !settings.tls?.certificateKeyFile) {
    problems.push(
      "connect.mongo.auth.mechanism=MONGODB-X509 needs a client certificate: set ssl.keystore.type=PEM " +
        "and ssl.keystore.location to a PEM file with the certificate and its key",
    );
  }
  if (settings.tls === undefined) delete settings.tls;

  registry(settings, map, used, overrides, warnings);
  converters(map, used, settings, warnings);

  // topics and the KCQL sources: the same set, as the connector checks.
  const listed = list("topics");
  if (kcql) {
    let sources: string[] | undefined;
    try {
      sources = (options.sourcesOf ?? kcqlSources)(kcql);
    } catch (error) {
      const e = error as { format?: () => string; message?: string };
      const inFile =
        overrides.kcql === undefined && kcqlFound && parsed && error instanceof KcqlError
          ? kcqlErrorInFile(error, kcqlFound, parsed)
          : undefined;
      problems.push(
        inFile ??
          `${overrides.kcql === undefined ? "connect.mongo.kcql" : "--kcql"}: ${
            typeof e.format === "function" ? e.format() : e.message
          }`,
      );
    }
    if (sources) {
      if (listed === undefined) {
        warnings.add(
          `topics is not set: reading the topics the KCQL names (${sources.join(", ")})`,
        );
        settings.topics = sources;
      } else {
        settings.topics = [...new Set(listed)];
        const unread = settings.topics.filter((t) => !sources!.includes(t));
        const unlisted = sources.filter((t) => !settings.topics.includes(t));
        if (unread.length > 0) {
          problems.push(
            `topics lists ${unread.join(", ")}, which no KCQL statement reads (KCQL reads ${
              sources.join(", ")
            })`,
          );
        }
        if (unlisted.length > 0) {
          problems.push(
            `KCQL reads ${unlisted.join(", ")}, which topics does not list (topics: ${
              settings.topics.join(", ")
            })`,
          );
        }
      }
    }
  }

  // Everything else is accounted for.
  for (const [key, value] of map) {
    if (used.has(key)) continue;
    const near = nearMiss.get(key);
    const note = near
      ? `${lineOf.has(key) ? `line ${lineOf.get(key)}: ` : ""}${key} is not a setting of the ` +
        `connector: not used; did you mean ${suggestion(near)}?`
      : noteFor(key, value, problems);
    if (note) warnings.add(note);
  }
  if (problems.length > 0) throw new SinkConfigError(problems);
  const result: SinkSettingsResult = { settings, warnings: [...warnings] };
  if (overrides.kcql === undefined && kcqlFound && parsed) {
    const file = parsed;
    const lead = kcqlFound.value.length - kcqlFound.value.trimStart().length;
    result.kcqlLocation = (line, column) => {
      const index = indexOfLineColumn(settings.kcql, line, column);
      return index === undefined ? undefined : file.locate(kcqlFound.key, lead + index);
    };
  }
  return result;
}

/** Keys read as settings, for "did you mean": each alias, and the keys noted as having no effect. */
const KNOWN_KEYS: readonly string[] = [
  ...Object.values(ALIASES).flat(),
  "connector.class",
  "tasks.max",
  "key.converter",
  "value.converter",
  "value.converter.schema.registry.url",
];

/** The known key a key not read is most likely a misspelling of (edit distance 1 or 2). */
function misspeltKeys(
  map: ReadonlyMap<string, string>,
  lineOf: ReadonlyMap<string, number>,
): Map<string, { key: string; line?: number; known: string }> {
  const out = new Map<string, { key: string; line?: number; known: string }>();
  const known = [...KNOWN_KEYS, ...Object.keys(NO_EFFECT)];
  for (const key of map.keys()) {
    if (
      known.includes(key) ||
      !/^(connect\.mongo\.|errors\.|connector\.|tasks\.|topic|name|(key|value)\.)/.test(key)
    ) {
      continue;
    }
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const k of known) {
      const d = editDistance(key.toLowerCase(), k);
      if (d < bestDistance) [best, bestDistance] = [k, d];
    }
    if (best && bestDistance <= Math.min(2, Math.floor(best.length / 6))) {
      out.set(key, { key, line: lineOf.get(key), known: best });
    }
  }
  return out;
}

/** "connect.mongo.kcql", or for an older alias "connect.mongo.kcql (older name: …)". */
function suggestion(near: { known: string }): string {
  const setting = Object.values(ALIASES).find((keys) =>
    (keys as readonly string[]).includes(near.known)
  );
  if (!setting || setting[0] === near.known) return near.known;
  return `${setting[0]} (older name: ${near.known})`;
}

/** "; line 5 has connect.mongo.sink.kcq: did you mean …?" for a missing setting's near miss. */
function nearMissHint(
  nearMiss: ReadonlyMap<string, { key: string; line?: number; known: string }>,
  setting: FileSetting,
): string {
  const keys = ALIASES[setting] as readonly string[];
  const near = [...nearMiss.values()].find((n) => keys.includes(n.known));
  if (!near) return "";
  return `; ${near.line === undefined ? "" : `line ${near.line} has `}${near.key}: did you mean ` +
    `${suggestion(near)}?`;
}

/** The KCQL error at its line and column in the file, with that line and a caret. */
function kcqlErrorInFile(
  error: KcqlError,
  found: { key: string; value: string },
  file: JavaProperties,
): string | undefined {
  const lead = found.value.length - found.value.trimStart().length;
  const at = file.locate(found.key, lead + error.offset);
  if (!at) return undefined;
  const text = file.lineText(at.line);
  const gutter = `${at.line} | `;
  const caret = [...text].slice(0, at.column - 1).map((c) => (c === "\t" ? "\t" : " ")).join("");
  return [
    `${found.key}: KCQL ${
      error instanceof KcqlSyntaxError ? "syntax error" : "error"
    } at line ${at.line}, column ${at.column}: ${error.detail}`,
    `${gutter}${text}`,
    `${" ".repeat(gutter.length - 2)}| ${caret}^`,
  ].join("\n");
}

/** The UTF-16 index of a 1-based line and column (code points) in `text`. */
function indexOfLineColumn(text: string, line: number, column: number): number | undefined {
  let index = 0;
  for (let l = 1; l < line; l++) {
    const m = /\r\n|\n|\r/g;
    m.lastIndex = index;
    const found = m.exec(text);
    if (!found) return undefined;
    index = found.index + found[0].length;
  }
  for (let c = 1; c < column; c++) {
    if (index >= text.length) return undefined;
    index += text.codePointAt(index)! > 0xffff ? 2 : 1;
  }
  return index;
}

/** Masks the password of a URL-like text's user info (everything after its first `:`, to `@`). */
function maskUserInfo(text: string): string {
  const at = text.lastIndexOf("@");
  if (at < 0) return text;
  const slashes = text.indexOf("//");
  const start = slashes >= 0 && slashes < at ? slashes + 2 : 0;
  const colon = text.indexOf(":", start);
  if (colon < 0 || colon > at) return text;
  return `${text.slice(0, colon + 1)}***${text.slice(at)}`;
}

const KAFKA_TOP_LEVEL_NON_SSL = KAFKA_SECURITY_KEYS_READ.filter((k) => !k.startsWith("ssl."));

/**
 * Kafka security from `consumer.override.*` and the top level: the override wins, key by key.
 * Top-level `ssl.*` keys are the connector's MongoDB TLS settings; they are read for Kafka too
 * only when Kafka's own security.protocol is SSL or SASL_SSL and no `consumer.override.ssl.*` is
 * given.
 */
function kafka(
  map: ReadonlyMap<string, string>,
  used: Set<string>,
  problems: string[],
  warnings: Set<string>,
): KafkaSecurityInput | undefined {
  const override = kafkaSecurityFromProperties(map, "", "consumer.override.");
  const topMap = new Map(
    [...map].filter(([k]) => (KAFKA_TOP_LEVEL_NON_SSL as readonly string[]).includes(k)),
  );
  const top = kafkaSecurityFromProperties(topMap, "", "");
  for (const k of [...override.used, ...top.used]) used.add(k);
  problems.push(...override.problems, ...top.problems);
  for (const w of [...override.warnings, ...top.warnings]) warnings.add(w);
  const merged: KafkaSecurityInput = { ...top.input, ...override.input };
  delete merged.brokers;
  const tlsProtocol = merged.protocol === "SSL" || merged.protocol === "SASL_SSL";
  const overrideSsl = [...override.used].some((k) => k.startsWith("consumer.override.ssl."));
  if (tlsProtocol && !overrideSsl) {
    const sslMap = new Map([...map].filter(([k]) => k.startsWith("ssl.")));
    const ssl = kafkaSecurityFromProperties(sslMap, "", "");
    problems.push(...ssl.problems);
    for (const w of ssl.warnings) warnings.add(w);
    Object.assign(merged, { ...ssl.input, ...merged });
  }
  for (const key of map.keys()) {
    if (key.startsWith("producer.override.") && /^(security\.|sasl\.|ssl\.)/.test(key.slice(18))) {
      used.add(key);
      warnings.add(
        `${key}: the dead-letter producer uses the consumer's Kafka security settings ` +
          "(consumer.override.* or the top-level keys); not used",
      );
    }
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function kcqlSources(kcql: string): string[] {
  return parseKcql(kcql).statements.map((s) => s.source);
}

/**
 * connect.mongo.retry.interval, read by `--retry-interval`'s own check (`ms`): a value that is not
 * a plain number of milliseconds is taken, with a warning that the connector would refuse it.
 */
function retryInterval(
  found: { key: string; value: string } | undefined,
  ms: number | undefined,
  warnings: Set<string>,
): number | undefined {
  if (!found || ms === undefined) return undefined;
  if (!/^\s*[0-9]+\s*$/.test(found.value)) {
    warnings.add(
      `${found.key}=${found.value.trim()}: read as ${ms} ms; Kafka Connect takes only a whole ` +
        `number of milliseconds here, so the connector would refuse this file (write ${ms})`,
    );
  }
  return ms;
}

function auth(
  settings: SinkSettings,
  map: ReadonlyMap<string, string>,
  overrides: SinkOverrides,
  raw: (s: FileSetting) => { key: string; value: string } | undefined,
  problems: string[],
  warnings: Set<string>,
): void {
  // Connect trims every typed value, passwords included.
  const username = overrides.username ?? raw("username")?.value.trim();
  const password = overrides.password ?? raw("password")?.value.trim();
  const mechanismRaw = overrides.authMechanism ?? raw("authMechanism")?.value.trim();
  if (!username) {
    // As the connector: without a user name the connection string alone decides.
    if (password) {
      warnings.add(
        "connect.mongo.password is set without connect.mongo.username: not used (as in the connector)",
      );
    }
    if (mechanismRaw && map.has("connect.mongo.auth.mechanism")) {
      warnings.add(
        "connect.mongo.auth.mechanism is used only with connect.mongo.username (as in the connector): not used",
      );
    }
    return;
  }
  settings.username = username;
  if (password !== undefined && password !== "") settings.password = registerSecret(password);
  if (mechanismRaw) {
    const found = MECHANISMS[mechanismRaw.toUpperCase()];
    if (found === undefined) {
      problems.push(
        `connect.mongo.auth.mechanism=${mechanismRaw} is not one of ${
          Object.keys(MECHANISMS).join(", ")
        }`,
      );
    } else if (found.includes(" ")) {
      problems.push(`connect.mongo.auth.mechanism: ${found}`);
    } else {
      settings.authMechanism = found as MongoAuthMechanism;
    }
  }
  // The connector creates the credential in the target database; X.509 users live in $external.
  settings.authSource = settings.authMechanism === "MONGODB-X509"
    ? "$external"
    : settings.database || undefined;
  if (settings.authSource === undefined) delete settings.authSource;
  if (settings.authMechanism !== "MONGODB-X509" && settings.password === undefined) {
    problems.push("connect.mongo.username is set but connect.mongo.password is not");
  }
}

function tls(
  map: ReadonlyMap<string, string>,
  used: Set<string>,
  mongoUri: string,
  warnings: Set<string>,
  usedByKafka = false,
): TlsSettings | undefined {
  const sslKeys = [...map.keys()].filter((k) => k.startsWith("ssl."));
  if (sslKeys.length === 0) return undefined;
  for (const k of sslKeys) used.add(k);
  const enabled = /^mongodb\+srv:/.test(mongoUri) || /[?&](tls|ssl)=true(&|$)/i.test(mongoUri);
  if (!enabled) {
    if (usedByKafka) return undefined;
    warnings.add(
      `${
        sslKeys.join(", ")
      }: the connection string does not enable TLS (tls=true), so, as in the connector, they are not used`,
    );
    return undefined;
  }
  const get = (k: string) => map.get(k)?.trim() || undefined;
  const out: TlsSettings = {};
  const trustType = (get("ssl.truststore.type") ?? "JKS").toUpperCase();
  const trust = get("ssl.truststore.location");
  if (trust) {
    if (trustType === "PEM") out.caFile = trust;
    else {
      warnings.add(
        `ssl.truststore.location=${trust} is a ${trustType} store, which Node cannot read: export the CA ` +
          "certificate to PEM and set ssl.truststore.type=PEM (or tlsCAFile in the connection string)",
      );
    }
  }
  const keyType = (get("ssl.keystore.type") ?? "JKS").toUpperCase();
  const keystore = get("ssl.keystore.location");
  if (keystore) {
    if (keyType === "PEM") {
      out.certificateKeyFile = keystore;
      const pass = get("ssl.key.password") ?? get("ssl.keystore.password");
      if (pass) out.certificateKeyFilePassword = pass;
    } else {
      warnings.add(
        `ssl.keystore.location=${keystore} is a ${keyType} store, which Node cannot read: export the ` +
          "client certificate and key to one PEM file and set ssl.keystore.type=PEM",
      );
    }
  }
  const endpoint = map.get("ssl.endpoint.identification.algorithm");
  if (endpoint !== undefined && endpoint.trim() === "") out.allowInvalidHostnames = true;
  const mapped = new Set([
    "ssl.truststore.type",
    "ssl.truststore.location",
    "ssl.truststore.password",
    "ssl.keystore.type",
    "ssl.keystore.location",
    "ssl.keystore.password",
    "ssl.key.password",
    "ssl.endpoint.identification.algorithm",
  ]);
  for (const k of sslKeys) {
    if (!mapped.has(k)) warnings.add(`${k}: no equivalent in Node's TLS; its defaults are used`);
  }
  return out;
}

function registry(
  settings: SinkSettings,
  map: ReadonlyMap<string, string>,
  used: Set<string>,
  overrides: SinkOverrides,
  warnings: Set<string>,
): void {
  const valueUrl = map.get("value.converter.schema.registry.url")?.trim();
  const keyUrl = map.get("key.converter.schema.registry.url")?.trim();
  if (valueUrl !== undefined) used.add("value.converter.schema.registry.url");
  if (keyUrl !== undefined) used.add("key.converter.schema.registry.url");
  const urls = (valueUrl || keyUrl || "").split(",").map((u) => u.trim().replace(/\/+$/, ""))
    .filter(Boolean);
  if (valueUrl && keyUrl && valueUrl !== keyUrl) {
    warnings.add(
      "key.converter.schema.registry.url differs from value.converter.schema.registry.url: " +
        "keys and values are both read with the value converter's registry",
    );
  }
  if (urls.length > 1) {
    warnings.add(`schema registry: ${urls.length} URLs given, the first (${urls[0]}) is used`);
  }
  const url = overrides.registryUrl ?? urls[0];
  if (url) settings.registryUrl = url;
  for (const prefix of ["value.converter.", "key.converter."]) {
    const source = map.get(`${prefix}basic.auth.credentials.source`);
    const info = map.get(`${prefix}basic.auth.user.info`) ??
      map.get(`${prefix}schema.registry.basic.auth.user.info`);
    if (source !== undefined) used.add(`${prefix}basic.auth.credentials.source`);
    for (const k of ["basic.auth.user.info", "schema.registry.basic.auth.user.info"]) {
      if (map.has(`${prefix}${k}`)) used.add(`${prefix}${k}`);
    }
    if (info && (source ?? "USER_INFO").trim().toUpperCase() === "USER_INFO") {
      settings.registryUserInfo ??= registerSecret(info.trim());
    } else if (source !== undefined && source.trim().toUpperCase() !== "USER_INFO") {
      warnings.add(
        `${prefix}basic.auth.credentials.source=${source}: only USER_INFO is supported ` +
          "(URL takes the user info from the registry URL, which works too)",
      );
    }
  }
  for (const prefix of ["value.converter.", "key.converter.", ""]) {
    const tokenKey = `${prefix}bearer.auth.token`;
    const sourceKey = `${prefix}bearer.auth.credentials.source`;
    const token = map.get(tokenKey)?.trim();
    const source = map.get(sourceKey)?.trim().toUpperCase();
    if (token !== undefined) used.add(tokenKey);
    if (source !== undefined) used.add(sourceKey);
    if (token && (source ?? "STATIC_TOKEN") === "STATIC_TOKEN") {
      settings.registryBearerToken ??= registerSecret(token);
    } else if (source !== undefined && source !== "STATIC_TOKEN") {
      warnings.add(`${sourceKey}=${source}: only STATIC_TOKEN is supported`);
    }
  }
  if (overrides.registryUserInfo) settings.registryUserInfo = overrides.registryUserInfo;
  if (overrides.registryBearerToken) settings.registryBearerToken = overrides.registryBearerToken;
}

function converters(
  map: ReadonlyMap<string, string>,
  used: Set<string>,
  settings: SinkSettings,
  warnings: Set<string>,
): void {
  for (const side of ["key", "value"] as const) {
    const key = `${side}.converter`;
    const cls = map.get(key)?.trim();
    if (cls === undefined) continue;
    used.add(key);
    used.add(`${key}.schemas.enable`);
    if (
      !CONVERTERS_DECODED.includes(cls) &&
      cls !== "org.apache.kafka.connect.converters.ByteArrayConverter"
    ) {
      warnings.add(
        `${key}=${cls}: ${side}s are recognised by their first bytes (Confluent Avro, Avro ` +
          "single-object, JSON); data in another format is dead-lettered",
      );
    }
    if (
      side === "value" && cls === "io.confluent.connect.avro.AvroConverter" && !settings.registryUrl
    ) {
      warnings.add(
        "value.converter is the AvroConverter but value.converter.schema.registry.url is not set",
      );
    }
  }
}

function noteFor(key: string, value: string, problems: string[]): string | undefined {
  if (key === "connector.class") {
    return /mongo/i.test(value) && /streamreactor|datamountaineer/i.test(value)
      ? undefined
      : `connector.class=${value} is not the Stream Reactor MongoDB sink; the file is read as if it were`;
  }
  if (key === "tasks.max") {
    const n = Number(value.trim());
    if (Number.isInteger(n) && n <= 1) return undefined;
    return `tasks.max=${value}: a gateway sink is one task; to scale out, run more 'gateway sink' ` +
      "processes with the same consumer group (the same name or --group): Kafka shares the partitions among them";
  }
  if (
    key === "transforms" || key.startsWith("transforms.") || key === "predicates" ||
    key.startsWith("predicates.")
  ) {
    if (key === "transforms" && value.trim() !== "") {
      problems.push(
        `transforms=${value}: single message transforms are not supported by a gateway; ` +
          "remove them, or express the change in KCQL (field selection, aliases, IGNORE)",
      );
    }
    return undefined;
  }
  const note = NO_EFFECT[key];
  if (typeof note === "function") return note(value);
  if (note) return note;
  if (key.startsWith("connect.mongo.")) {
    return `${key} is not a setting of the MongoDB sink connector: not used`;
  }
  if (key.startsWith("consumer.override.") || key.startsWith("producer.override.")) {
    return `${key}: Kafka client overrides are not used by a gateway`;
  }
  if (key.startsWith("key.converter.") || key.startsWith("value.converter.")) {
    return `${key}: converter settings other than the schema registry's are not used by a gateway`;
  }
  return `${key} is not a setting of the connector or of Kafka Connect that a gateway uses: not used`;
}
