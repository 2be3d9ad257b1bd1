/**
 * The sink's work on one Kafka batch (one partition), as kafkajs's `eachBatch` hands it over:
 * each record prepared (the registry waited for), written or dead-lettered BATCH at a time
 * (partition_batch.ts), its offset marked for the background commit once settled; a write that
 * waits on the store is said once per outage, with a reminder and a `recovered` line. What ends
 * the sink is handed to `fail`. The lifecycle around it (clients, start, stop) is run_sink.ts.
 */
import type { EachBatchPayload } from "kafkajs";
import type { Db } from "mongodb";
import type { SinkObserver } from "../../metrics/sink_observer.ts";
import type { Logger } from "../../util/log.ts";
import { episodeDuration, type LogEpisodes } from "../../util/log_episodes.ts";
import type { WritePolicy, WriteTarget } from "./bulk_writer.ts";
import type { DeadLetterSink } from "./dead_letters.ts";
import { incomingRecord } from "./kafka_record.ts";
import { describeMongoFailure } from "./mongo_errors.ts";
import type { OffsetCommitter } from "./offset_committer.ts";
import { processRecords } from "./partition_batch.ts";
import type { RecordPipeline } from "../record/record_pipeline.ts";
import { preparerWaitingForRegistry } from "./registry_wait.ts";
import { SinkStop } from "./sink_stop.ts";
import type { WriteTracker } from "./write_progress.ts";

/** What the batch handler works with. */
export interface BatchWork {
  pipeline: Pick<RecordPipeline, "targetOf" | "prepare">;
  db: Db;
  deadLetters: DeadLetterSink;
  committer: OffsetCommitter;
  policy: WritePolicy;
  /** How long refused credentials (store, registry) are retried before the sink stops. */
  giveUpAfterMs: number;
  observer?: SinkObserver;
  writes: WriteTracker;
  /** Shared with the consumer's own episodes (the "mongodb" cause is this handler's). */
  episodes: LogEpisodes;
  log: Logger;
  /** Aborts when the sink stops. */
  stopping: AbortSignal;
  /** Stops the sink with `error` as its cause. */
  fail(error: unknown): void;
  /** A batch started or ended (the stall clock). */
  progressed(): void;
}

/** Handles the consumer's batches; counts what it did. */
export class BatchHandler {
  /** Documents written since start. */
  written = 0;
  /** Batches handled since start. */
  batches = 0;
  /** Batches being handled now. */
  inHand = 0;
  /**
   * The last batch's own commit: kafkajs's consumer.commitOffsets does nothing once the consumer
   * is stopping, which is when the batch in hand settles; a batch's commitOffsetsIfNecessary
   * commits anyway.
   */
  groupCommit: EachBatchPayload["commitOffsetsIfNecessary"] | undefined;
  readonly #prepare;

  constructor(private readonly work: BatchWork) {
    this.#prepare = preparerWaitingForRegistry(work.pipeline, work.log, work.giveUpAfterMs);
  }

