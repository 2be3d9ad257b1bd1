/**
 * `gateway produce` observed: per-tag state, the spool, and whether Kafka and
 * the registry answer — as Prometheus metrics, liveness, readiness, and the
 * snapshot the status page and `gateway status` show.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { ProduceObserver, SpoolSnapshot } from "../metrics/produce_observer.ts";
import { newRegistry } from "../metrics/registry.ts";
import type { Liveness, ReadinessReport, StatusHead } from "./health.ts";
import { climateOf, History, type HistoryPoint } from "./history.ts";
import type { Readiness } from "./readiness.ts";
import { registerDependencyGauges } from "./dependency_gauges.ts";
import { ReadingShare } from "../ble/reading_share.ts";
import { SPOOL_FAILURE_CAUSES } from "../spool/spool_failure.ts";

/** One tag as the status page and `gateway status` show it. */
export interface TagStatus {
  device: string;
  model?: string;
  state: string;
  detail?: string;
  /** Epoch ms of the last state change. */
  since: number;
  rssi?: number;
  battery?: number;
  lastReadingMs?: number;
  lastValues?: Record<string, number>;
  taken: number;
  delivered: number;
  reconnects: number;
  /**
   * Share (0..1) of the readings expected from the tag (one per interval) taken over the last
   * hour; absent before one interval has passed.
   */
  readingShare?: number;
}

export interface ProduceStatus extends StatusHead {
  kind: "produce";
  tags: TagStatus[];
  spool: {
    readings: number;
    bytes: number;
    maxBytes: number;
    oldestAgeSeconds: number;
    dropped: Record<string, number>;
    quarantined?: number;
    /** Readings held in memory: the spool cannot take them now. */
    held?: number;
    /** What keeps the spool from taking readings, e.g. `disk full`. */
    problem?: string;
    /** Spool writes that failed this run, by cause. */
    writeFailures?: Record<string, number>;
  };
}

interface TagEntry extends TagStatus {
  history: History;
  everConnected: boolean;
}

/** Link states in which the tag is connected to the gateway. */
const CONNECTED = new Set(["connected", "enabling", "streaming", "reading"]);
/** States a session never leaves by itself. */
const TERMINAL = new Set(["failed", "stopped"]);

export class ProduceMonitor implements ProduceObserver {
  readonly registry: Registry;
  readonly startedAt = Date.now();
  #tags = new Map<string, TagEntry>();
  #spool?: () => SpoolSnapshot;
  #share?: ReadingShare;
  #stopped?: string;

  constructor(readonly readiness: Readiness, readonly version: string) {
    this.registry = newRegistry();
    this.#defineMetrics();
  }

  // ---- ProduceObserver ----

  tagsExpected(devices: readonly string[], intervalMs?: number): void {
    if (intervalMs !== undefined) this.#share = new ReadingShare(intervalMs);
    const now = Date.now();
    for (const d of devices) {
      this.#tag(d);
      this.#share?.expect(d, now);
    }
  }

  tagState(device: string, state: string, detail?: string): void {
    const t = this.#tag(device);
    if (state === "connected") {
      if (t.everConnected) t.reconnects++;
      t.everConnected = true;
    }
    t.state = state;
    t.detail = detail;
    t.since = Date.now();
  }

  tagRssi(device: string, dbm: number): void {
    if (Number.isFinite(dbm)) this.#tag(device).rssi = dbm;
  }

  readingTaken(device: string, model: string, timeMs: number, fields: Record<string, number>) {
    const t = this.#tag(device);
    t.model = model;
    t.taken++;
    this.#share?.taken(device, timeMs);
    t.lastReadingMs = timeMs;
    t.lastValues = { ...fields };
    if (typeof fields.battery === "number") t.battery = fields.battery;
    const c = climateOf(fields);
    if (c.temperature !== undefined || c.humidity !== undefined) t.history.add({ t: timeMs, ...c });
  }

  readingsDelivered(devices: readonly string[]): void {
    for (const d of devices) this.#tag(d).delivered++;
  }

  spoolSource(read: () => SpoolSnapshot): void {
    this.#spool = read;
  }

  sourceStopped(reason: string): void {
    this.#stopped ??= reason;
  }

  // ---- what the endpoints serve ----

  liveness(): Liveness {
    const reasons: string[] = [];
    if (this.#stopped) reasons.push(`the tag manager has stopped: ${this.#stopped}`);
    const tags = [...this.#tags.values()];
    if (tags.length > 0 && tags.every((t) => TERMINAL.has(t.state))) {
      reasons.push(
        `no tag is left: ${tags.map((t) => `${t.device} ${t.state}`).join(", ")}`,
      );
    }
    return { ok: reasons.length === 0, reasons };
  }

  readinessReport(): ReadinessReport {
    const problem = this.#spoolNow().problem;
    const problems = problem === undefined ? [] : [`spool: ${problem}`];
    return {
      ok: this.readiness.ready && problems.length === 0,
      checks: Object.fromEntries(this.readiness.checks),
      ...(problems.length > 0 ? { problems } : {}),
    };
  }

  /** The chart data of one tag (the last hour). */
  history(device: string): HistoryPoint[] {
    const h = this.#tags.get(device)?.history;
    h?.trim();
    return h ? [...h.points] : [];
  }

  snapshot(): ProduceStatus {
    const live = this.liveness();
    const ready = this.readinessReport();
    const s = this.#spoolNow();
    const now = Date.now();
    return {
      kind: "produce",
      version: this.version,
      healthy: live.ok && ready.ok,
      live,
      ready,
      at: now,
      startedAt: this.startedAt,
      tags: [...this.#tags.values()].map(({ history: _h, everConnected: _e, ...t }) => ({
        ...t,
        readingShare: this.#share?.share(t.device, now),
        lastValues: t.lastValues ? { ...t.lastValues } : undefined,
      })),
      spool: {
        readings: s.readings,
        bytes: s.bytes,
        maxBytes: s.maxBytes,
        oldestAgeSeconds: s.oldestTakenMs === undefined
          ? 0
          : Math.max(0, (now - s.oldestTakenMs) / 1000),
        dropped: { spool_full: s.droppedFull, schema_rejected: s.rejected },
        quarantined: s.quarantined,
        held: s.held ?? 0,
        problem: s.problem,
        writeFailures: s.writeFailures ?? {},
      },
    };
  }

