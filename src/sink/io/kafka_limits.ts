/**
 * What the broker allows, asked once at start (describeConfigs): the session timeouts a group
 * member may ask for, and the largest message a topic accepts (for dead letters).
 */
import { type Admin, ConfigResourceTypes } from "kafkajs";

/** The group session timeout range of the broker, in ms. */
export interface SessionTimeoutRange {
  min: number;
  max: number;
}

async function brokerConfig(admin: Admin, names: string[]): Promise<Map<string, string>> {
  const { brokers } = await admin.describeCluster();
  if (brokers.length === 0) throw new Error("the cluster lists no brokers");
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{
      type: ConfigResourceTypes.BROKER,
      name: String(brokers[0].nodeId),
      configNames: names,
    }],
  });
  const out = new Map<string, string>();
  for (const e of resources[0]?.configEntries ?? []) out.set(e.configName, e.configValue);
  return out;
}

/** `group.min.session.timeout.ms` .. `group.max.session.timeout.ms` of the broker. */
export async function sessionTimeoutRange(admin: Admin): Promise<SessionTimeoutRange> {
  const c = await brokerConfig(admin, [
    "group.min.session.timeout.ms",
    "group.max.session.timeout.ms",
  ]);
  return {
    min: Number(c.get("group.min.session.timeout.ms") ?? 6000),
    max: Number(c.get("group.max.session.timeout.ms") ?? 1_800_000),
  };
}

/** The error for a session timeout outside the broker's range, or undefined when it fits. */
export function sessionTimeoutProblem(
  sessionTimeoutMs: number,
  range: SessionTimeoutRange,
): string | undefined {
  if (sessionTimeoutMs <= range.max && sessionTimeoutMs >= range.min) return undefined;
  const s = (ms: number) => `${ms / 1000} s`;
  return `--session-timeout ${s(sessionTimeoutMs)} is ${
    sessionTimeoutMs > range.max ? "above" : "below"
  } what the broker allows (group.${
    sessionTimeoutMs > range.max ? "max" : "min"
  }.session.timeout.ms = ${
    s(sessionTimeoutMs > range.max ? range.max : range.min)
  }): give a value from ${s(range.min)} to ${s(range.max)}`;
}

/**
 * The largest message `topic` accepts: its `max.message.bytes`, or the broker's
 * `message.max.bytes` for a topic that does not exist yet (it is created with that).
 */
export async function topicMessageLimit(admin: Admin, topic: string): Promise<number> {
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configNames: ["max.message.bytes"],
      }],
    });
    const v = resources[0]?.configEntries.find((e) => e.configName === "max.message.bytes")
      ?.configValue;
    if (v && Number(v) > 0) return Number(v);
  } catch { /* no such topic yet */ }
  const v = (await brokerConfig(admin, ["message.max.bytes"])).get("message.max.bytes");
  if (!v || !(Number(v) > 0)) throw new Error("the broker did not say its message.max.bytes");
  return Number(v);
}

/**
 * kafkajs fetch sizes from the statements' largest BATCH: a fetch brings about a few BATCHes of
 * records per partition (at about 1 KiB a record), so the sink holds no more than that, whatever
 * the backlog. A record larger than the fetch size still arrives (the broker sends the first
 * record batch whole).
 */
export function fetchSizes(
  batchSize: number,
  partitionsConcurrently: number,
): { maxBytesPerPartition: number; maxBytes: number } {
  const perPartition = Math.min(8 << 20, Math.max(64 << 10, batchSize * 1024));
  const maxBytes = Math.min(64 << 20, perPartition * Math.max(1, partitionsConcurrently) * 2);
  return { maxBytesPerPartition: perPartition, maxBytes };
}
