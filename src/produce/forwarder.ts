/**
 * Moves this run's readings from the spool to Kafka, oldest first, and only those of its own
 * destination. A batch leaves the spool only after Kafka acknowledged it (acks=all, idempotent
 * producer, one request in flight: per-device order is kept). Transient failures — broker or
 * registry away — are retried with the cancellable backoff of src/util/retry.ts while the
 * readings wait on disk; permanent ones — the registry rejects the schema, the broker refuses a
 * record as too large — move just the readings concerned to the spool's quarantine, and the rest
 * keeps flowing. Each record carries its `reading_id`, its spool's `spool_id` and its device's
 * `seq` as Kafka headers too (a resend carries the same three).
 */
import { Buffer } from "node:buffer";
import type { CompressionTypes, Message, Producer } from "kafkajs";
import type { Spool, SpoolEntry } from "../spool/spool.ts";
import type { Framer } from "./framer.ts";
import type { Logger } from "../util/log.ts";
import { deadline, delay, retry } from "../util/retry.ts";
import { LogEpisodes } from "../util/log_episodes.ts";
import {
  classifyDeliveryError,
  type DeliveryFailure,
  type FailingSide,
} from "./delivery_failure.ts";

/** The Kafka header that carries a reading's per-device sequence number (decimal text). */
export const SEQ_HEADER = "seq";
/** The Kafka header that carries a reading's identity (UUIDv7 text). */
export const READING_ID_HEADER = "reading_id";
/** The Kafka header that carries the id of the spool that numbered the reading (UUIDv7 text). */
export const SPOOL_ID_HEADER = "spool_id";

export interface ForwarderOptions {
  spool: Spool;
  /** This run's destination id in the spool: only its readings are sent. */
  dest: number;
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

/** This run's counters and the current state. */
export interface ForwarderStats {
  sent: number;
  batches: number;
  failures: number;
  quarantined: number;
  connected: boolean;
  /** The side failing now; undefined while delivery works. */
  failing?: FailingSide;
  lastError?: string;
}

export class Forwarder {
  #o: Required<ForwarderOptions>;
  #running = false;
  #closed = false;
  #loop?: Promise<void>;
  #wake?: () => void;
  #connected = false;
  #everConnected = false;
  #stats: ForwarderStats = { sent: 0, batches: 0, failures: 0, quarantined: 0, connected: false };
  /** Delivery failures, said once per cause until delivery resumes. */
  #failures = new LogEpisodes(Infinity);
  #quarantineCauses = new Set<string>();
  #stopAbort = new AbortController();
  /** The spool could not record Kafka's acknowledgement: said once per cause until it can. */
  #ackFailures = new LogEpisodes(Infinity);

