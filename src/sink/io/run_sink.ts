/**
 * `gateway sink` runtime: Kafka → MongoDB, at least once.
 * Offsets are committed only after MongoDB acknowledged the write of every
 * record up to them (or the record went to the dead-letter topic). Order per
 * partition is kept: a partition's batch is written as ordered bulk writes,
 * BATCH records at a time (partition_batch.ts); offsets are committed in the
 * background (offset_committer.ts). Several sink processes in one consumer
 * group share the partitions; on SIGTERM the batch in hand is finished and
 * committed, and the group is left.
 *
 * Supervised: a consumer crash kafkajs will not restart, an unhandled
 * rejection, or any fatal error stops the sink with the cause in its last log
 * line (the command then exits non-zero); Kafka unreachable at start, refused
 * credentials (Kafka, registry, MongoDB) or an untrusted certificate are
 * retried with backoff for `giveUpAfterMs`, then stop the sink the same way.
 *
 * This module is the sink's lifecycle (as the MongoDB Kafka connector's `MongoSinkTask` is):
 * build the clients and the parts, start, run until stopped or failed, stop in order. The work
 * lives apart: client options (client_options.ts), start-up (sink_start.ts, sink_clients.ts),
 * each batch (batch_handler.ts, with the registry wait of registry_wait.ts), the consumer's
 * events (consumer_events.ts), the stats line (stats_line.ts) and the stall watch
 * (stall_check.ts).
 */
import type { Kafka, Offsets, TopicPartitionOffsetAndMetadata } from "kafkajs";
import type { MongoClientOptions } from "mongodb";
import type { SinkObserver } from "../../metrics/sink_observer.ts";
import type { Logger } from "../../util/log.ts";
import { LogEpisodes } from "../../util/log_episodes.ts";
import { superviseProcess } from "../../util/supervise.ts";
import { BatchHandler } from "./batch_handler.ts";
import type { WritePolicy } from "./bulk_writer.ts";
import { followConsumer } from "./consumer_events.ts";
import { DeadLetterQueue, ensureDeadLetterTopics, NoDeadLetters } from "./dead_letters.ts";
import { topicMessageLimit } from "./kafka_limits.ts";
import { OffsetCommitter } from "./offset_committer.ts";
import type { RecordPipeline } from "../record/record_pipeline.ts";
import { SinkClients } from "./sink_clients.ts";
import { describeFailure, SinkStop } from "./sink_stop.ts";
import { startStallCheck } from "./stall_check.ts";
import { StallClock } from "./stall_watch.ts";
import { startStatsLine } from "./stats_line.ts";
import { WriteTracker } from "./write_progress.ts";

/** While a failure lasts, a reminder this often (the first line and a `recovered` line aside). */
export const EPISODE_REMINDER_MS = 5 * 60_000;

export interface SinkRuntimeSettings {
  topics: string[];
  groupId: string;
  mongoUri: string;
  mongoOptions?: MongoClientOptions;
  database: string;
  policy: WritePolicy;
  /** The dead-letter topic of each source topic; null: none (a poison record stops the sink). */
  deadLetterTopic: ((sourceTopic: string) => string) | null;
  /** Replicas of a dead-letter topic the sink creates (undefined: the broker's default). */
  deadLetterReplicationFactor?: number;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  statsIntervalMs: number;
  sessionTimeoutMs?: number;
  /**
   * How long Kafka unreachable at start, or refused credentials / an untrusted certificate
   * (Kafka, registry, MongoDB) at any time, are retried before the sink stops (0: forever).
   */
  giveUpAfterMs?: number;
  /**
   * Records waiting on an owned partition and no batch handled for this long: the consumer is
   * stuck and the sink stops (`--stall-timeout`; default: the larger of 2 minutes and 4 session
   * timeouts).
   */
  stallMs?: number;
}

export interface SinkSummary {
  written: number;
  deadLettered: Record<string, number>;
  batches: number;
  fatal?: string;
}

export interface SinkDeps {
  kafka: Kafka;
  pipeline: RecordPipeline;
  log: Logger;
  signal: AbortSignal;
  /** Called once the consumer has joined the group and got partitions (tests, demo). */
  onAssigned?: (partitions: number) => void;
  /** Metrics, health and the status page (src/status). */
  observer?: SinkObserver;
}

/**
 * Runs the sink until `deps.signal` aborts or a failure stops it; resolves with what it did
 * (`fatal`: the cause it stopped on, also its last log line).
 */
