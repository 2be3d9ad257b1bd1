/**
 * Where a consumer group stands on each partition of its topics: the group's committed offset
 * and the partition's low and high watermarks, read with Kafka's admin API. One reader for the
 * sink's stall watch and its lag metric, and the lag arithmetic they share.
 */
import type { Admin } from "kafkajs";

/** One partition: the group's committed offset and the partition's watermarks. */
export interface PartitionOffsets {
  topic: string;
  partition: number;
  /** The group's committed offset (-1: none yet; then `low` counts). */
  committed: number;
  low: number;
  high: number;
}

/** What {@linkcode readPartitionOffsets} asks of the admin client. */
export type OffsetsAdmin = Pick<Admin, "fetchOffsets" | "fetchTopicOffsets">;

/**
 * The offsets of every partition of `topics` for `groupId`: the group's committed offsets in one
 * request, each topic's watermarks in one request per topic. Rejects when Kafka does not answer.
 */
export async function readPartitionOffsets(
  admin: OffsetsAdmin,
  groupId: string,
  topics: readonly string[],
): Promise<PartitionOffsets[]> {
  // An empty list would ask for every topic the group ever committed.
  if (topics.length === 0) return [];
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const out: PartitionOffsets[] = [];
  for (const topic of topics) {
    const marks = await admin.fetchTopicOffsets(topic);
    const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const m of marks) {
      out.push({
        topic,
        partition: m.partition,
        committed: Number(mine.find((p) => p.partition === m.partition)?.offset ?? -1),
        low: Number(m.low),
        high: Number(m.high),
      });
    }
  }
  return out;
}

/** Where the group reads next: its committed offset, or the log start while nothing is committed. */
export function positionOf(p: Pick<PartitionOffsets, "committed" | "low">): number {
  return p.committed >= 0 ? p.committed : p.low;
}

/** The lag of one partition; `committed` -1 means nothing committed yet. Never negative. */
export function lagOf(high: number, low: number, committed: number): number {
  return Math.max(0, high - positionOf({ committed, low }));
}
