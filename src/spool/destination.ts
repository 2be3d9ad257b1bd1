/**
 * Where a spooled reading is meant to go. Every reading records its destination when it is
 * spooled and is only ever sent there: a run with other settings leaves it alone. Only an
 * operator moves readings to other brokers (`gateway spool retarget`): the destination keeps its
 * topic, format, subject and its readings (bodies, `seq`) and records where they came from.
 */

/** One destination: the Kafka cluster (its bootstrap list), the topic and how records are framed. */
export interface Destination {
  /** Bootstrap brokers, normalised: lower-case, sorted, comma-separated. */
  brokers: string;
  topic: string;
  /** `confluent` or `avro-single-object`. */
  format: string;
  /** Registry subject (confluent only, else null). */
  subject: string | null;
  /** Schema strategy (confluent only, else null). */
  strategy: string | null;
  /**
   * Set once an operator re-targeted the readings: the brokers they were spooled for, and the
   * destination's id in its spool. A re-targeted destination is never a run's own (no run's
   * settings build this key): `gateway spool send` delivers it.
   */
  retargetedFrom?: { brokers: string; id: number };
}

/** Builds a destination from run settings; the subject and strategy matter only for confluent. */
export function destinationOf(settings: {
  brokers: readonly string[];
  topic: string;
  format: string;
  subject: string;
  schemaStrategy: string;
}): Destination {
  const confluent = settings.format === "confluent";
  return {
    brokers: normaliseBrokers(settings.brokers),
    topic: settings.topic,
    format: settings.format,
    subject: confluent ? settings.subject : null,
    strategy: confluent ? settings.schemaStrategy : null,
  };
}

/** `B:2,a:1` → `a:1,b:2`: the same cluster named in another order is the same destination. */
export function normaliseBrokers(brokers: readonly string[]): string {
  return [...new Set(brokers.map((b) => b.trim().toLowerCase()).filter(Boolean))].sort().join(",");
}

/** The destination's identity in the spool (fields in a fixed order). */
export function destinationKey(d: Destination): string {
  const fields: unknown[] = [d.brokers, d.topic, d.format, d.subject, d.strategy];
  if (d.retargetedFrom) fields.push([d.retargetedFrom.brokers, d.retargetedFrom.id]);
  return JSON.stringify(fields);
}

/**
 * Destination `id` (`d`) moved to `brokers`: topic, format, subject and strategy kept, and the
 * brokers it was first spooled for remembered (a second move keeps the first origin).
 */
export function retargeted(d: Destination, id: number, brokers: readonly string[]): Destination {
  return {
    ...d,
    brokers: normaliseBrokers(brokers),
    retargetedFrom: d.retargetedFrom ?? { brokers: d.brokers, id },
  };
}

/** Parses a key written by {@linkcode destinationKey}; undefined for anything else. */
export function destinationFromKey(key: string): Destination | undefined {
  try {
    const a = JSON.parse(key);
    if (!Array.isArray(a) || (a.length !== 5 && a.length !== 6)) return undefined;
    const [brokers, topic, format, subject, strategy, from] = a;
    if (typeof brokers !== "string" || typeof topic !== "string" || typeof format !== "string") {
      return undefined;
    }
    const d: Destination = {
      brokers,
      topic,
      format,
      subject: subject ?? null,
      strategy: strategy ?? null,
    };
    if (a.length === 6) {
      if (!Array.isArray(from) || typeof from[0] !== "string" || typeof from[1] !== "number") {
        return undefined;
      }
      d.retargetedFrom = { brokers: from[0], id: from[1] };
    }
    return d;
  } catch {
    return undefined;
  }
}

/** One line for logs and listings: `topic t on 127.0.0.1:9092 (confluent, subject t-value, auto)`. */
export function describeDestination(d: Destination | undefined): string {
  if (!d) return "unknown destination (spooled by an older gateway that did not record it)";
  const how = d.format === "confluent"
    ? `confluent, subject ${d.subject}, strategy ${d.strategy}`
    : d.format;
  const moved = d.retargetedFrom ? `, re-targeted from ${d.retargetedFrom.brokers}` : "";
  return `topic ${d.topic} on ${d.brokers} (${how}${moved})`;
}
