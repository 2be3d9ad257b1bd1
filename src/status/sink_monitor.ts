/**
 * `gateway sink` observed: the consumer's state, records per topic and
 * partition, write times, lag, and whether Kafka, the registry and MongoDB
 * answer — as Prometheus metrics, liveness, readiness and a status snapshot.
 */
import type { Consumer } from "kafkajs";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { LagTracker } from "../metrics/sink_lag.ts";
import { newRegistry } from "../metrics/registry.ts";
import {
  RECORD_OUTCOMES,
  type RecordOutcome,
  type SinkObserver,
} from "../metrics/sink_observer.ts";
import type { Liveness, ReadinessReport, StatusHead } from "./health.ts";
import type { Readiness } from "./readiness.ts";
import { registerDependencyGauges } from "./dependency_gauges.ts";
import type { WriteProgress, WriteTracker } from "../sink/io/write_progress.ts";

/** One partition as the status page and `gateway status` show it. */
export interface PartitionStatus {
  topic: string;
  partition: number;
  /** Undefined until the lag has been read. */
  lag?: number;
  committed?: number;
  high?: number;
  written: number;
  deadLettered: number;
  skipped: number;
  lastError?: string;
  lastErrorAt?: number;
}

export interface SinkStatus extends StatusHead {
  kind: "sink";
  group: string;
  topics: string[];
  consumer: {
    running: boolean;
    partitionsAssigned: number;
    stoppedBecause?: string;
    /** kafkajs is restarting it after a crash (Kafka away, most often). */
    restarting?: boolean;
  };
  /** How the writes to MongoDB go: records/s, bulk write latency, ok / slow / down. */
  writes?: WriteProgress;
  lagError?: string;
  partitions: PartitionStatus[];
}

type Counts = Record<RecordOutcome, number>;

export class SinkMonitor implements SinkObserver {
  readonly registry: Registry;
  readonly startedAt = Date.now();
  running = false;
  assigned = 0;
  /** A crash kafkajs restarts from happened and the consumer has not run since. */
  restarting = false;
  #writes?: WriteTracker;
  #stoppedForGood?: string;
  #sinkStopped?: string;
  #counts = new Map<string, Counts>();
  #errors = new Map<string, { message: string; at: number }>();
  #batch: Histogram;

  constructor(
    readonly readiness: Readiness,
    readonly lag: LagTracker,
    readonly group: string,
    readonly topics: readonly string[],
    readonly version: string,
  ) {
    this.registry = newRegistry();
    this.#batch = this.#defineMetrics();
  }

  // ---- SinkObserver ----

  consumerCreated(consumer: Consumer): void {
    const e = consumer.events;
    consumer.on(e.GROUP_JOIN, (ev) => {
      this.assigned = Object.values(ev.payload.memberAssignment)
        .reduce((n, p) => n + p.length, 0);
      this.running = true;
      this.restarting = false;
    });
    consumer.on(e.FETCH_START, () => {
      this.running = true;
      this.restarting = false;
    });
    consumer.on(e.CRASH, (ev) => {
      this.running = false;
      this.assigned = 0;
      if (!ev.payload.restart) {
        this.#stoppedForGood ??= `the consumer crashed: ${ev.payload.error.message}`;
      } else {
        this.restarting = true;
      }
    });
    // kafkajs stops its consumer before each restart (after a crash it restarts from, while Kafka
    // is away): a dependency outage, which readiness reports, not the end of the consumer. Only a
    // crash it will not restart from, or the sink stopping, ends liveness.
    consumer.on(e.STOP, () => {
      this.running = false;
      this.assigned = 0;
    });
    consumer.on(e.DISCONNECT, () => {
      this.running = false;
      this.assigned = 0;
    });
  }

  recordsSettled(topic: string, partition: number, outcome: RecordOutcome, n: number): void {
    if (n <= 0) return;
    this.#countsOf(topic, partition)[outcome] += n;
  }

  writesTracked(tracker: WriteTracker): void {
    this.#writes = tracker;
  }

  batchWritten(seconds: number): void {
    this.#batch.observe(seconds);
  }

  partitionError(topic: string, partition: number, message: string): void {
    this.#errors.set(`${topic}\u0000${partition}`, { message, at: Date.now() });
  }

  sinkStopped(reason: string): void {
    this.running = false;
    this.#sinkStopped ??= reason;
  }

  // ---- what the endpoints serve ----

