/**
 * Records the sink cannot write go to a dead-letter topic, unchanged (key,
 * value, original headers), with the reason in headers named as Kafka
 * Connect names them (`__connect.errors.*`) plus a machine-readable
 * `gateway.error.reason`. They are counted and logged; never dropped silently.
 */
import { Buffer } from "node:buffer";
import type { IHeaders, Producer } from "kafkajs";
import { backOff } from "exponential-backoff";
import type { Logger } from "../../util/log.ts";

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

export class DeadLetterQueue {
  #counts = new Map<string, number>();

  constructor(
    private readonly producer: Producer,
    private readonly topicFor: (sourceTopic: string) => string,
    private readonly log: Logger,
  ) {}

  /** Per-reason counts since start. */
  get counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** Sends the letters in order and waits for Kafka's acknowledgement (acks=all), retrying with backoff. */
  async send(letters: DeadLetter[], keepGoing: () => boolean = () => true): Promise<void> {
    if (letters.length === 0) return;
    const byTopic = new Map<string, DeadLetter[]>();
    for (const l of letters) {
      const t = this.topicFor(l.topic);
      byTopic.set(t, [...(byTopic.get(t) ?? []), l]);
    }
    await backOff(
      () =>
        this.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, list]) => ({
            topic,
            messages: list.map((l) => ({
              key: l.key,
              value: l.value,
              headers: deadLetterHeaders(l),
              timestamp: l.timestamp,
            })),
          })),
        }),
      {
        numOfAttempts: Number.MAX_SAFE_INTEGER,
        startingDelay: 250,
        maxDelay: 10_000,
        retry: (error: unknown) => {
          this.log.warn("cannot write to the dead-letter topic yet; retrying", {
            error: (error as Error).message,
          });
          return keepGoing();
        },
      },
    );
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
}

/** A header value as text (kafkajs hands them over as Buffers). */
export function headerText(
  value: Buffer | string | (Buffer | string)[] | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  const v = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof v === "string" ? v : Buffer.from(v).toString("utf8");
}
