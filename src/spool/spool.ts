/**
 * The durable spool, a ledger of readings: every reading is written here (SQLite,
 * synchronous=FULL) before it is sent, with its destination and its per-device sequence number,
 * and leaves only once Kafka has acknowledged it there. Readings Kafka or the registry refuse
 * for good move to the quarantine table with the reason. One process owns a spool: it is opened
 * in EXCLUSIVE locking mode, so a second process fails at start, naming the owner.
 *
 * Identity: the spool has an id, made with it and kept in it (`spool_meta`), and every reading a
 * `reading_id` (UUIDv7) given when it was taken; both travel with the reading to Kafka, so a
 * reading stays itself across resends, and `(device, spool id, seq)` tells a new spool from
 * readings lost. A spool of an earlier layout gets its id, and its waiting and quarantined
 * readings theirs, when it is opened.
 */
import { existsSync } from "node:fs";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { newUuidV7, uuidV7Generator } from "../util/uuid_v7.ts";
import { type Destination, destinationFromKey, destinationKey } from "./destination.ts";
import { clearOwner, readOwnerPid, SpoolInUseError, writeOwner } from "./owner.ts";
import {
  classifySpoolError,
  freeBytes,
  type SpoolFailureCause,
  SpoolWriteError,
} from "./spool_failure.ts";
import {
  type FileIdentity,
  fileIdentity,
  identityChange,
  SpoolFileError,
  spoolFileProblem,
  SQLITE_SIDE_FILES,
} from "./spool_file.ts";

export type OverflowPolicy = "drop-oldest" | "drop-newest";
export const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ["drop-oldest", "drop-newest"];

/** A spooled reading. */
export interface SpoolEntry {
  /** Row id: the spool's order (insertion order). */
  id: number;
  /** Destination id (see {@linkcode Spool.destinationId}). */
  dest: number;
  device: string;
  /** Per-device sequence number, 1, 2, 3, ... per destination; null for migrated readings. */
  seq: number | null;
  /** The reading's identity for ever (UUIDv7). */
  readingId: string;
  takenMs: number;
  schemaFp: string;
  body: Uint8Array;
}

/** What a reading's body carries beside its sequence number. */
export interface EntryIdentity {
  readingId: string;
  spoolId: string;
}

/** A reading to spool; its body is encoded once its sequence number is known. */
export interface NewEntry {
  device: string;
  takenMs: number;
  schemaFp: string;
  /** Given when the reading was taken; the spool gives one to an entry without. */
  readingId?: string;
  encode: (seq: number, identity: EntryIdentity) => Uint8Array;
}

/** A quarantined reading: refused for good, kept with the reason. */
export interface QuarantinedEntry extends SpoolEntry {
  reason: string;
  atMs: number;
}

export interface SpoolOptions {
  path: string;
  maxBytes: number;
  policy: OverflowPolicy;
  /**
   * Called whenever readings are dropped because the spool is full: its size limit, or the disk
   * (`diskFull`, said once per episode by the caller).
   */
  onDrop?: (
    dropped: number,
    policy: OverflowPolicy,
    totalDropped: number,
    diskFull: boolean,
  ) => void;
}

/**
 * Bytes the spool leaves free on its disk: the room SQLite needs to delete readings and
 * checkpoint its write-ahead log when the disk is otherwise full. Below it the disk counts as full.
 */
export const DISK_RESERVE_BYTES = 256 * 1024;
/** The most one write deletes to make room on a full disk (deleting needs log pages too). */
const EVICT_BYTES_PER_WRITE = 64 * 1024;
/** Write-ahead log pages before SQLite copies them into the database (keeps the log small). */
const WAL_CHECKPOINT_PAGES = 64;

/** Counters of one destination (`entries`) and of the whole spool (the rest, lifetime). */
export interface SpoolStats {
  /** Readings waiting for the destination asked about. */
  entries: number;
  /** Readings waiting for other destinations. */
  otherEntries: number;
  quarantined: number;
  bytes: number;
  maxBytes: number;
  /** Lifetime counters, kept in the spool across restarts. */
  dropped: number;
  appended: number;
  acknowledged: number;
  quarantinedTotal: number;
}

/** One destination's share of the spool, for `gateway spool`. */
export interface DestinationSummary {
  id: number;
  /** Undefined for readings migrated from a spool that did not record destinations. */
  destination: Destination | undefined;
  entries: number;
  bytes: number;
  oldestMs: number | null;
  newestMs: number | null;
  quarantined: number;
  /** Per device: the last sequence number given (= readings taken for this destination). */
  devices: { device: string; lastSeq: number }[];
}

/** Bytes an entry is charged for: its body plus a fixed row overhead. */
export function entryCost(body: Uint8Array, device: string): number {
  return body.byteLength + device.length + ROW_OVERHEAD;
}
const ROW_OVERHEAD = 48;
const LEGACY_KEY = '"legacy"';

