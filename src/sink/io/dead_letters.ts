/**
 * Records the sink cannot write go to a dead-letter topic as consumed (key,
 * value, original headers), with the reason in headers named as Kafka
 * Connect names them (`__connect.errors.*`) plus a machine-readable
 * `gateway.error.reason`. They are counted and logged; never dropped silently.
 * With no dead-letter topic (`--dlq-topic none`), such a record stops the sink
 * ({@linkcode NoDeadLetters}), as Kafka Connect's task stops without one.
 *
 * A letter larger than the dead-letter topic accepts (`max.message.bytes`, asked of the broker,
 * or learnt from its MESSAGE_TOO_LARGE answer) is cut to its first bytes, with headers saying so
 * (see dead_letter_fit.ts). A dead-letter topic that cannot be written is retried with backoff
 * until it can, or until the caller's signal aborts (stopping, partition lost): the caller then
 * commits nothing past the letter.
 *
 * The dead-letter producer never creates a topic itself (no topic with the broker's
 * `auto.create.topics.enable` defaults): the sink creates its dead-letter topics at start, as Kafka
 * Connect does, with one partition and the configured replication factor
 * ({@linkcode ensureDeadLetterTopics}). One that cannot be created is a warning, and a letter for
 * it waits, its partition paused, until the topic exists.
 */
import type { Buffer } from "node:buffer";
import type { IHeaders, Producer } from "kafkajs";
import { classifyKafkaError } from "../../kafka/failure.ts";
import type { Logger } from "../../util/log.ts";
import { LogEpisodes } from "../../util/log_episodes.ts";
import { retry } from "../../util/retry.ts";
import { fitLetter, groupBySize, type OutgoingLetter } from "./dead_letter_fit.ts";

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  timestamp?: string;
  /** Short code: empty, bad-magic, unknown-schema-id, truncated-avro, missing-field, write-rejected, ... */
  reason: string;
  message: string;
  errorClass?: string;
}

/** What the sink sends dead letters through (the partition-batch logic sees only this). */
export interface DeadLetterSink {
  /** Resolves once Kafka acknowledged every letter; rejects when `signal` aborts first. */
  send(letters: DeadLetter[], signal: AbortSignal): Promise<void>;
}

/** The dead-letter topic name that means "no dead-letter topic" (any letter case). */
export const NO_DEAD_LETTER_TOPIC = "none";

/** Whether a configured dead-letter topic name means "none". */
export function meansNoDeadLetterTopic(name: string): boolean {
  return name.trim().toLowerCase() === NO_DEAD_LETTER_TOPIC;
}

/** A record that could not be written, with no dead-letter topic to take it. */
export class NoDeadLetterTopicError extends Error {
  override name = "NoDeadLetterTopicError";
}

/**
 * No dead-letter topic: the first letter fails the send with the record's place and reason, so
 * the sink stops there and commits nothing past it (Kafka Connect's `errors.tolerance=none`).
 */
export class NoDeadLetters implements DeadLetterSink {
  /** Nothing is ever dead-lettered. */
  get counts(): Record<string, number> {
    return {};
  }

  send(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return Promise.resolve();
    const l = letters[0];
    return Promise.reject(
      new NoDeadLetterTopicError(
        `record ${l.topic}/${l.partition}@${l.offset} cannot be written (${l.reason}: ` +
          `${l.message}) and there is no dead-letter topic (--dlq-topic none)`,
      ),
    );
  }
}

/** The largest message a topic accepts, in bytes. */
export type MessageLimit = (topic: string) => Promise<number>;

/** The broker's default `message.max.bytes`. */
export const DEFAULT_MESSAGE_LIMIT = 1_048_588;

export function deadLetterHeaders(letter: DeadLetter): IHeaders {
  return {
    ...(letter.headers ?? {}),
    "__connect.errors.topic": letter.topic,
    "__connect.errors.partition": String(letter.partition),
    "__connect.errors.offset": letter.offset,
    "__connect.errors.exception.class.name": letter.errorClass ?? "PoisonRecord",
    "__connect.errors.exception.message": letter.message,
    "gateway.error.reason": letter.reason,
  };
}

export class DeadLetterQueue implements DeadLetterSink {
  #counts = new Map<string, number>();
  #limits = new Map<string, number>();

  constructor(
    private readonly producer: Producer,
    private readonly topicFor: (sourceTopic: string) => string,
    private readonly log: Logger,
    private readonly limitOf: MessageLimit = () => Promise.resolve(DEFAULT_MESSAGE_LIMIT),
  ) {}

  /** Per-reason counts since start. */
  get counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** Sends the letters in order and waits for Kafka's acknowledgement (acks=all), retrying with backoff. */
  async send(letters: DeadLetter[], signal: AbortSignal): Promise<void> {
    if (letters.length === 0) return;
    const byTopic = new Map<string, DeadLetter[]>();
    for (const l of letters) {
      const t = this.topicFor(l.topic);
      byTopic.set(t, [...(byTopic.get(t) ?? []), l]);
    }
    for (const [topic, list] of byTopic) await this.#sendTo(topic, list, signal);
    for (const l of letters) {
      this.#counts.set(l.reason, (this.#counts.get(l.reason) ?? 0) + 1);
      this.log.warn("record dead-lettered", {
        topic: l.topic,
        partition: l.partition,
        offset: l.offset,
        reason: l.reason,
        error: l.message,
        to: this.topicFor(l.topic),
      });
    }
  }