  /** kafkajs's `eachBatch`. */
  handle = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    const { log, writes, episodes, stopping } = this.work;
    const ob = this.work.observer;
    this.groupCommit = payload.commitOffsetsIfNecessary;
    this.inHand++;
    this.work.progressed();
    const guard = partitionGuard(payload, stopping, log);
    const target = this.work.pipeline.targetOf(batch.topic);
    // A failure that repeats (a write retried while MongoDB is away) is one line, a reminder now
    // and then, and a recovered line.
    const storeBack = () => {
      const end = episodes.recovered("mongodb");
      if (end) {
        log.info(`MongoDB recovered after ${episodeDuration(end.forMs)}: writing again`, {
          attempts: end.occurrences,
        });
      }
    };
    try {
      const outcome = await processRecords(
        batch.messages.map((m) => incomingRecord(batch.topic, batch.partition, m)),
        {
          batchSize: target.batchSize,
          prepare: (record) => this.#prepare(record, guard.signal),
          collection: trackedWrites(
            this.work.db.collection(target.collection),
            ob,
            writes,
            storeBack,
          ),
          deadLetters: this.work.deadLetters,
          policy: { ...this.work.policy, giveUpAfterMs: this.work.giveUpAfterMs },
          signal: guard.signal,
          settled: (offset) => {
            payload.resolveOffset(offset);
            this.work.committer.mark(
              batch.topic,
              batch.partition,
              (BigInt(offset) + 1n).toString(),
            );
          },
          onUnavailable: (error, _attempt, kind) => {
            const message = (error as Error).message;
            ob?.partitionError(batch.topic, batch.partition, message);
            const slow = kind === "unavailable" && isTimeout(error);
            const what = kind !== "unavailable"
              ? describeMongoFailure(kind, error)
              : slow
              ? "MongoDB slow: a write got no answer in time"
              : "MongoDB unavailable";
            if (slow) writes.storeTimedOut(message);
            else writes.storeDown(kind === "unavailable" ? message : what);
            const note = episodes.failed("mongodb");
            if (note?.kind === "started") {
              log.warn(`${what}: consumption paused, retrying with backoff`, { error: message });
            } else if (note) {
              log.warn(`${what}: consumption paused for ${episodeDuration(note.forMs)}, retrying`, {
                error: message,
                attempts: note.occurrences,
              });
            }
          },
          onRejected: (record, error, retrying) => {
            ob?.partitionError(
              batch.topic,
              batch.partition,
              error instanceof Error ? error.message : String(error),
            );
            log.warn(
              retrying
                ? "MongoDB rejected a write: retrying (RETRY policy)"
                : "MongoDB rejected a write",
              {
                topic: record.topic,
                partition: record.partition,
                offset: record.offset,
                class: error instanceof Error ? error.name : typeof error,
                error: error instanceof Error ? error.message : String(error),
              },
            );
          },
        },
      );
      this.written += outcome.written;
      ob?.recordsSettled(batch.topic, batch.partition, "written", outcome.written);
      ob?.recordsSettled(batch.topic, batch.partition, "dead_lettered", outcome.deadLettered);
      ob?.recordsSettled(batch.topic, batch.partition, "skipped", outcome.skipped);
      if (outcome.end === "stopped" && outcome.error) {
        this.work.fail(
          new SinkStop(
            `${outcome.error.message} (topic ${batch.topic}, partition ${batch.partition}, ` +
              `offset after ${outcome.lastSettled ?? "none settled"})`,
          ),
        );
      }
    } catch (error) {
      if (!guard.signal.aborted) this.work.fail(error);
    } finally {
      guard.dispose();
      this.inHand--;
      this.work.progressed();
      if (this.inHand === 0) writes.batchesSettled();
    }
    this.batches++;
    // Before a rebalance or a stop takes the partition away, its settled offsets are committed.
    if (stopping.aborted || !payload.isRunning() || payload.isStale()) {
      await this.work.committer.flush();
    }
  };
}

/**
 * The collection, with each bulk write followed: its duration told to the observer, its
 * latency and records to `writes`, and `succeeded` called when one goes through.
 */
function trackedWrites(
  collection: WriteTarget,
  ob: SinkObserver | undefined,
  writes: WriteTracker,
  succeeded: () => void,
): WriteTarget {
  return {
    bulkWrite: async (ops, options) => {
      const started = performance.now();
      const done = writes.writeStarted();
      let ok = false;
      try {
        const result = await collection.bulkWrite(ops, options);
        ok = true;
        return result;
      } finally {
        done(ok);
        ob?.batchWritten((performance.now() - started) / 1000);
        if (ok) {
          writes.recordsWritten(ops.length);
          succeeded();
        }
      }
    },
    findOne: (filter, options) => collection.findOne(filter, options),
  };
}

/** A request the store took but did not answer in time (the socket timeout): slow, not down. */
function isTimeout(error: unknown): boolean {
  if (error instanceof Error && error.name === "MongoServerSelectionError") return false;
  for (let e: unknown = error, i = 0; e instanceof Error && i < 8; e = e.cause, i++) {
    if (e.name === "MongoNetworkTimeoutError") return true;
  }
  return false;
}

/**
 * While a batch is in hand: heartbeats go on every second (kafkajs sends them at its interval),
 * also while a write or a dead letter waits for the store or Kafka; the returned signal aborts
 * when the sink stops or the partition is being taken away (stale batch, rebalance).
 */
function partitionGuard(payload: EachBatchPayload, stopping: AbortSignal, log: Logger) {
  const controller = new AbortController();
  const check = () => {
    if (stopping.aborted || !payload.isRunning() || payload.isStale()) controller.abort();
  };
  const onStop = () => controller.abort();
  stopping.addEventListener("abort", onStop, { once: true });
  const timer = setInterval(() => {
    check();
    if (controller.signal.aborted) return;
    payload.heartbeat().catch((error) => {
      log.debug("heartbeat refused: giving the batch up", { error: (error as Error).message });
      controller.abort();
    });
  }, 1000);
  return {
    signal: controller.signal,
    dispose: () => {
      clearInterval(timer);
      stopping.removeEventListener("abort", onStop);
    },
  };
}
