/**
 * Consumer lag of a group: per partition, the high watermark minus the
 * committed offset (or minus the low watermark while nothing is committed),
 * read with Kafka's admin API every `everyMs` in the background.
 */
import type { Admin, Kafka } from "kafkajs";
import { lagOf, readPartitionOffsets } from "../kafka/partition_offsets.ts";
import { deadline, delay } from "../util/retry.ts";

export interface PartitionLag {
  topic: string;
  partition: number;
  high: number;
  committed: number;
  lag: number;
}

export class LagTracker {
  lags: PartitionLag[] = [];
  error?: string;
  /** Epoch ms of the last successful read. */
  at = 0;
  #admin?: Admin;
  #stop = new AbortController();
  #loop?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly everyMs = 5000,
  ) {}

  start(): void {
    this.#loop ??= this.#run();
  }

  stop(): void {
    this.#stop.abort();
    this.#admin?.disconnect().catch(() => {});
  }

  /** Reads the lag once. */
  async refresh(): Promise<void> {
    try {
      if (!this.#admin) {
        this.#admin = this.kafka.admin({ retry: { retries: 0 } });
        await this.#admin.connect();
      }
      const lags: PartitionLag[] = (
        await readPartitionOffsets(this.#admin, this.groupId, this.topics)
      ).map((p) => ({
        topic: p.topic,
        partition: p.partition,
        high: p.high,
        committed: p.committed,
        lag: lagOf(p.high, p.low, p.committed),
      }));
      lags.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
      this.lags = lags;
      this.error = undefined;
      this.at = Date.now();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      const admin = this.#admin;
      this.#admin = undefined;
      admin?.disconnect().catch(() => {});
    }
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      await deadline(this.refresh(), 10_000, { what: "sink lag refresh", signal }).catch(() => {});
      await delay(this.everyMs, signal).catch(() => {});
    }
  }
}
