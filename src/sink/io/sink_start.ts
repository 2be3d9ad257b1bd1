/**
 * The sink's start-up: MongoDB first, then Kafka, each retried with backoff while it is away.
 * Refused credentials or an untrusted certificate, and Kafka unreachable, are retried for
 * `giveUpAfterMs` (0: forever) and then stop the sink with the cause ({@linkcode SinkStop}). The
 * clock and the backoff are injectable, so the give-up timing is tested exactly, without waiting.
 */
import type { Admin } from "kafkajs";
import { classifyKafkaError } from "../../kafka/failure.ts";
import type { Logger } from "../../util/log.ts";
import { LogEpisodes } from "../../util/log_episodes.ts";
import { giveUp, GiveUpClock, retry } from "../../util/retry.ts";
import { sessionTimeoutProblem, sessionTimeoutRange } from "./kafka_limits.ts";
import { classifyMongoError, describeMongoFailure } from "./mongo_errors.ts";
import { describeFailure, SinkStop } from "./sink_stop.ts";

/** A failure that goes on at start is said once, then reminded of once a minute. */
export const START_REMINDER_MS = 60_000;

/** The clock and backoff of the start-up retries. */
export interface StartTiming {
  /** Epoch milliseconds (default `Date.now`): what the give-up time is measured with. */
  now?: () => number;
  /** First delay after a failure, in ms (default 500). */
  minDelayMs?: number;
  /** Largest delay between two attempts, in ms (default 10,000). */
  maxDelayMs?: number;
}

/** What {@linkcode startMongo} does on each attempt. */
export interface MongoStart {
  /** Connects and creates what the statements need (time series collections). */
  connect(): Promise<void>;
}

/**
 * Connects to MongoDB and creates what the statements need (time series collections): a store
 * that is away is waited for; refused credentials or an untrusted certificate are retried for
 * `giveUpAfterMs`, then stop the sink. Any other error stops the sink at once.
 */
export async function startMongo(
  start: MongoStart,
  log: Logger,
  signal: AbortSignal,
  giveUpAfterMs: number,
  timing: StartTiming = {},
): Promise<void> {
  const now = timing.now ?? Date.now;
  // Refused credentials or certificate count; a store that is away is waited for without limit
  // and leaves the clock as it is.
  const configuration = new GiveUpClock(giveUpAfterMs, now);
  const said = new LogEpisodes(START_REMINDER_MS, now);
  await retry(async () => {
    try {
      await start.connect();
    } catch (error) {
      const kind = classifyMongoError(error);
      if (kind === "auth" || kind === "tls") {
        const up = configuration.failed(error, describeMongoFailure(kind, error));
        if (up) giveUp(new SinkStop(up.message, { cause: error }));
      } else if (kind !== "unavailable") {
        giveUp(new SinkStop(`MongoDB: ${describeFailure(error)}`));
      }
      throw error;
    }
  }, {
    signal,
    minDelayMs: timing.minDelayMs ?? 500,
    maxDelayMs: timing.maxDelayMs ?? 10_000,
    onRetry: (error, info) => {
      const kind = classifyMongoError(error);
      const cause = describeMongoFailure(kind, error);
      if (said.failed(cause)) {
        log.warn(
          kind === "unavailable" ? "MongoDB unavailable: waiting to start" : `${cause}: retrying`,
          { error: (error as Error).message, attempt: info.attempt },
        );
      }
    },
  });
}

/** What {@linkcode startKafka} does, step by step. */
export interface KafkaStart {
  /** Connects the producer and the admin client. */
  connect(): Promise<void>;
  admin: Admin;
  topics: string[];
  sessionTimeoutMs: number;
  /** Connects the consumer and subscribes it to the topics. */
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
 * refuse is an error at once. The give-up clock starts at a step's first failure, and a step that
 * succeeds, or topics found not ready (Kafka answers), start it again.
 */
export async function startKafka(
  start: KafkaStart,
  log: Logger,
  signal: AbortSignal,
  giveUpAfterMs: number,
  timing: StartTiming = {},
): Promise<void> {
  const now = timing.now ?? Date.now;
  // Every failure counts but topics not ready (Kafka answers); those and a step that succeeds
  // reset the clock.
  const clock = new GiveUpClock(giveUpAfterMs, now);
  const said = new LogEpisodes(START_REMINDER_MS, now);
  const step = (what: string, fn: () => Promise<void>) =>
    retry(async () => {
      try {
        await fn();
        clock.reset();
      } catch (error) {
        if (error instanceof SinkStop) giveUp(error);
        if (error instanceof TopicsNotReady) {
          clock.reset();
          throw error;
        }
        if (clock.failed(error)) {
          // Kafka's wording names the step: "<step> failed for N s (--give-up-after): <cause>".
          const f = classifyKafkaError(error);
          giveUp(
            new SinkStop(
              `Kafka: ${what} failed for ${Math.round(giveUpAfterMs / 1000)} s ` +
                `(--give-up-after): ${f.message}` +
                (f.configuration ? " (a configuration error: check the security settings)" : ""),
              { cause: error },
            ),
          );
        }
        throw error;
      }
    }, {
      signal,
      minDelayMs: timing.minDelayMs ?? 500,
      maxDelayMs: timing.maxDelayMs ?? 10_000,
      onRetry: (error, info) => {
        const cause = error instanceof TopicsNotReady
          ? error.message
          : classifyKafkaError(error).message;
        if (said.failed(cause)) {
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