const TABLES = `
  CREATE TABLE IF NOT EXISTS destinations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE
  );
  CREATE TABLE IF NOT EXISTS readings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dest INTEGER NOT NULL,
    device TEXT NOT NULL,
    seq INTEGER,
    taken_ms INTEGER NOT NULL,
    schema_fp TEXT NOT NULL,
    body BLOB NOT NULL,
    reading_id TEXT
  );
  CREATE INDEX IF NOT EXISTS readings_by_dest ON readings (dest, id);
  CREATE TABLE IF NOT EXISTS device_seq (
    dest INTEGER NOT NULL,
    device TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (dest, device)
  );
  CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY,
    dest INTEGER NOT NULL,
    device TEXT NOT NULL,
    seq INTEGER,
    taken_ms INTEGER NOT NULL,
    schema_fp TEXT NOT NULL,
    body BLOB NOT NULL,
    reason TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    reading_id TEXT
  );
  CREATE TABLE IF NOT EXISTS schemas (fp TEXT PRIMARY KEY, schema TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS spool_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const COLUMNS = "id, dest, device, seq, taken_ms, schema_fp, body, reading_id";

export class Spool {
  readonly path: string;
  /** The spool's identity (UUIDv7), made with it: `seq` counts per device within it. */
  readonly id: string;
  /** Readings found in a spool of the old layout (no destination) and kept apart, at open. */
  readonly migrated: number;
  #db: DatabaseSync;
  #maxBytes: number;
  #policy: OverflowPolicy;
  #onDrop?: SpoolOptions["onDrop"];
  #bytes = 0;
  #entries = new Map<number, number>();
  #quarantined = new Map<number, number>();
  #counters = new Map<string, number>();
  #lastSeq = new Map<string, number>();
  #schemas = new Set<string>();
  #s: Record<string, StatementSync>;
  /** The file opened: the path must keep naming it (see {@linkcode Spool.identityLost}). */
  #identity?: FileIdentity;
  #lost?: string;
  /** Readings dropped while nothing could be written: persisted with the next write. */
  #droppedUnsaved = 0;
  /** The disk had no room for the last append (some readings were dropped, evicted or held). */
  #diskFull = false;
  #failure?: SpoolWriteError;
  #stale = false;
  #writeFailures = new Map<SpoolFailureCause, number>();
  /** Acknowledgements Kafka gave that the spool could not record yet, per destination. */
  #pendingAcks = new Map<number, { upTo: number; rows: number }>();
  /** Left beside a missing spool by a process whose file was deleted, set aside at open. */
  readonly setAsideSideFiles: string[] = [];

  constructor(options: SpoolOptions) {
    if (!(options.maxBytes > 0)) {
      throw new RangeError(`spool size limit must be positive, got ${options.maxBytes}`);
    }
    this.path = options.path;
    this.#maxBytes = options.maxBytes;
    this.#policy = options.policy;
    this.#onDrop = options.onDrop;
    const problem = spoolFileProblem(options.path);
    if (problem) throw new SpoolFileError(options.path, problem);
    if (!existsSync(options.path)) this.#create(options.path);
    try {
      this.#db = new DatabaseSync(options.path);
    } catch (error) {
      throw openError(options.path, error);
    }
    try {
      // EXCLUSIVE: the first transaction takes the file lock and keeps it until close (or
      // death): a second process on the same file fails here. Set before the first read, so
      // that the log's index lives in memory (no -shm file).
      this.#db.exec("PRAGMA busy_timeout = 300; PRAGMA locking_mode = EXCLUSIVE;");
      // Before anything is written to it (journal mode included): another program's database
      // is left exactly as it was.
      const foreign = foreignContent(this.#db);
      if (foreign) throw new SpoolFileError(options.path, foreign);
      this.#db.exec(`
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES};
        PRAGMA journal_size_limit = ${WAL_CHECKPOINT_PAGES * 4096};
      `);
      this.#db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      this.#db.close();
      if (/locked|busy/i.test((error as Error).message)) {
        throw new SpoolInUseError(options.path, readOwnerPid(options.path));
      }
      throw openError(options.path, error);
    }
    try {
      this.migrated = this.#migrate();
      this.#db.exec(TABLES);
      this.id = this.#identify();
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#rollback();
      this.#db.close();
      throw openError(options.path, error);
    }
    this.#identity = fileIdentity(options.path);
    try {
      writeOwner(options.path);
    } catch {
      // The side file only names the owner (the lock is SQLite's): a full disk does not stop us.
    }
    const p = (sql: string) => this.#db.prepare(sql);
    this.#s = {
      insert: p(
        "INSERT INTO readings (dest, device, seq, taken_ms, schema_fp, body, reading_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      peek: p(`SELECT ${COLUMNS} FROM readings WHERE dest = ? AND id > ? ORDER BY id LIMIT ?`),
      ackUpTo: p(
        "DELETE FROM readings WHERE dest = ? AND id <= ? RETURNING length(body) + length(device) AS cost",
      ),
      oldest: p(
        "SELECT id, dest, length(body) + length(device) AS cost FROM readings ORDER BY id LIMIT ?",
      ),
      oldestQuarantined: p(
        "SELECT id, dest, length(body) + length(device) AS cost FROM quarantine ORDER BY id LIMIT ?",
      ),
      deleteOne: p("DELETE FROM readings WHERE id = ?"),
      deleteQuarantinedOne: p("DELETE FROM quarantine WHERE id = ?"),
      setCounter: p(
        "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
      ),
      insertSchema: p("INSERT OR IGNORE INTO schemas (fp, schema) VALUES (?, ?)"),
      freelist: p("PRAGMA freelist_count"),
      pageSize: p("PRAGMA page_size"),
      getSchema: p("SELECT schema FROM schemas WHERE fp = ?"),
      getSeq: p("SELECT last FROM device_seq WHERE dest = ? AND device = ?"),
      setSeq: p(
        "INSERT INTO device_seq (dest, device, last) VALUES (?, ?, ?) ON CONFLICT(dest, device) DO UPDATE SET last = excluded.last",
      ),
      getDest: p("SELECT id FROM destinations WHERE key = ?"),
      addDest: p("INSERT INTO destinations (key) VALUES (?)"),
      toQuarantine: p(
        `INSERT INTO quarantine (${COLUMNS}, reason, at_ms) SELECT ${COLUMNS}, ?, ? FROM readings WHERE id = ?`,
      ),
    };
    this.#reloadTotals();
  }

  /** The id of `destination` in this spool (added on first use). */
  destinationId(destination: Destination): number {
    const key = destinationKey(destination);
    const row = this.#s.getDest.get(key) as { id: number } | undefined;
    if (row) return Number(row.id);
    try {
      return Number(this.#s.addDest.run(key).lastInsertRowid);
    } catch (error) {
      throw this.#failed(error);
    }
  }

  /**
   * Points destination `dest` at `destination` (an operator's re-target): its readings,
   * quarantined readings and sequence numbers stay its own, unchanged.
   */
  retarget(dest: number, destination: Destination): void {
    const changes = this.#db.prepare("UPDATE destinations SET key = ? WHERE id = ?")
      .run(destinationKey(destination), dest).changes;
    if (Number(changes) !== 1) throw new Error(`spool ${this.path} has no destination ${dest}`);
  }

  /** Remembers a writer schema by fingerprint, so spooled bodies stay readable after restarts. */
  rememberSchema(fp: string, schema: string): void {
    if (this.#schemas.has(fp)) return;
    try {
      this.#s.insertSchema.run(fp, schema);
    } catch (error) {
      throw this.#failed(error);
    }
    this.#schemas.add(fp);
  }

  /** The writer schema of fingerprint `fp`, if the spool holds it. */
  schema(fp: string): string | undefined {
    const row = this.#s.getSchema.get(fp) as { schema: string } | undefined;
    return row?.schema;
  }

  /**
   * Appends entries for destination `dest` in one durable transaction, giving each the next
   * sequence number of its device. Returns how many were kept (with drop-newest, entries that do
   * not fit are refused and counted, and use no sequence number).
   */
  append(
    dest: number,
    entries: readonly NewEntry[],
    hold?: (entry: NewEntry) => void,
  ): number {
    if (entries.length === 0) return 0;
    let kept = 0;
    let dropped = 0;
    let held = 0;
    let diskLimited = false;
    const seqs = new Map<string, number>();
    const disk = this.#diskLimit();
    const limit = Math.min(this.#maxBytes, disk.limit);
    // On a full disk, deleting costs log pages too: a write frees a bounded amount at a time.
    const evict = { budget: limit < this.#maxBytes ? EVICT_BYTES_PER_WRITE : Infinity, count: 0 };
    const acks = this.#pendingAcks.size > 0;
    try {
      this.#reloadIfStale();
      this.#db.exec("BEGIN IMMEDIATE");
      this.#applyDeferredAcks();
      for (const e of entries) {
        const seq = (seqs.get(e.device) ?? this.lastSeq(dest, e.device)) + 1;
        const readingId = e.readingId ?? newUuidV7();
        const body = e.encode(seq, { readingId, spoolId: this.id });
        const cost = entryCost(body, e.device);
        if (this.#bytes + cost > limit) {
          const byDisk = disk.limit < this.#maxBytes;
          diskLimited ||= byDisk;
          if (this.#policy === "drop-newest" || cost > this.#maxBytes) {
            dropped++;
            continue;
          }
          if (cost > limit) {
            // Even an empty spool would not fit on the disk: dropping older readings cannot
            // help. Hold the reading, if the caller can.
            if (hold) {
              hold(e);
              held++;
            } else dropped++;
            continue;
          }
          const evicted = this.#evictFor(cost, limit, evict);
          dropped += evicted;
          evict.count += evicted;
          if (this.#bytes + cost > limit) {
            // As much was freed as one write may: the rest waits for the next one.
            if (hold) {
              hold(e);
              held++;
            } else dropped++;
            continue;
          }
        }
        this.#s.insert.run(dest, e.device, seq, e.takenMs, e.schemaFp, body, readingId);
        seqs.set(e.device, seq);
        this.#bytes += cost;
        this.#entries.set(dest, (this.#entries.get(dest) ?? 0) + 1);
        kept++;
      }
      if (kept === 0 && evict.count === 0 && !acks) {
        // Nothing to write: a full disk is not asked for room to count the drops; they are
        // persisted with the next write.
        this.#db.exec("ROLLBACK");
        this.#droppedUnsaved += dropped;
      } else {
        for (const [device, seq] of seqs) this.#s.setSeq.run(dest, device, seq);
        this.#bump("appended", kept);
        this.#bump("dropped", dropped + this.#droppedUnsaved);
        this.#db.exec("COMMIT");
        this.#droppedUnsaved = 0;
        this.#pendingAcks.clear();
      }
    } catch (error) {
      this.#rollback();
      throw this.#failed(error);
    }
    this.#failure = undefined;
    if (diskLimited || held > 0) {
      this.#countFailure("disk_full");
      this.#diskFull = true;
      this.#diskFree = disk.free;
    } else if (disk.limit - this.#bytes > DISK_RESERVE_BYTES) {
      // The episode ends with room to spare, so that a disk at the edge does not flap.
      this.#diskFull = false;
    }
    for (const [device, seq] of seqs) this.#lastSeq.set(`${dest}\0${device}`, seq);
    if (dropped > 0) {
      this.#onDrop?.(dropped, this.#policy, this.stats().dropped, diskLimited);
    }
    return kept;
  }

  /**
   * Counts readings dropped without being written (the disk full or unwritable): they show in
   * `stats().dropped` at once and are persisted with the next write that succeeds.
   */
  countDropped(n: number): void {
    this.#droppedUnsaved += n;
  }

  /** What keeps the spool from taking readings now, in words; undefined while it works. */
  problem(): string | undefined {
    if (this.#failure && this.#failure.kind !== "disk_full") return this.#failure.reason;
    if (this.#diskFull || this.#failure) return "disk full";
    return undefined;
  }

  /** The last write failure, until a write succeeds. */
  get failure(): SpoolWriteError | undefined {
    return this.#failure;
  }

  /** Whether the disk had no room for the last append (readings were dropped, evicted or held). */
  get diskFull(): boolean {
    return this.#diskFull || this.#failure?.kind === "disk_full";
  }

  /** Bytes free on the spool's disk when it was last found full. */
  get diskFree(): number {
    return this.#diskFree;
  }
  #diskFree = 0;

  /** Writes that failed (or found the disk full), by cause, this run. */
  writeFailures(): ReadonlyMap<SpoolFailureCause, number> {
    return this.#writeFailures;
  }

  /**
   * Whether the spool's path still names the file this process opened; a sentence saying what
   * became of it when not (removed, replaced). Once lost, always lost.
   */
  identityLost(): string | undefined {
    if (this.#lost || !this.#identity) return this.#lost;
    const change = identityChange(this.path, this.#identity);
    if (change) this.#lost = `spool ${this.path} ${change}`;
    return this.#lost;
  }

  /** The last sequence number given to `device` for `dest` (0 before its first reading). */
  lastSeq(dest: number, device: string): number {
    const k = `${dest}\0${device}`;
    let v = this.#lastSeq.get(k);
    if (v === undefined) {
      const row = this.#s.getSeq.get(dest, device) as { last: number } | undefined;
      v = row ? Number(row.last) : 0;
      this.#lastSeq.set(k, v);
    }
    return v;
  }

  /** Readings ever spooled for `dest`: the sum of its devices' last sequence numbers. */
  takenFor(dest: number): number {
    try {
      const row = this.#db.prepare(
        "SELECT coalesce(sum(last), 0) AS n FROM device_seq WHERE dest = ?",
      )
        .get(dest) as { n: number };
      this.#takenFor.set(dest, Number(row.n));
    } catch {
      // unreadable now (I/O errors): the last answer, so that the stats line keeps coming
    }
    return this.#takenFor.get(dest) ?? 0;
  }
  #takenFor = new Map<number, number>();

  /** The oldest `limit` entries of destination `dest`, in order. */
  peek(dest: number, limit: number): SpoolEntry[] {
    const after = this.#pendingAcks.get(dest)?.upTo ?? 0;
    try {
      return (this.#s.peek.all(dest, after, limit) as Record<string, unknown>[]).map(toEntry);
    } catch (error) {
      throw classifySpoolError(this.path, error);
    }
  }

  /** Removes every entry of `dest` up to and including row `id`: Kafka has acknowledged them. */
  acknowledge(dest: number, id: number): number {
    try {
      return this.#inTransaction(() => this.#ackUpTo(dest, id));
    } catch (error) {
      this.#deferAck(dest, id);
      throw error;
    }
  }

  #ackUpTo(dest: number, id: number): number {
    const rows = this.#s.ackUpTo.all(dest, id) as { cost: number }[];
    for (const r of rows) this.#bytes -= Number(r.cost) + ROW_OVERHEAD;
    this.#entries.set(dest, (this.#entries.get(dest) ?? 0) - rows.length);
    this.#bump("acknowledged", rows.length, dest);
    return rows.length;
  }

  /**
   * Kafka acknowledged readings the spool could not delete (disk full, unwritable): they count
   * as acknowledged, are not read again by {@linkcode Spool.peek}, and are deleted first by the
   * next write that succeeds — the room a full disk needs, freed without dropping a reading.
   */
  #deferAck(dest: number, id: number): void {
    const upTo = Math.max(id, this.#pendingAcks.get(dest)?.upTo ?? 0);
    try {
      const row = this.#db.prepare("SELECT count(*) AS n FROM readings WHERE dest = ? AND id <= ?")
        .get(dest, upTo) as { n: number };
      this.#pendingAcks.set(dest, { upTo, rows: Number(row.n) });
    } catch {
      this.#pendingAcks.set(dest, { upTo, rows: this.#pendingAcks.get(dest)?.rows ?? 0 });
    }
  }

  /** Deletes the readings of deferred acknowledgements, inside the caller's transaction. */
  #applyDeferredAcks(): void {
    for (const [dest, p] of this.#pendingAcks) this.#ackUpTo(dest, p.upTo);
  }

  /** Moves entries to the quarantine table with `reason`: they were refused for good. */
  quarantine(entries: readonly SpoolEntry[], reason: string): number {
    if (entries.length === 0) return 0;
    return this.#inTransaction(() => {
      const now = Date.now();
      for (const e of entries) {
        this.#s.toQuarantine.run(reason, now, e.id);
        this.#s.deleteOne.run(e.id);
        this.#entries.set(e.dest, (this.#entries.get(e.dest) ?? 0) - 1);
        this.#quarantined.set(e.dest, (this.#quarantined.get(e.dest) ?? 0) + 1);
      }
      this.#bump("quarantined", entries.length, entries[0].dest);
      return entries.length;
    });
  }

  /** Every destination the spool holds readings, quarantined readings or sequence numbers for. */
  destinations(): DestinationSummary[] {
    const rows = this.#db.prepare(`
      SELECT d.id, d.key,
        (SELECT count(*) FROM readings r WHERE r.dest = d.id) AS entries,
        (SELECT coalesce(sum(length(body) + length(device)), 0) FROM readings r WHERE r.dest = d.id) AS bytes,
        (SELECT min(taken_ms) FROM readings r WHERE r.dest = d.id) AS oldest,
        (SELECT max(taken_ms) FROM readings r WHERE r.dest = d.id) AS newest,
        (SELECT count(*) FROM quarantine q WHERE q.dest = d.id) AS quarantined
      FROM destinations d ORDER BY d.id`).all() as Record<string, unknown>[];
    const devices = this.#db.prepare(
      "SELECT device, last FROM device_seq WHERE dest = ? ORDER BY device",
    );
    return rows.map((r) => ({
      id: Number(r.id),
      destination: r.key === LEGACY_KEY ? undefined : destinationFromKey(String(r.key)),
      entries: Number(r.entries),
      bytes: Number(r.bytes) + Number(r.entries) * ROW_OVERHEAD,
      oldestMs: r.oldest === null ? null : Number(r.oldest),
      newestMs: r.newest === null ? null : Number(r.newest),
      quarantined: Number(r.quarantined),
      devices: (devices.all(Number(r.id)) as { device: string; last: number }[]).map((d) => ({
        device: d.device,
        lastSeq: Number(d.last),
      })),
    }));
  }

  /** Quarantined readings per destination and reason. */
  quarantineReasons(): { dest: number; reason: string; count: number }[] {
    return (this.#db.prepare(
      "SELECT dest, reason, count(*) AS n FROM quarantine GROUP BY dest, reason ORDER BY dest, min(id)",
    ).all() as { dest: number; reason: string; n: number }[]).map((r) => ({
      dest: Number(r.dest),
      reason: r.reason,
      count: Number(r.n),
    }));
  }

  /** The schema fingerprints the waiting readings' bodies were written with. */
  waitingSchemas(): string[] {
    return (this.#db.prepare("SELECT DISTINCT schema_fp FROM readings").all() as {
      schema_fp: string;
    }[]).map((r) => r.schema_fp);
  }

  /**
   * Rewrites the bodies of the waiting readings written with schema `fromFp`, in one transaction:
   * `rewrite` gets each body and the reading's identity and returns the body written with schema
   * `toFp` (remembered before, see {@linkcode rememberSchema}). Returns how many were rewritten.
   */
  rewriteBodies(
    fromFp: string,
    toFp: string,
    rewrite: (body: Uint8Array, identity: EntryIdentity) => Uint8Array,
  ): number {
    const page = this.#db.prepare(
      "SELECT id, body, reading_id FROM readings WHERE schema_fp = ? AND id > ? ORDER BY id LIMIT 500",
    );
    const update = this.#db.prepare("UPDATE readings SET body = ?, schema_fp = ? WHERE id = ?");
    const n = this.#inTransaction(() => {
      let done = 0;
      for (let after = 0;;) {
        const rows = page.all(fromFp, after) as {
          id: number;
          body: Uint8Array;
          reading_id: string;
        }[];
        if (rows.length === 0) return done;
        for (const r of rows) {
          const body = rewrite(r.body, { readingId: String(r.reading_id), spoolId: this.id });
          update.run(body, toFp, r.id);
          done++;
        }
        after = Number(rows[rows.length - 1].id);
      }
    });
    this.#reloadTotals();
    return n;
  }

  /** Iterates the readings of `dest` (all when undefined), oldest first, in pages. */
  *readings(dest?: number): Generator<SpoolEntry> {
    const page = this.#db.prepare(
      `SELECT ${COLUMNS} FROM readings WHERE id > ? AND (? IS NULL OR dest = ?) ORDER BY id LIMIT 500`,
    );
    let after = 0;
    for (;;) {
      const rows = (page.all(after, dest ?? null, dest ?? null) as Record<string, unknown>[]).map(
        toEntry,
      );
      if (rows.length === 0) return;
      yield* rows;
      after = rows[rows.length - 1].id;
    }
  }

  /** Iterates quarantined readings of `dest` (all when undefined), oldest first. */
  *quarantined(dest?: number): Generator<QuarantinedEntry> {
    const page = this.#db.prepare(
      `SELECT ${COLUMNS}, reason, at_ms FROM quarantine WHERE id > ? AND (? IS NULL OR dest = ?) ORDER BY id LIMIT 500`,
    );
    let after = 0;
    for (;;) {
      const rows = page.all(after, dest ?? null, dest ?? null) as Record<string, unknown>[];
      if (rows.length === 0) return;
      for (const r of rows) {
        yield { ...toEntry(r), reason: String(r.reason), atMs: Number(r.at_ms) };
      }
      after = Number(rows[rows.length - 1].id);
    }
  }

  /** Deletes the waiting readings of `dest` (all when undefined); returns how many. */
  deleteReadings(dest?: number): number {
    const n = this.#inTransaction(() =>
      Number(
        this.#db.prepare("DELETE FROM readings WHERE (? IS NULL OR dest = ?)")
          .run(dest ?? null, dest ?? null).changes,
      )
    );
    this.#reloadTotals();
    return n;
  }

  /** Deletes the quarantined readings of `dest` (all when undefined); returns how many. */
  deleteQuarantined(dest?: number): number {
    const n = this.#inTransaction(() =>
      Number(
        this.#db.prepare("DELETE FROM quarantine WHERE (? IS NULL OR dest = ?)")
          .run(dest ?? null, dest ?? null).changes,
      )
    );
    this.#reloadTotals();
    return n;
  }

  /** A lifetime counter of the whole spool (appended, acknowledged, dropped, quarantined). */
  counter(name: string): number {
    return this.#counters.get(name) ?? 0;
  }

  /** A lifetime counter of one destination (acknowledged, quarantined). */
  counterFor(name: "acknowledged" | "quarantined", dest: number): number {
    const deferred = name === "acknowledged" ? this.#pendingAcks.get(dest)?.rows ?? 0 : 0;
    return (this.#counters.get(`${name}@${dest}`) ?? 0) + deferred;
  }

  /** Counters, with `entries` for destination `dest` and `otherEntries` for all others. */
  stats(dest?: number): SpoolStats {
    let all = 0;
    let quarantined = 0;
    for (const n of this.#entries.values()) all += n;
    for (const n of this.#quarantined.values()) quarantined += n;
    let deferred = 0;
    for (const p of this.#pendingAcks.values()) deferred += p.rows;
    all -= deferred;
    const mine = dest === undefined
      ? all
      : (this.#entries.get(dest) ?? 0) - (this.#pendingAcks.get(dest)?.rows ?? 0);
    return {
      entries: mine,
      otherEntries: all - mine,
      quarantined,
      bytes: this.#bytes,
      maxBytes: this.#maxBytes,
      dropped: this.counter("dropped") + this.#droppedUnsaved,
      appended: this.counter("appended"),
      acknowledged: this.counter("acknowledged") + deferred,
      quarantinedTotal: this.counter("quarantined"),
    };
  }

  /**
   * Closes the spool. A spool whose path no longer names its file is left open until the process
   * ends: closing would remove `<path>-wal`, which may by now belong to another process's spool.
   */
  close(): void {
    if (!this.#db.isOpen) return;
    if (this.identityLost()) return;
    if (this.#droppedUnsaved > 0) {
      try {
        this.#inTransaction(() => this.#bump("dropped", this.#droppedUnsaved));
        this.#droppedUnsaved = 0;
      } catch {
        // still unwritable: the count was logged; the spool's lifetime total misses it
      }
    }
    try {
      this.#db.close();
    } catch {
      // an unwritable disk: SQLite keeps its log for the next open
    }
    clearOwner(this.path);
  }

  /**
   * A spool of the first layout (readings without a destination or sequence number): its
   * readings are kept, under one "unknown destination" that no run ever sends to on its own;
   * `gateway spool` lists, exports or deletes them. Returns how many there were.
   */
  #migrate(): number {
    const cols = (this.#db.prepare("PRAGMA table_info(readings)").all() as { name: string }[])
      .map((c) => c.name);
    if (cols.length === 0 || cols.includes("dest")) return 0;
    this.#db.exec("ALTER TABLE readings RENAME TO readings_v1");
    this.#db.exec(TABLES);
    const dest = Number(
      this.#db.prepare("INSERT INTO destinations (key) VALUES (?)").run(LEGACY_KEY)
        .lastInsertRowid,
    );
    const moved = this.#db.prepare(
      `INSERT INTO readings (id, dest, device, seq, taken_ms, schema_fp, body)
       SELECT seq, ?, device, NULL, taken_ms, schema_fp, body FROM readings_v1`,
    ).run(dest).changes;
    this.#db.exec("DROP TABLE readings_v1");
    return Number(moved);
  }

  /**
   * The spool's id (made now for a new spool or one of an earlier layout), and the columns of
   * reading identity, added to a spool of an earlier layout with an id for each reading it holds
   * (time-ordered by when each was taken). Runs inside the opening transaction.
   */
  #identify(): string {
    for (const table of ["readings", "quarantine"]) {
      const cols = (this.#db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
        .map((c) => c.name);
      if (!cols.includes("reading_id")) {
        this.#db.exec(`ALTER TABLE ${table} ADD COLUMN reading_id TEXT`);
      }
      const missing = this.#db.prepare(
        `SELECT id, taken_ms FROM ${table} WHERE reading_id IS NULL ORDER BY id`,
      ).all() as { id: number; taken_ms: number }[];
      if (missing.length === 0) continue;
      let takenMs = 0;
      const next = uuidV7Generator({ now: () => takenMs });
      const set = this.#db.prepare(`UPDATE ${table} SET reading_id = ? WHERE id = ?`);
      for (const r of missing) {
        takenMs = Math.min(Math.max(0, Number(r.taken_ms)), 2 ** 48 - 1);
        set.run(next(), r.id);
      }
    }
    const row = this.#db.prepare("SELECT value FROM spool_meta WHERE name = 'spool_id'").get() as
      | { value: string }
      | undefined;
    if (row) return row.value;
    const id = newUuidV7();
    this.#db.prepare("INSERT INTO spool_meta (name, value) VALUES ('spool_id', ?)").run(id);
    return id;
  }

  #inTransaction<T>(fn: () => T): T {
    try {
      this.#reloadIfStale();
      this.#db.exec("BEGIN IMMEDIATE");
      this.#applyDeferredAcks();
      const out = fn();
      this.#db.exec("COMMIT");
      this.#pendingAcks.clear();
      return out;
    } catch (error) {
      this.#rollback();
      throw this.#failed(error);
    }
  }

  /**
   * Undoes a failed transaction. SQLite may have rolled it back already (a full disk does): an
   * explicit ROLLBACK then throws, so it is only issued while a transaction is open. The totals
   * kept in memory are read again from what the file holds.
   */
  #rollback(): void {
    try {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
    } catch {
      // rolled back by SQLite meanwhile
    }
    this.#stale = true;
    this.#reloadIfStale();
  }

  #reloadIfStale(): void {
    if (!this.#stale) return;
    try {
      this.#reloadTotals();
      this.#stale = false;
    } catch {
      // unreadable now: tried again before the next write
    }
  }

  /** Classifies a failed write and remembers it until a write succeeds. */
  #failed(error: unknown): SpoolWriteError {
    const failure = classifySpoolError(this.path, error);
    this.#countFailure(failure.kind);
    this.#failure = failure;
    if (failure.kind === "disk_full") this.#diskFree = freeBytes(this.path);
    return failure;
  }

  #countFailure(kind: SpoolFailureCause): void {
    this.#writeFailures.set(kind, (this.#writeFailures.get(kind) ?? 0) + 1);
  }

  /**
   * The most the spool may hold (in the bytes {@linkcode entryCost} counts) for the disk to keep
   * {@linkcode DISK_RESERVE_BYTES} free; room freed inside the file by deleted readings counts.
   * Infinite while the disk has room for the whole size limit.
   */
  #diskLimit(): { limit: number; free: number } {
    const free = freeBytes(this.path);
    if (!Number.isFinite(free) || free - DISK_RESERVE_BYTES >= this.#maxBytes - this.#bytes) {
      return { limit: Number.POSITIVE_INFINITY, free };
    }
    let inside = 0;
    try {
      const pages = this.#s.freelist.get() as { freelist_count: number };
      const size = this.#s.pageSize.get() as { page_size: number };
      inside = Number(pages.freelist_count) * Number(size.page_size);
    } catch {
      // unreadable: count no room inside
    }
    return { limit: this.#bytes + free - DISK_RESERVE_BYTES + inside, free };
  }

  /**
   * Creates a new spool at `path` (missing): built under a temporary name and renamed into place,
   * so a file at the path is always a whole spool. Side files a deleted spool left behind
   * (`-wal` of a process whose file was removed under it) are set aside first: they belong to
   * no file at this path, and SQLite would read them as this one's.
   */
  #create(path: string): void {
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    for (const side of SQLITE_SIDE_FILES) {
      if (!existsSync(path + side)) continue;
      const to = `${path}${side}.orphan-${stamp}`;
      try {
        Deno.renameSync(path + side, to);
        this.setAsideSideFiles.push(to);
      } catch (error) {
        throw openError(path, error);
      }
    }
    const tmp = `${path}.new-${Deno.pid}`;
    try {
      for (const f of [tmp, ...SQLITE_SIDE_FILES.map((side) => tmp + side)]) {
        if (existsSync(f)) Deno.removeSync(f);
      }
      const db = new DatabaseSync(tmp);
      try {
        db.exec("PRAGMA journal_mode = WAL");
        db.exec(TABLES);
      } finally {
        db.close();
      }
      Deno.renameSync(tmp, path);
    } catch (error) {
      try {
        if (existsSync(tmp)) Deno.removeSync(tmp);
      } catch {
        // left for the next start to remove
      }
      throw openError(path, error);
    }
  }

  #evictFor(cost: number, limit: number, budget: { budget: number }): number {
    let evicted = 0;
    for (
      const [select, remove, counts] of [
        [this.#s.oldest, this.#s.deleteOne, this.#entries],
        [this.#s.oldestQuarantined, this.#s.deleteQuarantinedOne, this.#quarantined],
      ] as const
    ) {
      while (this.#bytes + cost > limit && budget.budget > 0) {
        const batch = select.all(64) as { id: number; dest: number; cost: number }[];
        if (batch.length === 0) break;
        for (const r of batch) {
          if (this.#bytes + cost <= limit || budget.budget <= 0) break;
          remove.run(r.id);
          this.#bytes -= Number(r.cost) + ROW_OVERHEAD;
          budget.budget -= Number(r.cost) + ROW_OVERHEAD;
          counts.set(Number(r.dest), (counts.get(Number(r.dest)) ?? 0) - 1);
          evicted++;
        }
      }
    }
    return evicted;
  }

  /** Bumps a lifetime counter of the spool and, given `dest`, that destination's own. */
  #bump(name: string, by: number, dest?: number): void {
    if (by === 0) return;
    for (const key of dest === undefined ? [name] : [name, `${name}@${dest}`]) {
      const value = this.counter(key) + by;
      this.#s.setCounter.run(key, value);
      this.#counters.set(key, value);
    }
  }

  #reloadTotals(): void {
    this.#bytes = 0;
    this.#entries.clear();
    this.#quarantined.clear();
    this.#lastSeq.clear();
    this.#counters.clear();
    for (
      const [table, counts] of [["readings", this.#entries], [
        "quarantine",
        this.#quarantined,
      ]] as const
    ) {
      const rows = this.#db.prepare(
        `SELECT dest, count(*) AS n, coalesce(sum(length(body) + length(device)), 0) AS b FROM ${table} GROUP BY dest`,
      ).all() as { dest: number; n: number; b: number }[];
      for (const r of rows) {
        counts.set(Number(r.dest), Number(r.n));
        this.#bytes += Number(r.b) + Number(r.n) * ROW_OVERHEAD;
      }
    }
    for (const row of this.#db.prepare("SELECT name, value FROM counters").all()) {
      const r = row as { name: string; value: number };
      this.#counters.set(r.name, Number(r.value));
    }
  }
}

/** What makes an opened SQLite file no spool (another program's tables, or none); else undefined. */
function foreignContent(db: DatabaseSync): string | undefined {
  const tables = (db.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).all() as { name: string }[]).map((t) => t.name);
  if (tables.includes("readings")) return undefined;
  if (tables.length === 0) {
    return "is a SQLite database without a spool's tables (an empty database)";
  }
  return `is a SQLite database of something else (tables: ${tables.slice(0, 8).join(", ")})`;
}

/**
 * Why a spool cannot be opened: a damaged file is refused like a foreign one (set it aside); a
 * folder or file that cannot be written names the cause and may pass (a remount, a fixed mode).
 */
function openError(path: string, error: unknown): Error {
  if (error instanceof SpoolFileError || error instanceof SpoolInUseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/locked|busy/i.test(message)) return new SpoolInUseError(path, readOwnerPid(path));
  if (/malformed|not a database|corrupt/i.test(message)) {
    return new SpoolFileError(path, `is damaged (SQLite: ${message})`);
  }
  const failure = classifySpoolError(path, error);
  return new SpoolWriteError(path, failure.kind, `cannot be opened: ${failure.reason}`, {
    cause: error,
  });
}

function toEntry(r: Record<string, unknown>): SpoolEntry {
  return {
    id: Number(r.id),
    dest: Number(r.dest),
    device: r.device as string,
    seq: r.seq === null || r.seq === undefined ? null : Number(r.seq),
    readingId: String(r.reading_id),
    takenMs: Number(r.taken_ms),
    schemaFp: r.schema_fp as string,
    body: r.body as Uint8Array,
  };
}
