/**
 * The last line of defence against a consumer that stays up doing nothing (kafkajs can end up
 * fetching nothing, without an error, e.g. after its topic was deleted and re-created): records
 * waiting on a partition this member owns, no batch in hand and none handled for `stallMs`
 * means the consumer is stuck, and the sink stops with that cause (a supervisor restarts it).
 * A store outage or a dead-letter wait is a batch in hand, so it never counts as a stall.
 */
import { type PartitionOffsets, positionOf } from "../../kafka/partition_offsets.ts";

/**
 * Partitions with records waiting: `[topic/partition, what waits]`. A committed offset past the
 * log end (the topic was deleted and re-created, or truncated) counts: the records there now are
 * never read by a consumer that waits for its old position.
 */
export function waitingRecords(parts: readonly PartitionOffsets[]): [string, string][] {
  const out: [string, string][] = [];
  for (const p of parts) {
    const from = positionOf(p);
    const at = `${p.topic}/${p.partition}`;
    if (p.high > from) out.push([at, `${p.high - from} records`]);
    else if (from > p.high) {
      out.push([at, `committed offset ${from} past the log end ${p.high} (topic re-created?)`]);
    }
  }
  return out;
}

/** Whether the consumer is stuck: records wait, nothing in hand, nothing handled for `stallMs`. */
export function isStalled(
  waiting: readonly [string, string][],
  batchesInHand: number,
  msSinceLastBatch: number,
  stallMs: number,
): boolean {
  return waiting.length > 0 && batchesInHand === 0 && msSinceLastBatch >= stallMs;
}

/**
 * The stall clock: how long the consumer has had Kafka and done nothing. A batch started or
 * ended, a join of the group, and Kafka seen away (a consumer crash kafkajs restarts from, a look
 * at the offsets that fails) all start it again, so a broker outage of any length is a
 * dependency outage, never a stall: the clock counts from the moment Kafka is back.
 */
export class StallClock {
  #since: number;

  constructor(private readonly now: () => number = Date.now) {
    this.#since = now();
  }

  /** A batch started or ended, or the group was joined. */
  progressed(): void {
    this.#since = this.now();
  }

  /** Kafka did not answer: the time without it is not the consumer's. */
  kafkaAway(): void {
    this.#since = this.now();
  }

  /** Milliseconds the consumer has had Kafka and handled no batch. */
  idleMs(): number {
    return this.now() - this.#since;
  }
}
