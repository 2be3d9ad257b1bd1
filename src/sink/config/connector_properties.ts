/**
 * The Stream Reactor MongoDB sink connector's `.properties`, unchanged: the
 * keys of every connector era are accepted; keys that mean nothing for a
 * single `gateway sink` process are reported (once each), never silently
 * ignored; an old and a new alias with different values is an error.
 */
import { parse } from "dot-properties";
import type { ErrorPolicy } from "../io/bulk_writer.ts";

export interface SinkSettings {
  kcql?: string;
  database?: string;
  mongoUri?: string;
  username?: string;
  password?: string;
  authMechanism?: string;
  batchSize?: number;
  errorPolicy?: ErrorPolicy;
  maxRetries?: number;
  retryIntervalMs?: number;
  jsonDatetimeFields?: string[];
  topics?: string[];
  name?: string;
  registryUrl?: string;
  deadLetterTopic?: string;
}

export interface ParsedSinkProperties {
  settings: SinkSettings;
  warnings: string[];
}

/** Each setting's keys, newest first. */
const ALIASES: Record<string, readonly string[]> = {
  kcql: ["connect.mongo.kcql", "connect.mongo.sink.kcql"],
  database: ["connect.mongo.db", "connect.mongo.database"],
  batchSize: ["connect.mongo.batch.size", "connect.mongo.sink.batch.size"],
  mongoUri: ["connect.mongo.connection"],
  username: ["connect.mongo.username"],
  password: ["connect.mongo.password"],
  authMechanism: ["connect.mongo.auth.mechanism"],
  errorPolicy: ["connect.mongo.error.policy"],
  maxRetries: ["connect.mongo.max.retries"],
  retryIntervalMs: ["connect.mongo.retry.interval"],
  jsonDatetimeFields: ["connect.mongo.json_datetime_fields"],
  topics: ["topics"],
  name: ["name"],
  registryUrl: ["value.converter.schema.registry.url", "key.converter.schema.registry.url"],
  deadLetterTopic: ["errors.deadletterqueue.topic.name"],
};

/** Keys understood without a setting of their own: what they mean here. */
const NOTED: Record<string, (v: string) => string | undefined> = {
  "connector.class": (v) =>
    /mongo/i.test(v) ? undefined : `connector.class=${v} is not a MongoDB sink; reading it as one`,
  "tasks.max": (v) =>
    Number(v) > 1
      ? `tasks.max=${v}: a gateway sink is one task; scale out by running more 'gateway sink' processes with the same --group`
      : undefined,
  "key.converter": () => undefined,
  "value.converter": () => undefined,
  "key.converter.schemas.enable": () => undefined,
  "value.converter.schemas.enable": () => undefined,
  "errors.tolerance": (v) =>
    v === "all"
      ? undefined
      : `errors.tolerance=${v}: poison records always go to the dead-letter topic here`,
  "errors.deadletterqueue.context.headers.enable": () => undefined,
  "errors.deadletterqueue.topic.replication.factor": () =>
    "errors.deadletterqueue.topic.replication.factor is the broker's default here (topics are auto-created)",
};

const AUTH_MECHANISMS = [
  "SCRAM-SHA-1",
  "SCRAM-SHA-256",
  "MONGODB-X509",
  "PLAIN",
  "GSSAPI",
  "MONGODB-AWS",
  "DEFAULT",
];

export function sinkSettingsFromProperties(text: string): ParsedSinkProperties {
  const props = parse(text) as Record<string, string>;
  const warnings: string[] = [];
  const used = new Set<string>();
  const get = (setting: string): string | undefined => {
    let chosen: { key: string; value: string } | undefined;
    for (const key of ALIASES[setting]) {
      if (!(key in props)) continue;
      used.add(key);
      const value = props[key].trim();
      if (chosen && chosen.value !== value) {
        throw new Error(
          `${chosen.key}=${chosen.value} and ${key}=${value} set the same thing differently: keep one`,
        );
      }
      chosen ??= { key, value };
    }
    return chosen?.value;
  };
  const int = (setting: string): number | undefined => {
    const v = get(setting);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) {
      throw new Error(`${ALIASES[setting].join(" / ")} must be a whole number, got "${v}"`);
    }
    return Number(v);
  };
  const settings: SinkSettings = {
    kcql: get("kcql"),
    database: get("database"),
    mongoUri: get("mongoUri"),
    username: get("username"),
    password: get("password"),
    batchSize: int("batchSize"),
    maxRetries: int("maxRetries"),
    retryIntervalMs: int("retryIntervalMs"),
    name: get("name"),
    registryUrl: get("registryUrl")?.replace(/\/+$/, ""),
    deadLetterTopic: get("deadLetterTopic"),
  };
  const auth = get("authMechanism");
  if (auth !== undefined) {
    const upper = auth.toUpperCase();
    if (!AUTH_MECHANISMS.includes(upper)) {
      throw new Error(
        `connect.mongo.auth.mechanism=${auth} is not one of ${AUTH_MECHANISMS.join(", ")}`,
      );
    }
    settings.authMechanism = upper === "DEFAULT" ? undefined : upper;
  }
  const policy = get("errorPolicy");
  if (policy !== undefined) {
    const upper = policy.toUpperCase();
    if (upper !== "NOOP" && upper !== "THROW" && upper !== "RETRY") {
      throw new Error(`connect.mongo.error.policy=${policy} is not one of NOOP, THROW, RETRY`);
    }
    settings.errorPolicy = upper;
  }
  const datetime = get("jsonDatetimeFields");
  if (datetime !== undefined) {
    settings.jsonDatetimeFields = datetime.split(",").map((s) => s.trim()).filter(Boolean);
  }
  const topics = get("topics");
  if (topics !== undefined) {
    settings.topics = topics.split(",").map((s) => s.trim()).filter(Boolean);
  }

  for (const [key, value] of Object.entries(props)) {
    if (used.has(key)) continue;
    const note = NOTED[key];
    if (note) {
      const w = note(value);
      if (w) warnings.push(w);
      continue;
    }
    if (key.startsWith("connect.mongo.")) warnings.push(`${key} is not used by gateway sink`);
    else warnings.push(`${key} is a Kafka Connect setting with no meaning for gateway sink`);
  }
  return { settings, warnings };
}

/** Reads the file; a missing file or bad content is an error naming the file. */
export async function loadSinkConfigFile(path: string): Promise<ParsedSinkProperties> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new Error(`cannot read --config ${path}: ${(error as Error).message}`);
  }
  try {
    return sinkSettingsFromProperties(text);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}
