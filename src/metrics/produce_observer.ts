/**
 * What `gateway produce` tells its observer (metrics, health, the status page).
 * Narrow on purpose: the produce code calls these at a few points and knows
 * nothing of Prometheus or HTTP.
 */

/** The spool as the observer sees it, read at scrape time. */
export interface SpoolSnapshot {
  /** Readings waiting to be delivered. */
  readings: number;
  bytes: number;
  maxBytes: number;
  /** Epoch ms of the oldest waiting reading, if any. */
  oldestTakenMs?: number;
  /** Readings dropped because the spool was full (total, survives restarts). */
  droppedFull: number;
  /** Readings the Avro schema rejected (this run). */
  rejected: number;
  /** Entries set aside as undeliverable, where the spool keeps such a count. */
  quarantined?: number;
  /** Readings taken but held in memory: the spool cannot take them now. */
  held?: number;
  /** What keeps the spool from taking readings (e.g. `disk full`); undefined while it works. */
  problem?: string;
  /** Spool writes that failed this run, by cause (disk_full, read_only, io_error, other). */
  writeFailures?: Record<string, number>;
}

export interface ProduceObserver {
  /**
   * The tags this run reads (addresses), before any of them is found; each is expected to give
   * one reading every `intervalMs` (for the share of expected readings taken).
   */
  tagsExpected(devices: readonly string[], intervalMs?: number): void;
  /** A tag session changed state (scanning, connecting, streaming, backoff, failed, stopped...). */
  tagState(device: string, state: string, detail?: string): void;
  /** The tag's received signal strength, dBm. */
  tagRssi(device: string, dbm: number): void;
  /** One merged reading was taken from the tag (before it is spooled). */
  readingTaken(device: string, model: string, timeMs: number, fields: Record<string, number>): void;
  /** Kafka acknowledged readings; one entry per reading, naming its device. */
  readingsDelivered(devices: readonly string[]): void;
  /** Where to read the spool's numbers from. */
  spoolSource(read: () => SpoolSnapshot): void;
  /** The reading source (tag manager) has ended; no reading will come any more. */
  sourceStopped(reason: string): void;
}
