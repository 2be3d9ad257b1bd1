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
 */
import type { Buffer } from "node:buffer";
import type { Admin, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import { type Db, MongoClient, type MongoClientOptions } from "mongodb";
import { RegistryError } from "../../avro/registry_client.ts";
import { classifyKafkaError } from "../../kafka/failure.ts";
import type { Logger } from "../../util/log.ts";
import { giveUp, retry } from "../../util/retry.ts";
import { superviseProcess } from "../../util/supervise.ts";
import type { WritePolicy } from "./bulk_writer.ts";
import { DeadLetterQueue, ensureDeadLetterTopics, headerText } from "./dead_letters.ts";
import {
  fetchSizes,
  sessionTimeoutProblem,
  sessionTimeoutRange,
  topicMessageLimit,
} from "./kafka_limits.ts";
import { classifyMongoError, describeMongoFailure } from "./mongo_errors.ts";
import { OffsetCommitter } from "./offset_committer.ts";
import { type Disposition, type IncomingRecord, processRecords } from "./partition_batch.ts";
import type { RecordPipeline } from "./record_pipeline.ts";
import type { WriteTarget } from "./bulk_writer.ts";
import type { SinkObserver } from "../../metrics/sink_observer.ts";
import { isStalled, StallClock, waitingRecords } from "./stall_watch.ts";
import { readPartitionOffsets } from "../../kafka/partition_offsets.ts";
import { episodeDuration, LogEpisodes } from "../../util/log_episodes.ts";
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
  deadLetterTopic: (sourceTopic: string) => string;
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

/** A failure that stops the sink; its message is the sink's last log line. */
class SinkStop extends Error {
  override name = "SinkStop";
}

export async function runSink(settings: SinkRuntimeSettings, deps: SinkDeps): Promise<SinkSummary> {
  const { kafka, pipeline, log } = deps;
  const giveUpAfterMs = settings.giveUpAfterMs ?? 300_000;
  const summary: SinkSummary = { written: 0, deadLettered: {}, batches: 0 };
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
    fail(new SinkStop(`${kind}: ${describe(error)}`))
  );

  const mongo = new MongoClient(settings.mongoUri, {
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 5000,
    // The sink retries writes itself (ordered, idempotent for UPSERT, duplicate-aware for INSERT).
    retryWrites: false,
    // A store that accepts the connection but never answers is as unavailable as one that is
    // down: the request fails, the batch is retried, nothing is committed. A URI's own
    // socketTimeoutMS wins.
    ...(/[?&]sockettimeoutms=/i.test(settings.mongoUri) ? {} : { socketTimeoutMS: 60_000 }),
    ...settings.mongoOptions,
  });
  const db = mongo.db(settings.database);
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // Dead-letter topics are created at start, explicitly (ensureDeadLetterTopics); a letter for
    // one that is missing waits for it rather than creating it with the broker's defaults.
    allowAutoTopicCreation: false,
  });
  const admin = kafka.admin();
  const batchSizes = settings.topics.map((t) => pipeline.targetOf(t).batchSize);
  const sessionTimeout = settings.sessionTimeoutMs ?? 30_000;
  const heartbeatInterval = Math.max(500, Math.floor(sessionTimeout / 10));
  const consumer = kafka.consumer({
    groupId: settings.groupId,
    sessionTimeout,
    rebalanceTimeout: 60_000,
    heartbeatInterval,
    // A topic that does not exist yet is created on subscription (with auto.create.topics.enable),
    // as the Java consumer under Kafka Connect does, instead of failing the sink.
    allowAutoTopicCreation: true,
    // New partitions (a topic re-created or grown) are noticed at the next metadata refresh,
    // which then rebalances the group: every 30 s rather than kafkajs's 5 minutes.
    metadataMaxAge: 30_000,
    // Stopping waits for the fetch in flight: keep it short.
    maxWaitTimeInMs: 1000,
    // Memory bounded by BATCH, not by the backlog.
    ...fetchSizes(Math.max(...batchSizes, 1), settings.partitionsConsumedConcurrently),
  });
  const ob = deps.observer;
  ob?.consumerCreated(consumer);
  const dlq = new DeadLetterQueue(
    producer,
    settings.deadLetterTopic,
    log.child({ component: "dlq" }),
    (topic) => topicMessageLimit(admin, topic),
  );
  // kafkajs's consumer.commitOffsets does nothing once the consumer is stopping, which is when
  // the batch in hand settles; a batch's own commitOffsetsIfNecessary(offsets) commits anyway.
  let groupCommit: EachBatchPayload["commitOffsetsIfNecessary"] | undefined;
  const committer = new OffsetCommitter(
    (offsets) =>
      groupCommit
        ? groupCommit({
          topics: [...new Set(offsets.map((o) => o.topic))].map((topic) => ({
            topic,
            partitions: offsets.filter((o) => o.topic === topic).map((o) => ({
              partition: o.partition,
              offset: o.offset,
            })),
          })),
        })
        : consumer.commitOffsets(offsets),
    log.child({ component: "commit" }),
  );

  let owned: Record<string, number[]> = {};
  let batchesInHand = 0;
  // Time with Kafka and without a batch; Kafka away does not count (a dependency outage).
  const stall = new StallClock();
  // A failure that repeats (kafkajs restarts its consumer every second or so while Kafka is away,
  // a write retried while MongoDB is) is one line, a reminder now and then, and a recovered line.
  const episodes = new LogEpisodes(EPISODE_REMINDER_MS);
  const writes = new WriteTracker();
  ob?.writesTracked(writes);
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    owned = e.payload.memberAssignment;
    stall.progressed();
    const assigned = Object.values(e.payload.memberAssignment).reduce((n, p) => n + p.length, 0);
    const end = episodes.recovered("kafka");
    if (end) {
      log.info(`Kafka recovered after ${episodeDuration(end.forMs)}: the consumer runs again`, {
        restarts: end.occurrences,
      });
    }
    log.info("joined consumer group", {
      group: settings.groupId,
      partitions: JSON.stringify(e.payload.memberAssignment),
    });
    deps.onAssigned?.(assigned);
  });
  consumer.on(consumer.events.CRASH, (e) => {
    const cause = classifyKafkaError(e.payload.error).message;
    if (e.payload.restart) {
      stall.kafkaAway();
      const note = episodes.failed("kafka");
      if (note?.kind === "started") {
        log.warn("consumer crashed; kafkajs restarts it until Kafka answers", { error: cause });
      } else if (note) {
        log.warn(
          `consumer still crashing after ${episodeDuration(note.forMs)}; kafkajs restarts it`,
          { error: cause, restarts: note.occurrences },
        );
      }
    } else {
      fail(new SinkStop(`Kafka consumer crashed and will not restart: ${cause}`));
    }
  });
  // A crash kafkajs restarts from (restart=true) stops the consumer first; a consumer that
  // then never consumes again is caught by the stall watch below.
  const storeBack = () => {
    const end = episodes.recovered("mongodb");
    if (end) {
      log.info(`MongoDB recovered after ${episodeDuration(end.forMs)}: writing again`, {
        attempts: end.occurrences,
      });
    }
  };

  let statsTimer: ReturnType<typeof setInterval> | undefined;
  let stallTimer: ReturnType<typeof setInterval> | undefined;
  try {
    await startMongo(mongo, db, pipeline, log, stopping, giveUpAfterMs);
    await startKafka(
      {
        connect: async () => {
          await producer.connect();
          await admin.connect();
        },
        admin,
        topics: settings.topics,
        sessionTimeoutMs: sessionTimeout,
        subscribe: async () => {
          await consumer.connect();
          for (const topic of settings.topics) {
            await consumer.subscribe({ topic, fromBeginning: settings.fromBeginning });
          }
        },
      },
      log,
      stopping,
      giveUpAfterMs,
    );
    if (!stopping.aborted) {
      await ensureDeadLetterTopics(
        admin,
        settings.topics.map(settings.deadLetterTopic),
        settings.deadLetterReplicationFactor,
        log.child({ component: "dlq" }),
      );
    }
  } catch (error) {
    if (!stopping.aborted || fatal) fail(error);
  }

  const prepare = preparer(pipeline, log, giveUpAfterMs);
  const handleBatch = async (payload: EachBatchPayload) => {
    const { batch } = payload;
    groupCommit = payload.commitOffsetsIfNecessary;
    batchesInHand++;
    stall.progressed();
    const guard = partitionGuard(payload, stopping, log);
    const target = pipeline.targetOf(batch.topic);
    try {
      const outcome = await processRecords(
        batch.messages.map((m) => incoming(batch.topic, batch.partition, m)),
        {
          batchSize: target.batchSize,
          prepare: (record) => prepare(record, guard.signal),
          collection: trackedWrites(db.collection(target.collection), ob, writes, storeBack),
          deadLetters: dlq,
          policy: { ...settings.policy, giveUpAfterMs },
          signal: guard.signal,
          settled: (offset) => {
            payload.resolveOffset(offset);
            committer.mark(batch.topic, batch.partition, (BigInt(offset) + 1n).toString());
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
      summary.written += outcome.written;
      ob?.recordsSettled(batch.topic, batch.partition, "written", outcome.written);
      ob?.recordsSettled(batch.topic, batch.partition, "dead_lettered", outcome.deadLettered);
      ob?.recordsSettled(batch.topic, batch.partition, "skipped", outcome.skipped);
      if (outcome.end === "stopped" && outcome.error) {
        fail(
          new SinkStop(
            `${outcome.error.message} (topic ${batch.topic}, partition ${batch.partition}, ` +
              `offset after ${outcome.lastSettled ?? "none settled"})`,
          ),
        );
      }
    } catch (error) {
      if (!guard.signal.aborted) fail(error);
    } finally {
      guard.dispose();
      batchesInHand--;
      stall.progressed();
      if (batchesInHand === 0) writes.batchesSettled();
    }
    summary.batches++;
    // Before a rebalance or a stop takes the partition away, its settled offsets are committed.
    if (stopping.aborted || !payload.isRunning() || payload.isStale()) await committer.flush();
  };

  if (!stopping.aborted) {
    log.info("sink running", {
      topics: settings.topics.join(","),
      group: settings.groupId,
      database: settings.database,
    });
    statsTimer = setInterval(() => {
      const p = writes.progress();
      const fields = {
        written: summary.written,
        batches: summary.batches,
        commits: committer.commits,
        deadLettered: dlq.counts,
        recordsPerSecond: p.recordsPerSecond,
        ...(p.writeSeconds !== undefined
          ? { writeSeconds: p.writeSeconds, writeMaxSeconds: p.writeMaxSeconds }
          : {}),
        ...(p.inFlightSeconds !== undefined ? { writeWaitingSeconds: p.inFlightSeconds } : {}),
        store: p.store,
      };
      // A slow or absent store is said at every stats line, never only once.
      if (p.store === "ok") log.info("stats", fields);
      else log.warn(`stats: ${p.detail}`, fields);
    }, settings.statsIntervalMs);
    const stallMs = settings.stallMs ?? Math.max(120_000, 4 * sessionTimeout);
    stallTimer = setInterval(async () => {
      if (stopping.aborted || batchesInHand > 0 || stall.idleMs() < stallMs) return;
      try {
        const ownedTopics = Object.keys(owned);
        const parts = (await readPartitionOffsets(admin, settings.groupId, ownedTopics))
          .filter((p) => owned[p.topic]?.includes(p.partition));
        const waiting = waitingRecords(parts);
        if (isStalled(waiting, batchesInHand, stall.idleMs(), stallMs)) {
          fail(
            new SinkStop(
              `Kafka consumer stuck: no batch for ${Math.round(stall.idleMs() / 1000)} s ` +
                `although Kafka answers and records wait (${
                  waiting.map(([p, what]) => `${p}: ${what}`).join(", ")
                })`,
            ),
          );
        }
      } catch (error) {
        // Kafka does not answer: an outage (readiness says so), not the consumer's stall.
        stall.kafkaAway();
        log.debug("progress check failed", { error: (error as Error).message });
      }
    }, Math.min(10_000, stallMs / 4));
    try {
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
        eachBatch: handleBatch,
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
  clearInterval(statsTimer);
  clearInterval(stallTimer);
  await consumer.stop().catch(() => {});
  await committer.flush();
  await consumer.disconnect().catch((e) =>
    log.warn("leaving the group failed", { error: (e as Error).message })
  );
  await producer.disconnect().catch(() => {});
  await admin.disconnect().catch(() => {});
  await mongo.close().catch(() => {});
  unsupervise();
  summary.deadLettered = dlq.counts;
  const counters = {
    written: summary.written,
    batches: summary.batches,
    deadLettered: summary.deadLettered,
  };
  ob?.sinkStopped(fatal ? describe(fatal) : "stopped on request");
  if (fatal) {
    summary.fatal = describe(fatal);
    log.error(`sink stopped: ${summary.fatal}`, counters);
  } else {
    log.info("stopped", counters);
  }
  return summary;
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

function describe(error: unknown): string {
  if (error instanceof SinkStop) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function incoming(topic: string, partition: number, m: KafkaMessage): IncomingRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? new Uint8Array(m.key.buffer, m.key.byteOffset, m.key.byteLength) : null,
    value: m.value ? new Uint8Array(m.value.buffer, m.value.byteOffset, m.value.byteLength) : null,
    headers: headersOf(m.headers),
    timestamp: m.timestamp,
  };
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** Kafka headers as text; most records have none, and they share one frozen empty object. */
function headersOf(headers: KafkaMessage["headers"]): Record<string, string> {
  const entries = headers ? Object.entries(headers) : [];
  if (entries.length === 0) return NO_HEADERS;
  // fromEntries: a header called "__proto__" stays an ordinary key.
  return Object.fromEntries(entries.map(([k, v]) => [k, headerText(v as Buffer) ?? ""]));
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

/**
 * `pipeline.prepare` with the registry's failures paused and retried (nothing committed
 * meanwhile): unreachable until it is back, refused credentials (401/403) for `giveUpAfterMs`.
 * Any other error thrown by prepare is a fault of the sink: it stops the sink.
 */
function preparer(pipeline: RecordPipeline, log: Logger, giveUpAfterMs: number) {
  let lastCause = "";
  // The first attempt runs without the retry machinery: a p-retry operation per record was the
  // largest single cost of the loop in a V8 profile (100k-record backlog); only a record whose
  // first attempt fails pays for it.
  return async (record: IncomingRecord, signal: AbortSignal): Promise<Disposition> => {
    try {
      return await pipeline.prepare(record);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw asError(error);
    }
    return await retrying(record, signal);
  };

  function retrying(record: IncomingRecord, signal: AbortSignal): Promise<Disposition> {
    let authSince: number | undefined;
    return retry(async () => {
      try {
        return await pipeline.prepare(record);
      } catch (error) {
        if (!(error instanceof RegistryError)) giveUp(asError(error));
        const auth = error.status === 401 || error.status === 403;
        if (auth) {
          authSince ??= Date.now();
          if (giveUpAfterMs > 0 && Date.now() - authSince >= giveUpAfterMs) {
            giveUp(
              new SinkStop(
                `schema registry authentication failed (HTTP ${error.status}) for ${
                  Math.round(giveUpAfterMs / 1000)
                } s (--give-up-after): ${error.message}`,
              ),
            );
          }
        }
        throw error;
      }
    }, {
      signal,
      minDelayMs: 500,
      maxDelayMs: 10_000,
      onRetry: (error, info) => {
        const cause = (error as Error).message;
        if (cause !== lastCause || info.attempt % 10 === 0) {
          lastCause = cause;
          log.warn("schema registry failing: partition paused, retrying with backoff", {
            error: cause,
            attempt: info.attempt,
          });
        }
      },
    });
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Connects to MongoDB and creates what the statements need (time series collections): a store
 * that is away is waited for; refused credentials or an untrusted certificate are retried for
 * `giveUpAfterMs`, then stop the sink.
 */
async function startMongo(
  mongo: MongoClient,
  db: Db,
  pipeline: RecordPipeline,
  log: Logger,
  signal: AbortSignal,
  giveUpAfterMs: number,
): Promise<void> {
  let configurationSince: number | undefined;
  let lastCause = "";
  await retry(async () => {
    try {
      await mongo.connect();
      await pipeline.ensureCollections(db, log);
    } catch (error) {
      const kind = classifyMongoError(error);
      if (kind === "auth" || kind === "tls") {
        configurationSince ??= Date.now();
        if (giveUpAfterMs > 0 && Date.now() - configurationSince >= giveUpAfterMs) {
          giveUp(
            new SinkStop(
              `${describeMongoFailure(kind, error)}; still failing after --give-up-after ${
                Math.round(giveUpAfterMs / 1000)
              } s`,
            ),
          );
        }
      } else if (kind !== "unavailable") {
        giveUp(new SinkStop(`MongoDB: ${describe(error)}`));
      }
      throw error;
    }
  }, {
    signal,
    minDelayMs: 500,
    maxDelayMs: 10_000,
    onRetry: (error, info) => {
      const kind = classifyMongoError(error);
      const cause = describeMongoFailure(kind, error);
      if (cause !== lastCause || info.attempt % 10 === 0) {
        lastCause = cause;
        log.warn(
          kind === "unavailable" ? "MongoDB unavailable: waiting to start" : `${cause}: retrying`,
          { error: (error as Error).message, attempt: info.attempt },
        );
      }
    },
  });
}

interface KafkaStart {
  connect(): Promise<void>;
  admin: Admin;
  topics: string[];
  sessionTimeoutMs: number;
  subscribe(): Promise<void>;
}

class TopicsNotReady extends Error {
  override name = "TopicsNotReady";
}

/**
 * Connects to Kafka as produce does: unreachable brokers and refused credentials are retried with
 * backoff for `giveUpAfterMs` (0: forever), then the sink stops with the cause. Source topics
 * that do not exist yet are waited for (the broker creates them on the first metadata request
 * when it auto-creates topics), as a Kafka Connect sink does. A session timeout the broker would
 * refuse is an error at once.
 */
async function startKafka(
  start: KafkaStart,
  log: Logger,
  signal: AbortSignal,
  giveUpAfterMs: number,
): Promise<void> {
  let failingSince: number | undefined;
  let lastCause = "";
  const step = (what: string, fn: () => Promise<void>) =>
    retry(async () => {
      try {
        await fn();
        failingSince = undefined;
      } catch (error) {
        if (error instanceof SinkStop) giveUp(error);
        if (error instanceof TopicsNotReady) {
          failingSince = undefined;
          throw error;
        }
        failingSince ??= Date.now();
        if (giveUpAfterMs > 0 && Date.now() - failingSince >= giveUpAfterMs) {
          const f = classifyKafkaError(error);
          giveUp(
            new SinkStop(
              `Kafka: ${what} failed for ${Math.round(giveUpAfterMs / 1000)} s ` +
                `(--give-up-after): ${f.message}` +
                (f.configuration ? " (a configuration error: check the security settings)" : ""),
            ),
          );
        }
        throw error;
      }
    }, {
      signal,
      minDelayMs: 500,
      maxDelayMs: 10_000,
      onRetry: (error, info) => {
        const cause = error instanceof TopicsNotReady
          ? error.message
          : classifyKafkaError(error).message;
        if (cause !== lastCause || info.attempt % 10 === 0) {
          lastCause = cause;
          log.warn(
            error instanceof TopicsNotReady
              ? "waiting for the source topics"
              : `Kafka: ${what} failed; retrying with backoff`,
            { error: cause, attempt: info.attempt },
          );
        }
      },
    });

  await step("connecting", start.connect);
  await step("checking the broker's session timeout range", async () => {
    const range = await sessionTimeoutRange(start.admin);
    const problem = sessionTimeoutProblem(start.sessionTimeoutMs, range);
    if (problem) throw new SinkStop(problem);
  });
  await step("reading the source topics", async () => {
    const { topics: found } = await start.admin.fetchTopicMetadata({ topics: start.topics })
      .catch((error) => {
        // A topic the broker does not know yet is waited for; brokers away count as failures.
        if (classifyKafkaError(error).kind !== "other") throw error;
        throw new TopicsNotReady(`source topics not ready: ${(error as Error).message}`);
      });
    const leaderless = found.filter((t) =>
      t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)
    );
    if (leaderless.length > 0) {
      throw new TopicsNotReady(
        `topic(s) ${leaderless.map((t) => t.name).join(", ")} not ready`,
      );
    }
  });
  await step("joining the consumer group", start.subscribe);
}