  constructor(options: ForwarderOptions) {
    this.#o = {
      batchSize: 500,
      lingerMs: 5,
      minBackoffMs: 200,
      maxBackoffMs: 30_000,
      ...options,
      onDelivered: options.onDelivered ?? (() => {}),
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
   * Stops after sending what it can within `flushTimeoutMs` (while delivery works); whatever is
   * left stays in the spool for the next start. Returns at once when delivery is failing.
   */
  async stop(flushTimeoutMs = 10_000): Promise<void> {
    if (!this.#running) return;
    const flushUntil = Date.now() + flushTimeoutMs;
    while (
      this.#unsent() > 0 && Date.now() < flushUntil &&
      this.#stats.failing === undefined
    ) {
      this.notify();
      await delay(50);
    }
    this.#running = false;
    this.#stopAbort.abort(new Error("forwarder stopped"));
    this.notify();
    // A send in flight cannot be cancelled: wait for it while the flush time lasts (at least
    // a moment), then leave; its acknowledgement is then not recorded, and the reading is sent
    // again by the next run with the same seq.
    const left = Math.max(200, Math.min(flushUntil - Date.now(), 1000));
    await deadline(this.#loop ?? Promise.resolve(), left).catch(() => {});
    this.#closed = true;
  }

  /** Readings waiting to be sent (those Kafka acknowledged are not, even if not deleted yet). */
  #unsent(): number {
    return this.#o.spool.stats(this.#o.dest).entries;
  }

  async #run(): Promise<void> {
    const signal = this.#stopAbort.signal;
    while (this.#running) {
      if (this.#unsent() === 0) {
        await this.#sleepUntilNotified();
        if (this.#o.lingerMs > 0) await delay(this.#o.lingerMs, signal).catch(() => {});
        continue;
      }
      try {
        const progressed = await retry(() => this.#deliverOnce(), {
          signal,
          minDelayMs: this.#o.minBackoffMs,
          maxDelayMs: this.#o.maxBackoffMs,
          onRetry: (error) => this.#failed(error),
        });
        // Counted readings that read as no rows: never loop without waiting.
        if (!progressed) await this.#sleepUntilNotified();
      } catch (error) {
        if (!this.#running) break;
        // retry() only gives up when stopped; anything else is a bug worth seeing.
        this.#o.log.error("delivery loop failed", { error: (error as Error).message });
        await delay(this.#o.maxBackoffMs, signal).catch(() => {});
      }
    }
  }

  /** One attempt: the oldest batch of this destination, framed, sent, acknowledged. */
  async #deliverOnce(): Promise<boolean> {
    if (!this.#running || this.#closed) return false;
    const batch = this.#o.spool.peek(this.#o.dest, this.#o.batchSize);
    if (batch.length === 0) return false;
    if (!this.#connected) {
      await this.#o.producer.connect();
      this.#connected = true;
      if (!this.#everConnected) {
        this.#o.log.info("kafka producer connected", { topic: this.#o.topic });
      }
      this.#everConnected = true;
    }
    const framed: { entry: SpoolEntry; message: Message }[] = [];
    const refused = new Map<string, { failure: DeliveryFailure; entries: SpoolEntry[] }>();
    for (const e of batch) {
      const bad = refused.get(e.schemaFp);
      if (bad) {
        bad.entries.push(e);
        continue;
      }
      try {
        framed.push({
          entry: e,
          message: this.#message(e, await this.#o.framer.frame(e.schemaFp, e.body)),
        });
      } catch (error) {
        const failure = classifyDeliveryError(error);
        if (!failure.permanent) throw error;
        refused.set(e.schemaFp, { failure, entries: [e] });
      }
    }
    for (const { failure, entries } of refused.values()) this.#quarantine(entries, failure);
    if (framed.length > 0) await this.#send(framed);
    else if (refused.size > 0) this.#recovered(0);
    return true;
  }

  #message(e: SpoolEntry, value: Uint8Array): Message {
    return {
      key: e.device,
      value: Buffer.from(value.buffer, value.byteOffset, value.byteLength),
      timestamp: String(e.takenMs),
      headers: {
        [READING_ID_HEADER]: e.readingId,
        [SPOOL_ID_HEADER]: this.#o.spool.id,
        ...(e.seq === null ? {} : { [SEQ_HEADER]: String(e.seq) }),
      },
    };
  }

  /**
   * Sends records in order. A batch the broker refuses for good is split in halves until the
   * record it refuses is alone; that one goes to quarantine, the others are delivered.
   */
  async #send(records: { entry: SpoolEntry; message: Message }[]): Promise<void> {
    try {
      await this.#o.producer.send({
        topic: this.#o.topic,
        messages: records.map((r) => r.message),
        acks: -1,
        compression: this.#o.compression,
      });
    } catch (error) {
      const failure = classifyDeliveryError(error);
      if (!failure.permanent) throw error;
      if (records.length === 1) {
        this.#quarantine([records[0].entry], failure);
        return;
      }
      const half = Math.ceil(records.length / 2);
      await this.#send(records.slice(0, half));
      await this.#send(records.slice(half));
      return;
    }
    if (this.#closed) return;
    const last = records[records.length - 1].entry.id;
    try {
      this.#o.spool.acknowledge(this.#o.dest, last);
      this.#ackFailures.recoveredAll();
    } catch (error) {
      // Kafka has them: the spool keeps the acknowledgement in memory (not sent again while
      // this process runs) and deletes them with its next write that succeeds.
      const message = (error as Error).message;
      if (this.#ackFailures.failed(message)) {
        this.#o.log.warn("cannot record Kafka's acknowledgement in the spool yet", {
          error: message,
          hint: "the readings are not sent again; they are deleted with the next write",
        });
      }
    }
    this.#o.onDelivered(records.map((r) => r.entry.device));
    this.#stats.sent += records.length;
    this.#stats.batches++;
    this.#recovered(records.length);
  }

  #quarantine(entries: SpoolEntry[], failure: DeliveryFailure): void {
    if (this.#closed) return;
    this.#o.spool.quarantine(entries, failure.message);
    this.#stats.quarantined += entries.length;
    if (!this.#quarantineCauses.has(failure.cause)) {
      this.#quarantineCauses.add(failure.cause);
      this.#o.log.warn("readings refused for good: moved to the spool's quarantine", {
        side: failure.side,
        reason: failure.message,
        readings: entries.length,
        spool: this.#o.spool.path,
        hint: "gateway spool lists them",
      });
    }
  }

  #recovered(sent: number): void {
    if (this.#stats.failing === undefined) return;
    this.#o.log.info("delivery resumed", {
      was: this.#stats.failing,
      sent,
      spooled: this.#o.spool.stats(this.#o.dest).entries,
    });
    this.#stats.failing = undefined;
    this.#failures.recoveredAll();
  }

  #failed(error: unknown): void {
    const failure = classifyDeliveryError(error);
    this.#stats.failures++;
    this.#stats.failing = failure.side;
    this.#stats.lastError = failure.message;
    if (failure.side === "kafka") this.#connected = false;
    // Each distinct cause is logged once; the stats line shows the outage meanwhile.
    if (this.#failures.failed(failure.cause)) {
      this.#o.log.warn("cannot deliver readings yet; they stay spooled", {
        failing: failure.side,
        error: failure.message,
        spooled: this.#o.spool.stats(this.#o.dest).entries,
      });
    }
  }

  #sleepUntilNotified(): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.#stopAbort.signal;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, 1000);
      this.#wake = done;
      signal.addEventListener("abort", done);
      if (signal.aborted) done();
    });
  }
}
