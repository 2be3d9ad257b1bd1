/**
 * Moves readings from the spool to Kafka, oldest first. A batch leaves the
 * spool only after Kafka acknowledged all of it (acks=all, idempotent
 * producer, one request in flight: per-device order is kept). Anything that
 * fails — broker down, registry down, schema rejected — is logged and retried
 * with exponential backoff; the readings wait on disk meanwhile.
 */
import { backOff } from "exponential-backoff";
import { Buffer } from "node:buffer";
import type { CompressionTypes, Message, Producer } from "kafkajs";
import type { Spool, SpoolEntry } from "../spool/spool.ts";
import type { Framer } from "./framer.ts";
import type { Logger } from "../util/log.ts";
import { classifyKafkaError } from "../kafka/failure.ts";
import { RegistryError } from "../avro/registry_client.ts";

export interface ForwarderOptions {
  spool: Spool;
  producer: Producer;
  framer: Framer;
  topic: string;
  compression: CompressionTypes;
  log: Logger;
  /** Most records in one produce request. */
  batchSize?: number;
  /** How long to wait for more readings before sending a partial batch. */
  lingerMs?: number;
  /** Backoff bounds after a failure. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Kafka acknowledged these readings (one device address per reading). */
  onDelivered?: (devices: string[]) => void;
}

export interface ForwarderStats {
  sent: number;
  batches: number;
  failures: number;
  connected: boolean;
  lastError?: string;
}

export class Forwarder {
  #o: Required<ForwarderOptions>;
  #running = false;
  #loop?: Promise<void>;
  #wake?: () => void;
  #connected = false;
  #stats: ForwarderStats = { sent: 0, batches: 0, failures: 0, connected: false };
  #lastLogged = "";
  #stopAbort = new AbortController();

  constructor(options: ForwarderOptions) {
    this.#o = {
      batchSize: 500,
      lingerMs: 5,
      minBackoffMs: 200,
      maxBackoffMs: 30_000,
      onDelivered: () => {},
      ...options,
    };
  }

  get stats(): ForwarderStats {
    return { ...this.#stats, connected: this.#connected };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** New readings were spooled. */
  notify(): void {
    this.#wake?.();
  }

  /**
   * Stops after sending what it can within `flushTimeoutMs`; whatever is
   * left stays in the spool for the next start.
   */
  async stop(flushTimeoutMs = 10_000): Promise<void> {
    if (!this.#running) return;
    const deadline = Date.now() + flushTimeoutMs;
    while (this.#o.spool.stats().entries > 0 && Date.now() < deadline && this.#connected) {
      this.notify();
      await delay(50);
    }
    this.#running = false;
    this.#stopAbort.abort();
    this.notify();
    // A send in backoff may sleep past the deadline; it exits by itself once it wakes.
    const left = Math.max(0, deadline - Date.now());
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#loop,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, left))),
    ]);
    clearTimeout(timer);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const batch = this.#o.spool.peek(this.#o.batchSize);
      if (batch.length === 0) {
        await this.#sleepUntilNotified();
        if (this.#o.lingerMs > 0 && this.#running) await delay(this.#o.lingerMs);
        continue;
      }
      try {
        await backOff(() => this.#send(batch), {
          numOfAttempts: Number.MAX_SAFE_INTEGER,
          startingDelay: this.#o.minBackoffMs,
          maxDelay: this.#o.maxBackoffMs,
          timeMultiple: 2,
          jitter: "full",
          delayFirstAttempt: false,
          retry: (error: unknown, attempt: number) => {
            this.#stats.failures++;
            // A registry failure (down, 401/403) says nothing about Kafka's connection.
            if (!(error instanceof RegistryError)) this.#connected = false;
            this.#report(error, attempt);
            return this.#running;
          },
        });
      } catch (error) {
        if (this.#running) throw error;
      }
    }
  }

  async #send(batch: SpoolEntry[]): Promise<void> {
    if (!this.#running) throw new Error("forwarder stopped");
    if (!this.#connected) {
      await this.#o.producer.connect();
      this.#connected = true;
      this.#o.log.info("kafka producer connected", { topic: this.#o.topic });
    }
    const messages: Message[] = [];
    for (const e of batch) {
      const value = await this.#o.framer.frame(e.schemaFp, e.body);
      messages.push({
        key: e.device,
        value: Buffer.from(value.buffer, value.byteOffset, value.byteLength),
        timestamp: String(e.takenMs),
      });
    }
    await this.#o.producer.send({
      topic: this.#o.topic,
      messages,
      acks: -1,
      compression: this.#o.compression,
    });
    this.#o.spool.acknowledge(batch[batch.length - 1].seq);
    this.#o.onDelivered(batch.map((e) => e.device));
    this.#stats.sent += batch.length;
    this.#stats.batches++;
    if (this.#lastLogged) {
      this.#o.log.info("delivery resumed", {
        sent: batch.length,
        spooled: this.#o.spool.stats().entries,
      });
      this.#lastLogged = "";
    }
  }

  #report(error: unknown, attempt: number): void {
    // Kafka failures in the words of classifyKafkaError (auth, TLS, handshake), never a bare
    // "Closed connection"; anything else (registry, framing) as it is.
    const kafka = error instanceof RegistryError ? undefined : classifyKafkaError(error);
    const message = kafka && kafka.kind !== "other"
      ? kafka.message
      : error instanceof Error
      ? error.message
      : String(error);
    this.#stats.lastError = message;
    // Log each distinct failure once, then every 10th attempt, so an outage is visible but not noisy.
    if (message !== this.#lastLogged || attempt % 10 === 0) {
      this.#o.log.warn("cannot deliver readings yet; they stay spooled", {
        error: message,
        attempt,
        spooled: this.#o.spool.stats().entries,
      });
      this.#lastLogged = message;
    }
  }

  #sleepUntilNotified(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, 1000);
      const signal = this.#stopAbort.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
      signal.addEventListener("abort", done);
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