  // ---- internals ----

  #tag(device: string): TagEntry {
    let t = this.#tags.get(device);
    if (!t) {
      t = {
        device,
        state: "waiting",
        since: Date.now(),
        taken: 0,
        delivered: 0,
        reconnects: 0,
        history: new History(),
        everConnected: false,
      };
      this.#tags.set(device, t);
    }
    return t;
  }

  #spoolNow(): SpoolSnapshot {
    return this.#spool?.() ?? { readings: 0, bytes: 0, maxBytes: 0, droppedFull: 0, rejected: 0 };
  }

  #defineMetrics(): void {
    const registers = [this.registry];
    const tags = () => [...this.#tags.values()];
    new Counter({
      name: "gateway_readings_taken_total",
      help: "Readings taken from each tag",
      labelNames: ["device"],
      registers,
      collect() {
        this.reset();
        for (const t of tags()) this.inc({ device: t.device }, t.taken);
      },
    });
    new Counter({
      name: "gateway_readings_delivered_total",
      help: "Readings of each tag that Kafka acknowledged",
      labelNames: ["device"],
      registers,
      collect() {
        this.reset();
        for (const t of tags()) this.inc({ device: t.device }, t.delivered);
      },
    });
    const spool = () => this.#spoolNow();
    new Counter({
      name: "gateway_readings_dropped_total",
      help:
        "Readings dropped, by reason (spool_full: the spool's limit; schema_rejected: the Avro schema)",
      labelNames: ["reason"],
      registers,
      collect() {
        const s = spool();
        this.reset();
        this.inc({ reason: "spool_full" }, s.droppedFull);
        this.inc({ reason: "schema_rejected" }, s.rejected);
      },
    });
    new Counter({
      name: "gateway_spool_write_failures_total",
      help: "Spool writes that failed or found the disk full, by cause " +
        "(disk_full, read_only, io_error, other)",
      labelNames: ["cause"],
      registers,
      collect() {
        const failures = spool().writeFailures ?? {};
        this.reset();
        for (const cause of SPOOL_FAILURE_CAUSES) this.inc({ cause }, failures[cause] ?? 0);
      },
    });
    new Gauge({
      name: "gateway_spool_held_readings",
      help: "Readings held in memory because the spool cannot take them now",
      registers,
      collect() {
        this.set(spool().held ?? 0);
      },
    });
    new Gauge({
      name: "gateway_spool_readings",
      help: "Readings waiting in the spool",
      registers,
      collect() {
        this.set(spool().readings);
      },
    });
    new Gauge({
      name: "gateway_spool_bytes",
      help: "Bytes the spool's readings take",
      registers,
      collect() {
        this.set(spool().bytes);
      },
    });
    new Gauge({
      name: "gateway_spool_oldest_reading_age_seconds",
      help: "Age of the oldest reading waiting in the spool (0 when empty)",
      registers,
      collect() {
        const oldest = spool().oldestTakenMs;
        this.set(oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
      },
    });
    new Gauge({
      name: "gateway_tag_connected",
      help: "1 while the tag is connected, else 0",
      labelNames: ["device", "model"],
      registers,
      collect() {
        this.reset();
        for (const t of tags()) {
          this.set(
            { device: t.device, model: t.model ?? "unknown" },
            CONNECTED.has(t.state) ? 1 : 0,
          );
        }
      },
    });
    new Gauge({
      name: "gateway_tag_rssi_dbm",
      help: "The tag's last received signal strength, dBm",
      labelNames: ["device"],
      registers,
      collect() {
        this.reset();
        for (const t of tags()) if (t.rssi !== undefined) this.set({ device: t.device }, t.rssi);
      },
    });
    new Gauge({
      name: "gateway_tag_battery_percent",
      help: "The tag's battery level, where it has a battery service (sensor battery)",
      labelNames: ["device"],
      registers,
      collect() {
        this.reset();
        for (const t of tags()) {
          if (t.battery !== undefined) this.set({ device: t.device }, t.battery);
        }
      },
    });
    const share = () => this.#share;
    new Gauge({
      name: "gateway_tag_reading_share",
      help: "Share (0 to 1) of the readings expected from the tag, one per interval, " +
        "taken over the last hour",
      labelNames: ["device"],
      registers,
      collect() {
        this.reset();
        const now = Date.now();
        for (const t of tags()) {
          const v = share()?.share(t.device, now);
          if (v !== undefined) this.set({ device: t.device }, v);
        }
      },
    });
    new Counter({
      name: "gateway_tag_reconnects_total",
      help: "Times the tag connected again after its link was lost",
      labelNames: ["device"],
      registers,
      collect() {
        this.reset();
        for (const t of tags()) this.inc({ device: t.device }, t.reconnects);
      },
    });
    const readiness = this.readiness;
    registerDependencyGauges(this.registry, readiness);
  }
}
