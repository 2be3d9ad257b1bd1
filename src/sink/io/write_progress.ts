/**
 * How the sink's writes to the store are going, for the stats line, the status page and
 * `gateway status`: records written per second and bulk write latency over the last minute, how
 * long the write in flight has waited, and a verdict an operator reads at a glance: `ok`, `slow`
 * (the store answers, but a bulk write takes seconds) or `down` (the store does not answer: the
 * sink waits for it). Pure: the sink tells it what happens, at the clock it injects.
 */

/** A bulk write slower than this (the last one, or the one in flight) makes the store `slow`. */
export const SLOW_WRITE_MS = 2000;

/** The window records/s and the write latency are measured over. */
export const PROGRESS_WINDOW_MS = 60_000;

export type StoreVerdict = "ok" | "slow" | "down";

/** What one look at the writes says. */
export interface WriteProgress {
  store: StoreVerdict;
  /** Records written per second over the window (0 when none). */
  recordsPerSecond: number;
  /** Bulk writes finished in the window, their mean and longest duration in seconds. */
  writes: number;
  writeSeconds?: number;
  writeMaxSeconds?: number;
  /** The oldest write in flight has waited this long (seconds), when one is in flight. */
  inFlightSeconds?: number;
  /** Why `slow` or `down`, in an operator's words. */
  detail?: string;
}

interface Sample {
  at: number;
  records: number;
  ms?: number;
}

/** Follows the sink's writes. */
export class WriteTracker {
  #samples: Sample[] = [];
  #inFlight = new Map<number, number>();
  #next = 0;
  #down?: { since: number; detail: string };
  #slowError?: { at: number; detail: string };
  readonly #startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.#startedAt = now();
  }

  /** A bulk write starts; call the returned function when it ends (either way). */
  writeStarted(): (ok: boolean) => void {
    const id = this.#next++;
    const started = this.now();
    this.#inFlight.set(id, started);
    return (ok) => {
      this.#inFlight.delete(id);
      if (ok) {
        const at = this.now();
        this.#samples.push({ at, records: 0, ms: at - started });
        this.#down = undefined;
        this.#slowError = undefined;
        this.#trim(at);
      }
    };
  }

  /** `n` records reached the store. */
  recordsWritten(n: number): void {
    if (n <= 0) return;
    const at = this.now();
    this.#samples.push({ at, records: n });
    this.#trim(at);
  }

  /** The store does not answer (refused, unreachable, closed): the sink waits for it. */
  storeDown(detail: string): void {
    this.#down ??= { since: this.now(), detail };
    this.#down.detail = detail;
  }

  /** The store took a write but did not answer in time (a socket timeout): it is slow. */
  storeTimedOut(detail: string): void {
    this.#slowError = { at: this.now(), detail };
    this.#down = undefined;
  }

  /**
   * No batch is in hand any more (given up on a rebalance or a stop): what the writes saw of the
   * store (down, timed out) is no longer news, and readiness speaks for the store until the next.
   */
  batchesSettled(): void {
    this.#down = undefined;
    this.#slowError = undefined;
  }

  /** How the writes are going now. */
  progress(): WriteProgress {
    const now = this.now();
    this.#trim(now);
    const span = Math.max(1, Math.min(PROGRESS_WINDOW_MS, now - this.#startedAt));
    const records = this.#samples.reduce((n, s) => n + s.records, 0);
    const times = this.#samples.filter((s) => s.ms !== undefined).map((s) => s.ms!);
    const oldest = Math.min(...this.#inFlight.values());
    const inFlightMs = Number.isFinite(oldest) ? now - oldest : undefined;
    const mean = times.length ? times.reduce((a, b) => a + b, 0) / times.length : undefined;
    const out: WriteProgress = {
      store: "ok",
      recordsPerSecond: round(records / (span / 1000)),
      writes: times.length,
    };
    if (mean !== undefined) {
      out.writeSeconds = round(mean / 1000);
      out.writeMaxSeconds = round(Math.max(...times) / 1000);
    }
    if (inFlightMs !== undefined) out.inFlightSeconds = round(inFlightMs / 1000);
    if (this.#down) {
      out.store = "down";
      out.detail = `MongoDB does not answer (for ${
        Math.round((now - this.#down.since) / 1000)
      } s): ${this.#down.detail}`;
    } else if (this.#slowError) {
      out.store = "slow";
      out.detail = `MongoDB is slow: a write got no answer in time (${this.#slowError.detail})`;
    } else if (inFlightMs !== undefined && inFlightMs >= SLOW_WRITE_MS) {
      out.store = "slow";
      out.detail = `MongoDB is slow: a bulk write has waited ${
        round(inFlightMs / 1000)
      } s for its answer`;
    } else if (times.length > 0 && times[times.length - 1] >= SLOW_WRITE_MS) {
      out.store = "slow";
      out.detail = `MongoDB is slow: the last bulk write took ${
        round(times[times.length - 1] / 1000)
      } s (${out.writeSeconds} s on average over the last minute)`;
    }
    return out;
  }

  #trim(now: number): void {
    const from = now - PROGRESS_WINDOW_MS;
    let i = 0;
    while (i < this.#samples.length && this.#samples[i].at < from) i++;
    if (i > 0) this.#samples.splice(0, i);
  }
}

function round(n: number): number {
  return n >= 100 ? Math.round(n) : Math.round(n * 100) / 100;
}
