/**
 * What the sink learns from its consumer's events: the partitions it owns after each join of the
 * group, and crashes. A crash kafkajs restarts from (Kafka away) is one line per outage, with a
 * reminder and a `recovered` line at the next join, and restarts the stall clock; a crash it
 * will not restart from stops the sink.
 */
import type { Consumer } from "kafkajs";
import { classifyKafkaError } from "../../kafka/failure.ts";
import type { Logger } from "../../util/log.ts";
import { episodeDuration, type LogEpisodes } from "../../util/log_episodes.ts";
import { SinkStop } from "./sink_stop.ts";
import type { StallClock } from "./stall_watch.ts";

/** Whom the consumer's events concern. */
export interface ConsumerWatch {
  groupId: string;
  stall: StallClock;
  /** Shared with the batch handler (the "kafka" cause is the consumer's). */
  episodes: LogEpisodes;
  log: Logger;
  /** Stops the sink with `error` as its cause. */
  fail(error: SinkStop): void;
  /** Called after each join with the number of partitions assigned. */
  onAssigned?: (partitions: number) => void;
}

/** Follows the consumer's joins and crashes; returns the partitions owned now, by topic. */
export function followConsumer(
  consumer: Pick<Consumer, "on" | "events">,
  w: ConsumerWatch,
): () => Record<string, number[]> {
  let owned: Record<string, number[]> = {};
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    owned = e.payload.memberAssignment;
    w.stall.progressed();
    const assigned = Object.values(e.payload.memberAssignment).reduce((n, p) => n + p.length, 0);
    const end = w.episodes.recovered("kafka");
    if (end) {
      w.log.info(`Kafka recovered after ${episodeDuration(end.forMs)}: the consumer runs again`, {
        restarts: end.occurrences,
      });
    }
    w.log.info("joined consumer group", {
      group: w.groupId,
      partitions: JSON.stringify(e.payload.memberAssignment),
    });
    w.onAssigned?.(assigned);
  });
  // A crash kafkajs restarts from (restart=true) stops the consumer first; a consumer that
  // then never consumes again is caught by the stall watch (stall_check.ts).
  consumer.on(consumer.events.CRASH, (e) => {
    const cause = classifyKafkaError(e.payload.error).message;
    if (!e.payload.restart) {
      w.fail(new SinkStop(`Kafka consumer crashed and will not restart: ${cause}`));
      return;
    }
    w.stall.kafkaAway();
    const note = w.episodes.failed("kafka");
    if (note?.kind === "started") {
      w.log.warn("consumer crashed; kafkajs restarts it until Kafka answers", { error: cause });
    } else if (note) {
      w.log.warn(
        `consumer still crashing after ${episodeDuration(note.forMs)}; kafkajs restarts it`,
        { error: cause, restarts: note.occurrences },
      );
    }
  });
  return () => owned;
}
