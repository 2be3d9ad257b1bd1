/**
 * `gateway sink` runtime: Kafka → MongoDB, at least once.
 * Offsets are committed only after MongoDB acknowledged the write of every
 * record up to them (or the record went to the dead-letter topic). Order per
 * partition is kept: a partition's batch is written as ordered bulk writes.
 * Several sink processes in one consumer group share the partitions; on
 * SIGTERM the batch in hand is finished and committed, and the group is left.
 */
import type { Buffer } from "node:buffer";
import type { EachBatchPayload, Kafka } from "kafkajs";
import { type Db, MongoClient, type MongoClientOptions } from "mongodb";
import { backOff } from "exponential-backoff";
import type { Logger } from "../../util/log.ts";
import { classifyMongoError } from "./mongo_errors.ts";
import { DeadLetterQueue, headerText } from "./dead_letters.ts";
import {
  SinkWriteError,
  WriteAbortedError,
  writeOrdered,
  type WritePolicy,
} from "./bulk_writer.ts";
import {
  chunkWrites,
  type IncomingRecord,
  type PreparedRecord,
  toDeadLetter,
} from "./partition_batch.ts";
import type { RecordPipeline } from "./record_pipeline.ts";
import type { SinkObserver } from "../../metrics/sink_observer.ts";