  async #sendTo(topic: string, letters: DeadLetter[], signal: AbortSignal): Promise<void> {
    const messages: OutgoingLetter[] = letters.map((l) => ({
      key: l.key,
      value: l.value,
      headers: deadLetterHeaders(l),
      timestamp: l.timestamp,
    }));
    let sent = 0;
    // Each cause is said once while this send is paused, reminded of once a minute.
    const said = new LogEpisodes(60_000);
    await retry(async () => {
      const limit = await this.#limit(topic);
      const fitted = messages.slice(sent).map((m) => fitLetter(m, limit));
      for (const group of groupBySize(fitted, limit)) {
        try {
          await this.producer.send({ topic, acks: -1, messages: group });
        } catch (error) {
          if (isTooLarge(error)) {
            // The broker knows better than the estimate: aim lower next time.
            const lower = Math.max(1024, Math.floor(limit * 0.75));
            this.#limits.set(topic, lower);
            this.log.warn("dead-letter topic refused a letter as too large; cutting it shorter", {
              to: topic,
              limit,
              next: lower,
            });
          }
          throw error;
        }
        sent += group.length;
        for (const m of group) {
          if (m.headers["gateway.error.truncated"]) {
            this.log.warn("dead letter larger than the dead-letter topic accepts: truncated", {
              to: topic,
              limit,
              "original.bytes": String(m.headers["gateway.error.original.value.bytes"]),
            });
          }
        }
      }
    }, {
      signal,
      minDelayMs: 250,
      maxDelayMs: 10_000,
      onRetry: (error, info) => {
        const cause = classifyKafkaError(error).message;
        if (said.failed(cause)) {
          this.log.warn(
            "cannot write to the dead-letter topic: partition paused, retrying with backoff",
            { to: topic, error: cause, attempt: info.attempt },
          );
        }
      },
    });
  }

  async #limit(topic: string): Promise<number> {
    const known = this.#limits.get(topic);
    if (known !== undefined) return known;
    let limit = DEFAULT_MESSAGE_LIMIT;
    try {
      limit = await this.limitOf(topic);
    } catch (error) {
      this.log.debug("dead-letter topic limit unknown; assuming the broker default", {
        to: topic,
        error: (error as Error).message,
      });
    }
    this.#limits.set(topic, limit);
    return limit;
  }
}

/** What {@linkcode ensureDeadLetterTopics} needs of a Kafka admin client. */
export interface TopicAdmin {
  listTopics(): Promise<string[]>;
  createTopics(options: {
    topics: { topic: string; numPartitions: number; replicationFactor?: number }[];
    waitForLeaders?: boolean;
  }): Promise<boolean>;
}

/**
 * Creates each dead-letter topic that does not exist yet, as Kafka Connect's dead-letter reporter
 * does at task start: one partition (a source partition's letters stay in order) and
 * `replicationFactor` replicas (undefined: the broker's `default.replication.factor`). A topic
 * that cannot be created (too few brokers, no CreateTopics permission, ...) is only warned
 * about: a letter for it then pauses its partition, retried with backoff, until someone creates
 * the topic. Returns the topics that are still missing.
 */
export async function ensureDeadLetterTopics(
  admin: TopicAdmin,
  topics: readonly string[],
  replicationFactor: number | undefined,
  log: Logger,
): Promise<string[]> {
  const wanted = [...new Set(topics)];
  let existing: Set<string>;
  try {
    existing = new Set(await admin.listTopics());
  } catch (error) {
    log.warn("cannot list the topics: dead-letter topics not checked", {
      error: classifyKafkaError(error).message,
    });
    return wanted;
  }
  const missing: string[] = [];
  for (const topic of wanted.filter((t) => !existing.has(t))) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{
          topic,
          numPartitions: 1,
          ...(replicationFactor === undefined ? {} : { replicationFactor }),
        }],
      });
      log.info("dead-letter topic created", {
        to: topic,
        partitions: 1,
        replicationFactor: replicationFactor ?? "broker default",
      });
    } catch (error) {
      missing.push(topic);
      log.warn(
        "dead-letter topic missing and not created: a record for it will pause its partition " +
          "until the topic exists",
        { to: topic, error: createError(error) },
      );
    }
  }
  return missing;
}

/** The per-topic reason of a failed CreateTopics (kafkajs aggregates them). */
function createError(error: unknown): string {
  const errors = (error as { errors?: { type?: string; message?: string }[] }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors.map((e) => e.type ?? e.message ?? String(e)).join(", ");
  }
  return classifyKafkaError(error).message;
}

function isTooLarge(error: unknown): boolean {
  let at: unknown = error;
  for (let i = 0; i < 8 && at instanceof Error; i++) {
    const type = (at as { type?: unknown }).type;
    if (type === "MESSAGE_TOO_LARGE" || type === "RECORD_LIST_TOO_LARGE") return true;
    if (/MESSAGE_TOO_LARGE|larger than the max message size/i.test(at.message)) return true;
    const e = at as { originalError?: unknown; errors?: unknown[]; cause?: unknown };
    if (Array.isArray(e.errors) && e.errors.some(isTooLarge)) return true;
    at = e.originalError ?? e.cause;
  }
  return false;
}
