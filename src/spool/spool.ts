/**
 * The durable spool: every reading is written here (SQLite, synchronous=FULL)
 * before it is sent, and leaves only once Kafka has acknowledged it.
 * Order is the insertion order (seq), which keeps per-device order.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";

export type OverflowPolicy = "drop-oldest" | "drop-newest";
export const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ["drop-oldest", "drop-newest"];

export interface SpoolEntry {
  seq: number;
  device: string;
  takenMs: number;
  schemaFp: string;
  body: Uint8Array;
}

export interface NewEntry {
  device: string;
  takenMs: number;
  schemaFp: string;
  body: Uint8Array;
}

export interface SpoolOptions {
  path: string;
  maxBytes: number;
  policy: OverflowPolicy;
  /** Called whenever readings are dropped because the spool is full. */
  onDrop?: (dropped: number, policy: OverflowPolicy, totalDropped: number) => void;
}

export interface SpoolStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  dropped: number;
  appended: number;
  acknowledged: number;
}

/** Bytes an entry is charged for: its body plus a fixed row overhead. */
export function entryCost(body: Uint8Array, device: string): number {
  return body.byteLength + device.length + ROW_OVERHEAD;
}
const ROW_OVERHEAD = 48;

export class Spool {
  readonly path: string;
  #db: DatabaseSync;
  #maxBytes: number;
  #policy: OverflowPolicy;
  #onDrop?: SpoolOptions["onDrop"];
  #bytes = 0;
  #entries = 0;
  #counters = new Map<string, number>();
  #insert: StatementSync;
  #peek: StatementSync;
  #ackUpTo: StatementSync;
  #oldest: StatementSync;
  #deleteOne: StatementSync;
  #setCounter: StatementSync;
  #schemas = new Set<string>();
  #insertSchema: StatementSync;
  #getSchema: StatementSync;

  constructor(options: SpoolOptions) {
    if (!(options.maxBytes > 0)) {
      throw new RangeError(`spool size limit must be positive, got ${options.maxBytes}`);
    }
    this.path = options.path;
    this.#maxBytes = options.maxBytes;
    this.#policy = options.policy;
    this.#onDrop = options.onDrop;
    this.#db = new DatabaseSync(options.path);
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS readings (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        device TEXT NOT NULL,
        taken_ms INTEGER NOT NULL,
        schema_fp TEXT NOT NULL,
        body BLOB NOT NULL
      );
      CREATE TABLE IF NOT EXISTS schemas (fp TEXT PRIMARY KEY, schema TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    `);
    this.#insert = this.#db.prepare(
      "INSERT INTO readings (device, taken_ms, schema_fp, body) VALUES (?, ?, ?, ?)",
    );
    this.#peek = this.#db.prepare(
      "SELECT seq, device, taken_ms, schema_fp, body FROM readings ORDER BY seq LIMIT ?",
    );
    this.#ackUpTo = this.#db.prepare(
      "DELETE FROM readings WHERE seq <= ? RETURNING length(body) + length(device) AS cost",
    );
    this.#oldest = this.#db.prepare(
      "SELECT seq, length(body) + length(device) AS cost FROM readings ORDER BY seq LIMIT ?",
    );
    this.#deleteOne = this.#db.prepare("DELETE FROM readings WHERE seq = ?");
    this.#setCounter = this.#db.prepare(
      "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
    );
    this.#insertSchema = this.#db.prepare(
      "INSERT OR IGNORE INTO schemas (fp, schema) VALUES (?, ?)",
    );
    this.#getSchema = this.#db.prepare("SELECT schema FROM schemas WHERE fp = ?");
    this.#reloadTotals();
  }

  /** Remembers a writer schema by fingerprint, so spooled bodies stay readable after restarts. */
  rememberSchema(fp: string, schema: string): void {
    if (this.#schemas.has(fp)) return;
    this.#insertSchema.run(fp, schema);
    this.#schemas.add(fp);
  }

  schema(fp: string): string | undefined {
    const row = this.#getSchema.get(fp) as { schema: string } | undefined;
    return row?.schema;
  }

  /**
   * Appends entries in one durable transaction. Returns how many were kept
   * (with drop-newest, entries that do not fit are refused and counted).
   */
  append(entries: readonly NewEntry[]): number {
    if (entries.length === 0) return 0;
    let kept = 0;
    let dropped = 0;
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      for (const e of entries) {
        const cost = entryCost(e.body, e.device);
        if (this.#bytes + cost > this.#maxBytes) {
          if (this.#policy === "drop-newest" || cost > this.#maxBytes) {
            dropped++;
            continue;
          }
          dropped += this.#evictFor(cost);
        }
        this.#insert.run(e.device, e.takenMs, e.schemaFp, e.body);
        this.#bytes += cost;
        this.#entries++;
        kept++;
      }
      this.#bump("appended", kept);
      if (dropped > 0) this.#bump("dropped", dropped);
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      this.#reloadTotals();
      throw error;
    }
    if (dropped > 0) this.#onDrop?.(dropped, this.#policy, this.counter("dropped"));
    return kept;
  }

  /** The oldest `limit` entries, in order. */
  peek(limit: number): SpoolEntry[] {
    return (this.#peek.all(limit) as Record<string, unknown>[]).map((r) => ({
      seq: Number(r.seq),
      device: r.device as string,
      takenMs: Number(r.taken_ms),
      schemaFp: r.schema_fp as string,
      body: r.body as Uint8Array,
    }));
  }

  /** Removes every entry up to and including `seq`: Kafka has acknowledged them. */
  acknowledge(seq: number): number {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const rows = this.#ackUpTo.all(seq) as { cost: number }[];
      for (const r of rows) this.#bytes -= Number(r.cost) + ROW_OVERHEAD;
      this.#entries -= rows.length;
      this.#bump("acknowledged", rows.length);
      this.#db.exec("COMMIT");
      return rows.length;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      this.#reloadTotals();
      throw error;
    }
  }

  counter(name: string): number {
    return this.#counters.get(name) ?? 0;
  }

  stats(): SpoolStats {
    return {
      entries: this.#entries,
      bytes: this.#bytes,
      maxBytes: this.#maxBytes,
      dropped: this.counter("dropped"),
      appended: this.counter("appended"),
      acknowledged: this.counter("acknowledged"),
    };
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #evictFor(cost: number): number {
    let evicted = 0;
    while (this.#bytes + cost > this.#maxBytes && this.#entries > 0) {
      const batch = this.#oldest.all(64) as { seq: number; cost: number }[];
      for (const r of batch) {
        if (this.#bytes + cost <= this.#maxBytes) break;
        this.#deleteOne.run(r.seq);
        this.#bytes -= Number(r.cost) + ROW_OVERHEAD;
        this.#entries--;
        evicted++;
      }
    }
    return evicted;
  }

  #bump(name: string, by: number): void {
    if (by === 0) return;
    const value = this.counter(name) + by;
    this.#setCounter.run(name, value);
    this.#counters.set(name, value);
  }

  #reloadTotals(): void {
    const totals = this.#db.prepare(
      "SELECT count(*) AS n, coalesce(sum(length(body) + length(device)), 0) AS b FROM readings",
    ).get() as { n: number; b: number };
    this.#entries = Number(totals.n);
    this.#bytes = Number(totals.b) + this.#entries * ROW_OVERHEAD;
    for (const row of this.#db.prepare("SELECT name, value FROM counters").all()) {
      const r = row as { name: string; value: number };
      this.#counters.set(r.name, Number(r.value));
    }
  }
}