  liveness(): Liveness {
    const reasons: string[] = [];
    if (this.#stoppedForGood) reasons.push(this.#stoppedForGood);
    if (this.#sinkStopped) reasons.push(`the sink has stopped: ${this.#sinkStopped}`);
    return { ok: reasons.length === 0, reasons };
  }

  readinessReport(): ReadinessReport {
    return { ok: this.readiness.ready, checks: Object.fromEntries(this.readiness.checks) };
  }

  snapshot(): SinkStatus {
    const live = this.liveness();
    const ready = this.readinessReport();
    const rows = new Map<string, PartitionStatus>();
    const row = (topic: string, partition: number) => {
      const key = `${topic}\u0000${partition}`;
      let r = rows.get(key);
      if (!r) {
        r = { topic, partition, written: 0, deadLettered: 0, skipped: 0 };
        rows.set(key, r);
      }
      return r;
    };
    for (const l of this.lag.lags) {
      Object.assign(row(l.topic, l.partition), {
        lag: l.lag,
        committed: l.committed,
        high: l.high,
      });
    }
    for (const [key, c] of this.#counts) {
      const [topic, p] = key.split("\u0000");
      Object.assign(row(topic, Number(p)), {
        written: c.written,
        deadLettered: c.dead_lettered,
        skipped: c.skipped,
      });
    }
    for (const [key, e] of this.#errors) {
      const [topic, p] = key.split("\u0000");
      Object.assign(row(topic, Number(p)), { lastError: e.message, lastErrorAt: e.at });
    }
    return {
      kind: "sink",
      version: this.version,
      healthy: live.ok && ready.ok,
      live,
      ready,
      at: Date.now(),
      startedAt: this.startedAt,
      group: this.group,
      topics: [...this.topics],
      consumer: {
        running: this.running,
        partitionsAssigned: this.assigned,
        stoppedBecause: this.#stoppedForGood ?? this.#sinkStopped,
        ...(this.restarting ? { restarting: true } : {}),
      },
      ...(this.#writes ? { writes: this.#writes.progress() } : {}),
      lagError: this.lag.error,
      partitions: [...rows.values()].sort((a, b) =>
        a.topic.localeCompare(b.topic) || a.partition - b.partition
      ),
    };
  }

  // ---- internals ----

  #countsOf(topic: string, partition: number): Counts {
    const key = `${topic}\u0000${partition}`;
    let c = this.#counts.get(key);
    if (!c) {
      c = { written: 0, dead_lettered: 0, skipped: 0 };
      this.#counts.set(key, c);
    }
    return c;
  }

  #defineMetrics(): Histogram {
    const registers = [this.registry];
    const counts = () => this.#counts;
    const topics = this.topics;
    new Counter({
      name: "gateway_sink_records_total",
      help: "Records consumed, by topic and outcome (written, dead_lettered, skipped)",
      labelNames: ["topic", "outcome"],
      registers,
      collect() {
        this.reset();
        const sums = new Map<string, Counts>(
          topics.map((t) => [t, { written: 0, dead_lettered: 0, skipped: 0 }]),
        );
        for (const [key, c] of counts()) {
          const topic = key.split("\u0000")[0];
          const s = sums.get(topic) ?? { written: 0, dead_lettered: 0, skipped: 0 };
          for (const o of RECORD_OUTCOMES) s[o] += c[o];
          sums.set(topic, s);
        }
        for (const [topic, s] of sums) {
          for (const o of RECORD_OUTCOMES) this.inc({ topic, outcome: o }, s[o]);
        }
      },
    });
    const lag = this.lag;
    new Gauge({
      name: "gateway_sink_lag_records",
      help: "Per partition: the high watermark minus the group's committed offset",
      labelNames: ["topic", "partition"],
      registers,
      collect() {
        this.reset();
        for (const l of lag.lags) {
          this.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
        }
      },
    });
    const batch = new Histogram({
      name: "gateway_sink_batch_write_seconds",
      help: "Time of one ordered bulk write to MongoDB",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    const readiness = this.readiness;
    new Gauge({
      name: "gateway_sink_store_up",
      help: "1 when MongoDB answered the last probe, else 0",
      registers,
      collect() {
        this.set(readiness.up("mongodb") ? 1 : 0);
      },
    });
    const self = () => this;
    new Gauge({
      name: "gateway_sink_partitions_assigned",
      help: "Partitions assigned to this sink's consumer",
      registers,
      collect() {
        this.set(self().assigned);
      },
    });
    new Gauge({
      name: "gateway_sink_consumer_running",
      help: "1 while the consumer runs, 0 the moment it stops",
      registers,
      collect() {
        this.set(self().running ? 1 : 0);
      },
    });
    registerDependencyGauges(this.registry, readiness);
    return batch;
  }
}