export interface SinkRuntimeSettings {
  topics: string[];
  groupId: string;
  mongoUri: string;
  mongoOptions?: MongoClientOptions;
  database: string;
  policy: WritePolicy;
  deadLetterTopic: (sourceTopic: string) => string;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  statsIntervalMs: number;
  sessionTimeoutMs?: number;
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

export async function runSink(settings: SinkRuntimeSettings, deps: SinkDeps): Promise<SinkSummary> {
  const { kafka, pipeline, log, signal } = deps;
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
    allowAutoTopicCreation: true,
  });
  const consumer = kafka.consumer({
    groupId: settings.groupId,
    sessionTimeout: settings.sessionTimeoutMs ?? 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: Math.max(500, Math.floor((settings.sessionTimeoutMs ?? 30_000) / 10)),
    // A topic that does not exist yet is created on subscription (with auto.create.topics.enable),
    // as the Java consumer under Kafka Connect does, instead of failing the sink.
    allowAutoTopicCreation: true,
  });
  deps.observer?.consumerCreated(consumer);
  const dlq = new DeadLetterQueue(
    producer,
    settings.deadLetterTopic,
    log.child({ component: "dlq" }),
  );
  const summary: SinkSummary = { written: 0, deadLettered: {}, batches: 0 };
  let fatal: Error | undefined;
  const stopController = new AbortController();
  const stop = () => stopController.abort();
  signal.addEventListener("abort", stop, { once: true });

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const assigned = Object.values(e.payload.memberAssignment).reduce((n, p) => n + p.length, 0);
    log.info("joined consumer group", {
      group: settings.groupId,
      partitions: JSON.stringify(e.payload.memberAssignment),
    });
    deps.onAssigned?.(assigned);
  });
  consumer.on(consumer.events.CRASH, (e) => {
    log.error("consumer crashed", { error: e.payload.error.message, restart: e.payload.restart });
  });

  await ensureCollections(db, pipeline, log, stopController.signal);
  await producer.connect();
  await waitForTopics(kafka, settings.topics, log, stopController.signal);
  await consumer.connect();
  for (const topic of settings.topics) {
    await consumer.subscribe({ topic, fromBeginning: settings.fromBeginning });
  }
  log.info("sink running", {
    topics: settings.topics.join(","),
    group: settings.groupId,
    database: settings.database,
  });

  const statsTimer = setInterval(() => {
    log.info("stats", {
      written: summary.written,
      batches: summary.batches,
      deadLettered: dlq.counts,
    });
  }, settings.statsIntervalMs);

  const handleBatch = async (payload: EachBatchPayload) => {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const keepGoing = () => isRunning() && !isStale() && !fatal;
    const target = pipeline.targetOf(batch.topic);
    const prepared: PreparedRecord[] = [];
    for (const m of batch.messages) {
      if (!keepGoing()) break;
      const record: IncomingRecord = {
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key ? new Uint8Array(m.key) : null,
        value: m.value ? new Uint8Array(m.value) : null,
        headers: Object.fromEntries(
          Object.entries(m.headers ?? {}).map(([k, v]) => [k, headerText(v as Buffer) ?? ""]),
        ),
        timestamp: m.timestamp,
      };
      prepared.push({ record, disposition: await pipeline.prepare(record) });
    }
    if (prepared.length === 0) return;

    await dlq.send(
      prepared.filter((p) => p.disposition.kind === "dead").map((p) => {
        const d = p.disposition as { reason: string; message: string; errorClass?: string };
        return toDeadLetter(p.record, d.reason, d.message, d.errorClass);
      }),
      keepGoing,
    );
    const ob = deps.observer;
    const countOf = (kind: string) => prepared.filter((p) => p.disposition.kind === kind).length;
    ob?.recordsSettled(batch.topic, batch.partition, "dead_lettered", countOf("dead"));
    ob?.recordsSettled(batch.topic, batch.partition, "skipped", countOf("skip"));

    // Everything before `settled` is written or dead-lettered: its offset may be committed.
    let settled = prepared.length;
    const collection = db.collection(target.collection);
    for (const chunk of chunkWrites(prepared, target.batchSize)) {
      const ops = chunk.map((p) => (p.disposition as { kind: "write"; op: never }).op);
      const writeStarted = performance.now();
      try {
        const outcome = await writeOrdered(collection, ops, settings.policy, {
          heartbeat,
          keepGoing,
          onUnavailable: (error, attempt) => {
            ob?.partitionError(batch.topic, batch.partition, (error as Error).message);
            if (attempt === 1 || attempt % 10 === 0) {
              log.warn("MongoDB unavailable: consumption paused, retrying with backoff", {
                error: (error as Error).message,
                attempt,
              });
            }
          },
          onRejected: (index, error, retrying) => {
            ob?.partitionError(batch.topic, batch.partition, (error as Error).message);
            log.warn(
              retrying
                ? "MongoDB rejected a write: retrying (RETRY policy)"
                : "MongoDB rejected a write",
              {
                offset: chunk[index].record.offset,
                error: (error as Error).message,
              },
            );
          },
        });
        ob?.batchWritten((performance.now() - writeStarted) / 1000);
        summary.written += outcome.applied;
        ob?.recordsSettled(batch.topic, batch.partition, "written", outcome.applied);
        ob?.recordsSettled(batch.topic, batch.partition, "dead_lettered", outcome.rejected.length);
        if (outcome.rejected.length > 0) {
          await dlq.send(
            outcome.rejected.map((r) =>
              toDeadLetter(chunk[r.index].record, "write-rejected", r.message, "MongoWriteError")
            ),
            keepGoing,
          );
        }
      } catch (error) {
        const applied = error instanceof SinkWriteError || error instanceof WriteAbortedError
          ? error.applied
          : 0;
        summary.written += applied;
        ob?.recordsSettled(batch.topic, batch.partition, "written", applied);
        settled = prepared.indexOf(chunk[applied]);
        if (error instanceof SinkWriteError) {
          fatal = error;
          log.error(error.message, {
            topic: batch.topic,
            partition: batch.partition,
            offset: chunk[applied].record.offset,
          });
          stop();
        } else if (!(error instanceof WriteAbortedError)) {
          throw error;
        }
        break;
      }
    }
    if (settled > 0) {
      const last = prepared[settled - 1].record.offset;
      payload.resolveOffset(last);
      await consumer.commitOffsets([{
        topic: batch.topic,
        partition: batch.partition,
        offset: (BigInt(last) + 1n).toString(),
      }]);
    }
    summary.batches++;
    if (keepGoing()) await heartbeat();
  };

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
    eachBatch: handleBatch,
  });

  await new Promise<void>((resolve) => {
    if (stopController.signal.aborted) resolve();
    else stopController.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  log.info("stopping: finishing the batch in hand, committing, leaving the group");
  clearInterval(statsTimer);
  await consumer.disconnect().catch((e) =>
    log.warn("leaving the group failed", { error: (e as Error).message })
  );
  await producer.disconnect().catch(() => {});
  await mongo.close().catch(() => {});
  summary.deadLettered = dlq.counts;
  if (fatal) summary.fatal = fatal.message;
  deps.observer?.sinkStopped(fatal ? fatal.message : "stopped on request");
  log.info("stopped", {
    written: summary.written,
    batches: summary.batches,
    deadLettered: summary.deadLettered,
  });
  return summary;
}

/**
 * A source topic that does not exist yet is created by the broker (when it
 * auto-creates topics) on the first metadata request; until its partitions
 * have leaders the sink waits, as a Kafka Connect sink does, instead of failing.
 */
async function waitForTopics(kafka: Kafka, topics: string[], log: Logger, signal: AbortSignal) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await backOff(async () => {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      const leaderless = found.filter((t) =>
        t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)
      );
      if (leaderless.length > 0) {
        throw new Error(`topic(s) ${leaderless.map((t) => t.name).join(", ")} not ready`);
      }
    }, {
      numOfAttempts: Number.MAX_SAFE_INTEGER,
      startingDelay: 250,
      maxDelay: 5000,
      retry: (error: unknown, attempt: number) => {
        if (attempt === 1 || attempt % 10 === 0) {
          log.warn("waiting for the source topics", {
            topics: topics.join(","),
            error: (error as Error).message,
          });
        }
        return !signal.aborted;
      },
    });
  } finally {
    await admin.disconnect();
  }
}

/** Creates what the statements need (e.g. time series collections), waiting while the store is down. */
async function ensureCollections(
  db: Db,
  pipeline: RecordPipeline,
  log: Logger,
  signal: AbortSignal,
) {
  await backOff(() => pipeline.ensureCollections(db, log), {
    numOfAttempts: Number.MAX_SAFE_INTEGER,
    startingDelay: 500,
    maxDelay: 10_000,
    retry: (error: unknown, attempt: number) => {
      if (classifyMongoError(error) !== "unavailable" || signal.aborted) return false;
      log.warn("MongoDB unavailable: waiting to prepare collections", {
        error: (error as Error).message,
        attempt,
      });
      return true;
    },
  });
}
