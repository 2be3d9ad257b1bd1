/**
 * The last line of defence against a consumer that stays up doing nothing (kafkajs can end up
 * fetching nothing, without an error, e.g. after its topic was deleted and re-created): records
 * waiting on a partition this member owns, no batch in hand and none handled for `stallMs`
 * means the consumer is stuck, and the sink stops with that cause (a supervisor restarts it).
 * A store outage or a dead-letter wait is a batch in hand, so it never counts as a stall.
 */

/** One partition this member owns: its committed offset and its high watermark. */
export interface PartitionProgress {
  topic: string;
  partition: number;
  /** The group's committed offset (-1: none yet; then `low` counts). */
  committed: number;
  low: number;
  high: number;
}

/** Partitions with records waiting: `[topic/partition, records waiting]`. */
export function waitingRecords(parts: readonly PartitionProgress[]): [string, number][] {
  const out: [string, number][] = [];
  for (const p of parts) {
    const from = p.committed >= 0 ? p.committed : p.low;
    if (p.high > from) out.push([`${p.topic}/${p.partition}`, p.high - from]);
  }
  return out;
}

/** Whether the consumer is stuck: records wait, nothing in hand, nothing handled for `stallMs`. */
export function isStalled(
  waiting: readonly [string, number][],
  batchesInHand: number,
  msSinceLastBatch: number,
  stallMs: number,
): boolean {
  return waiting.length > 0 && batchesInHand === 0 && msSinceLastBatch >= stallMs;
}
