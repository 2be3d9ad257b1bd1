/**
 * How the sink builds its clients: the MongoDB client, the dead-letter producer and the group
 * consumer. Plain option objects, so what the sink asks of each client is read in one place.
 */
import type { ConsumerConfig, ProducerConfig } from "kafkajs";
import type { MongoClientOptions } from "mongodb";
import { fetchSizes } from "./kafka_limits.ts";

/** The MongoDB client's options for `uri`; `extra` (TLS, credentials) wins over the defaults. */
export function mongoClientOptions(uri: string, extra?: MongoClientOptions): MongoClientOptions {
  return {
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 5000,
    // The sink retries writes itself (ordered, idempotent for UPSERT, duplicate-aware for INSERT).
    retryWrites: false,
    // A store that accepts the connection but never answers is as unavailable as one that is
    // down: the request fails, the batch is retried, nothing is committed. A URI's own
    // socketTimeoutMS wins.
    ...(/[?&]sockettimeoutms=/i.test(uri) ? {} : { socketTimeoutMS: 60_000 }),
    ...extra,
  };
}

/** The dead-letter producer's options. */
export function deadLetterProducerConfig(): ProducerConfig {
  return {
    idempotent: true,
    maxInFlightRequests: 1,
    // Dead-letter topics are created at start, explicitly (ensureDeadLetterTopics); a letter for
    // one that is missing waits for it rather than creating it with the broker's defaults.
    allowAutoTopicCreation: false,
  };
}

/** What the group consumer's options depend on. */
export interface ConsumerSettings {
  groupId: string;
  sessionTimeoutMs: number;
  /** The largest BATCH of the statements: fetches are sized by it. */
  largestBatch: number;
  partitionsConsumedConcurrently: number;
}

/** The group consumer's options. */
export function consumerConfig(s: ConsumerSettings): ConsumerConfig {
  return {
    groupId: s.groupId,
    sessionTimeout: s.sessionTimeoutMs,
    rebalanceTimeout: 60_000,
    heartbeatInterval: Math.max(500, Math.floor(s.sessionTimeoutMs / 10)),
    // A topic that does not exist yet is created on subscription (with auto.create.topics.enable),
    // as the Java consumer under Kafka Connect does, instead of failing the sink.
    allowAutoTopicCreation: true,
    // New partitions (a topic re-created or grown) are noticed at the next metadata refresh,
    // which then rebalances the group: every 30 s rather than kafkajs's 5 minutes.
    metadataMaxAge: 30_000,
    // Stopping waits for the fetch in flight: keep it short.
    maxWaitTimeInMs: 1000,
    // Memory bounded by BATCH, not by the backlog.
    ...fetchSizes(Math.max(s.largestBatch, 1), s.partitionsConsumedConcurrently),
  };
}