export async function runSink(settings: SinkRuntimeSettings, deps: SinkDeps): Promise<SinkSummary> {
  const { kafka, pipeline, log } = deps;
  const giveUpAfterMs = settings.giveUpAfterMs ?? 300_000;
  const stopController = new AbortController();
  const stopping = stopController.signal;
  let fatal: Error | undefined;
  const fail = (error: unknown) => {
    if (!fatal) fatal = error instanceof Error ? error : new Error(String(error));
    stopController.abort();
  };
  deps.signal.addEventListener("abort", () => stopController.abort(), { once: true });
  if (deps.signal.aborted) stopController.abort();

  // Nothing may fail unseen: an unhandled rejection or exception stops the sink loudly.
  const unsupervise = superviseProcess(({ kind, error }) =>
    fail(new SinkStop(`${kind}: ${describeFailure(error)}`))
  );

  const sessionTimeoutMs = settings.sessionTimeoutMs ?? 30_000;
  const clients = new SinkClients(kafka, { ...settings, sessionTimeoutMs }, pipeline);
  const { admin, consumer } = clients;
  const ob = deps.observer;
  ob?.consumerCreated(consumer);
  const dlqTopic = settings.deadLetterTopic;
  const dlq = dlqTopic
    ? new DeadLetterQueue(
      clients.producer,
      dlqTopic,
      log.child({ component: "dlq" }),
      (topic) => topicMessageLimit(admin, topic),
    )
    : new NoDeadLetters();
  const committer: OffsetCommitter = new OffsetCommitter(
    (offsets): Promise<void> =>
      handler.groupCommit ? handler.groupCommit(byTopic(offsets)) : consumer.commitOffsets(offsets),
    log.child({ component: "commit" }),
  );
  // Time with Kafka and without a batch; Kafka away does not count (a dependency outage).
  const stall = new StallClock();
  // A failure that repeats (kafkajs restarts its consumer every second or so while Kafka is away,
  // a write retried while MongoDB is) is one line, a reminder now and then, and a recovered line.
  const episodes = new LogEpisodes(EPISODE_REMINDER_MS);
  const writes = new WriteTracker();
  ob?.writesTracked(writes);
  const handler: BatchHandler = new BatchHandler({
    pipeline,
    db: clients.db,
    deadLetters: dlq,
    committer,
    policy: settings.policy,
    giveUpAfterMs,
    observer: ob,
    writes,
    episodes,
    log,
    stopping,
    fail,
    progressed: () => stall.progressed(),
  });
  const owned = followConsumer(consumer, {
    groupId: settings.groupId,
    stall,
    episodes,
    log,
    fail,
    onAssigned: deps.onAssigned,
  });

  try {
    await clients.start(log, stopping, giveUpAfterMs);
    if (!stopping.aborted && dlqTopic) {
      await ensureDeadLetterTopics(
        admin,
        settings.topics.map(dlqTopic),
        settings.deadLetterReplicationFactor,
        log.child({ component: "dlq" }),
      );
    }
  } catch (error) {
    if (!stopping.aborted || fatal) fail(error);
  }

  const counts = () => ({
    written: handler.written,
    batches: handler.batches,
    commits: committer.commits,
    deadLettered: dlq.counts,
  });
  const timers: (() => void)[] = [];
  if (!stopping.aborted) {
    log.info("sink running", {
      topics: settings.topics.join(","),
      group: settings.groupId,
      database: settings.database,
    });
    timers.push(startStatsLine(settings.statsIntervalMs, counts, writes, log));
    timers.push(startStallCheck({
      admin,
      groupId: settings.groupId,
      clock: stall,
      stallMs: settings.stallMs ?? Math.max(120_000, 4 * sessionTimeoutMs),
      owned,
      batchesInHand: () => handler.inHand,
      stopping,
      fail,
      log,
    }));
    try {
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
        eachBatch: handler.handle,
      });
    } catch (error) {
      fail(error);
    }
    await new Promise<void>((resolve) => {
      if (stopping.aborted) resolve();
      else stopping.addEventListener("abort", () => resolve(), { once: true });
    });
  }

  log.info("stopping: finishing the batch in hand, committing, leaving the group");
  for (const stop of timers) stop();
  await consumer.stop().catch(() => {});
  await committer.flush();
  await clients.close(log);
  unsupervise();
  const summary: SinkSummary = {
    written: handler.written,
    deadLettered: dlq.counts,
    batches: handler.batches,
  };
  const counters = {
    written: summary.written,
    batches: summary.batches,
    deadLettered: summary.deadLettered,
  };
  ob?.sinkStopped(fatal ? describeFailure(fatal) : "stopped on request");
  if (fatal) {
    summary.fatal = describeFailure(fatal);
    log.error(`sink stopped: ${summary.fatal}`, counters);
  } else {
    log.info("stopped", counters);
  }
  return summary;
}

/** Offsets as a batch's commitOffsetsIfNecessary takes them: grouped by topic. */
function byTopic(offsets: TopicPartitionOffsetAndMetadata[]): Offsets {
  return {
    topics: [...new Set(offsets.map((o) => o.topic))].map((topic) => ({
      topic,
      partitions: offsets.filter((o) => o.topic === topic).map((o) => ({
        partition: o.partition,
        offset: o.offset,
      })),
    })),
  };
}
