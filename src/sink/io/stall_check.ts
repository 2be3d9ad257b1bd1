/**
 * The stall watch's timer (see stall_watch.ts for the rule): every `stallMs / 4` (at most 10 s),
 * once the stall clock passed `stallMs` with no batch in hand, the group's offsets on the owned
 * partitions are read; records waiting there stop the sink. Kafka not answering is an outage,
 * not a stall: the clock starts again.
 */
import { type OffsetsAdmin, readPartitionOffsets } from "../../kafka/partition_offsets.ts";
import type { Logger } from "../../util/log.ts";
import { SinkStop } from "./sink_stop.ts";
import { isStalled, type StallClock, waitingRecords } from "./stall_watch.ts";

/** What the stall check reads and whom it tells. */
export interface StallCheck {
  admin: OffsetsAdmin;
  groupId: string;
  clock: StallClock;
  stallMs: number;
  /** The partitions this member owns, by topic. */
  owned(): Record<string, number[]>;
  /** Batches being handled now. */
  batchesInHand(): number;
  stopping: AbortSignal;
  /** Stops the sink with the stall as its cause. */
  fail(error: SinkStop): void;
  log: Logger;
}

/** Starts the check; returns the function that ends it. */
export function startStallCheck(c: StallCheck): () => void {
  const timer = setInterval(async () => {
    if (c.stopping.aborted || c.batchesInHand() > 0 || c.clock.idleMs() < c.stallMs) return;
    try {
      const owned = c.owned();
      const parts = (await readPartitionOffsets(c.admin, c.groupId, Object.keys(owned)))
        .filter((p) => owned[p.topic]?.includes(p.partition));
      const waiting = waitingRecords(parts);
      if (isStalled(waiting, c.batchesInHand(), c.clock.idleMs(), c.stallMs)) {
        c.fail(
          new SinkStop(
            `Kafka consumer stuck: no batch for ${Math.round(c.clock.idleMs() / 1000)} s ` +
              `although Kafka answers and records wait (${
                waiting.map(([p, what]) => `${p}: ${what}`).join(", ")
              })`,
          ),
        );
      }
    } catch (error) {
      // Kafka does not answer: an outage (readiness says so), not the consumer's stall.
      c.clock.kafkaAway();
      c.log.debug("progress check failed", { error: (error as Error).message });
    }
  }, Math.min(10_000, c.stallMs / 4));
  return () => clearInterval(timer);
}
