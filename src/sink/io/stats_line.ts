/**
 * The sink's `stats` line, every `--stats-interval`: counts since start, write speed and
 * latency, and the store's state. A slow or absent store is said at every line, never only once.
 */
import type { Logger } from "../../util/log.ts";
import type { WriteTracker } from "./write_progress.ts";

/** The counts the line carries. */
export interface SinkCounts {
  written: number;
  batches: number;
  commits: number;
  deadLettered: Record<string, number>;
}

/** Logs the line every `everyMs`; returns the function that ends it. */
export function startStatsLine(
  everyMs: number,
  counts: () => SinkCounts,
  writes: WriteTracker,
  log: Logger,
): () => void {
  const timer = setInterval(() => {
    const p = writes.progress();
    const fields = {
      ...counts(),
      recordsPerSecond: p.recordsPerSecond,
      ...(p.writeSeconds !== undefined
        ? { writeSeconds: p.writeSeconds, writeMaxSeconds: p.writeMaxSeconds }
        : {}),
      ...(p.inFlightSeconds !== undefined ? { writeWaitingSeconds: p.inFlightSeconds } : {}),
      store: p.store,
    };
    if (p.store === "ok") log.info("stats", fields);
    else log.warn(`stats: ${p.detail}`, fields);
  }, everyMs);
  return () => clearInterval(timer);
}
