/**
 * Encodes readings with the writer schema and writes them to the spool, for this run's
 * destination. Readings that arrive in the same turn of the event loop share one durable
 * transaction (group commit), so 100 tags cost one fsync, not 100. Each reading gets its
 * `reading_id` (UUIDv7) when it is taken, here, and is encoded once, in that same transaction,
 * with the sequence number the spool gives its device and the spool's id. Whether it fits the
 * schema is checked when it is taken (no encoding): a reading the schema refuses uses no `seq`.
 *
 * A spool that cannot be written is a state, not a crash: a full disk follows `--spool-full`
 * (drop-oldest frees room by dropping the oldest readings, drop-newest drops the new ones); what
 * cannot be written at all (disk full with nothing older to drop, read-only, I/O errors) is held
 * in memory, at most {@linkcode MAX_HELD_READINGS} readings, and written again once a second;
 * beyond the bound the policy drops readings. Every drop is counted. Each episode is said once,
 * with the path, and its end too. A spool that stays unwritable (not full) for `giveUpAfterMs`
 * ends the run through `onFatal`.
 */
import type { NewEntry, OverflowPolicy, Spool } from "../spool/spool.ts";
import { classifySpoolError, type SpoolWriteError } from "../spool/spool_failure.ts";
import { type Reading, readingToRecord } from "../avro/reading_record.ts";
import { checkRecord, encodeCheckedRecord, type WriterSchema } from "../avro/writer_schema.ts";
import { newUuidV7 } from "../util/uuid_v7.ts";
import type { Logger } from "../util/log.ts";
import { LogEpisodes } from "../util/log_episodes.ts";
import { GiveUpClock } from "../util/retry.ts";

/**
 * Readings held in memory while the spool cannot take them: 5,000 (a few MiB; 50 s of 100 tags
 * at one reading a second). Beyond it, `--spool-full` drops the oldest or the newest.
 */
export const MAX_HELD_READINGS = 5000;
/** Most readings in one spool transaction when writing held readings back. */
const WRITE_CHUNK = 500;
/** How long to wait before writing held readings again. */
const RETRY_MS = 1000;

/** This run's counters. */
export interface SpoolerStats {
  /** Readings the tags delivered. */
  taken: number;
  /** Readings written to the spool. */
  spooled: number;
  /** Readings the Avro schema refused. */
  rejected: number;
  /** Readings taken but not written yet: held in memory while the spool cannot take them. */
  held: number;
}

export interface SpoolerOptions {
  policy: OverflowPolicy;
  /** A spool unwritable (for another reason than a full disk) this long ends the run; 0: never. */
  giveUpAfterMs?: number;
  /** The spool stayed unwritable past `giveUpAfterMs`. */
  onFatal?: (error: Error) => void;
  /** Most readings held in memory (default {@linkcode MAX_HELD_READINGS}). */
  maxHeld?: number;
}

export class Spooler {
  #pending: NewEntry[] = [];
  #held: NewEntry[] = [];
  #scheduled = false;
  #retryTimer?: ReturnType<typeof setTimeout>;
  #retryAt = 0;
  #stats = { taken: 0, spooled: 0, rejected: 0 };
  #schemaKept = false;
  /** The spool's problem (undefined: none): one episode, said when it starts and ends. */
  #said?: string;
  #episodes = new LogEpisodes(Infinity);
  #droppedMeanwhile = 0;
  /** Runs while the spool cannot be written for another reason than a full disk. */
  #giveUp: GiveUpClock;
  #closed = false;
  #options: Required<SpoolerOptions>;

  constructor(
    private readonly spool: Spool,
    private readonly dest: number,
    private readonly schema: WriterSchema,
    private readonly log: Logger,
    private readonly onSpooled: () => void,
    options: SpoolerOptions = { policy: "drop-oldest" },
  ) {
    this.#options = {
      giveUpAfterMs: 0,
      onFatal: () => {},
      maxHeld: MAX_HELD_READINGS,
      ...options,
    };
    this.#giveUp = new GiveUpClock(this.#options.giveUpAfterMs);
  }

  get stats(): SpoolerStats {
    return { ...this.#stats, held: this.#held.length + this.#pending.length };
  }

  accept(reading: Reading): void {
    this.#stats.taken++;
    const readingId = newUuidV7();
    // Placeholders of the right types for what the spool fills in: checking is not encoding.
    const record = readingToRecord(reading, 1, { readingId, spoolId: readingId });
    try {
      checkRecord(this.schema, record);
    } catch (error) {
      this.#stats.rejected++;
      this.log.error("reading rejected by the Avro schema", {
        tag: reading.address,
        error: (error as Error).message,
      });
      return;
    }
    this.#pending.push({
      device: reading.address,
      takenMs: reading.time,
      schemaFp: this.schema.fingerprintHex,
      readingId,
      encode: (seq, identity) => {
        record.seq = seq;
        record.spool_id = identity.spoolId;
        return encodeCheckedRecord(this.schema, record);
      },
    });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setTimeout(() => this.flush(), 0);
    }
  }

  /**
   * Writes everything accepted so far to disk; while the spool cannot take readings, holds them
   * (bounded) until the next attempt, a second after the last one. `force` tries at once.
   */
  flush(force = false): void {
    this.#scheduled = false;
    if (this.#pending.length === 0 && this.#held.length === 0) return;
    if (!force && Date.now() < this.#retryAt) {
      this.#hold(this.#pending.splice(0));
      return;
    }
    const batch = this.#held.concat(this.#pending);
    this.#held = [];
    this.#pending = [];
    const unwritten: NewEntry[] = [];
    const droppedBefore = this.spool.stats().dropped;
    let failure: SpoolWriteError | undefined;
    // Held readings go back in bounded transactions: one huge one would need more room than a
    // disk that just got some back may have.
    for (let at = 0; at < batch.length; at += WRITE_CHUNK) {
      const chunk = batch.slice(at, at + WRITE_CHUNK);
      if (failure) {
        this.#unwritable(failure, chunk, unwritten);
        continue;
      }
      try {
        if (!this.#schemaKept) {
          this.spool.rememberSchema(this.schema.fingerprintHex, this.schema.text);
          this.#schemaKept = true;
        }
        this.#stats.spooled += this.spool.append(this.dest, chunk, (e) => unwritten.push(e));
      } catch (error) {
        failure = classifySpoolError(this.spool.path, error);
        this.#unwritable(failure, chunk, unwritten);
      }
    }
    this.#droppedMeanwhile += this.spool.stats().dropped - droppedBefore;
    this.#hold(unwritten);
    this.#report(failure);
    if (unwritten.length > 0 || failure) this.#retryLater();
    else this.#retryAt = 0;
    if (!failure) this.onSpooled();
  }

  /**
   * The run ends: one last attempt to write what is held; what still cannot be written is
   * dropped, counted and said. Nothing is accepted after.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.flush(true);
    clearTimeout(this.#retryTimer);
    const left = this.#held.length + this.#pending.length;
    if (left > 0) {
      this.spool.countDropped(left);
      this.#held = [];
      this.#pending = [];
      this.log.error(`spool ${this.spool.path}: readings held in memory are dropped at exit`, {
        dropped: left,
        cause: this.spool.problem() ?? "unwritable",
      });
    }
  }

  /** Readings a failed write could not take: dropped (drop-newest on a full disk) or held. */
  #unwritable(failure: SpoolWriteError, entries: NewEntry[], held: NewEntry[]): void {
    if (failure.kind === "disk_full" && this.#options.policy === "drop-newest") {
      this.spool.countDropped(entries.length);
    } else held.push(...entries);
  }

  /** Keeps readings in memory, at most `maxHeld`; beyond, the policy drops (and counts) some. */
  #hold(entries: NewEntry[]): void {
    if (entries.length === 0) return;
    this.#held.push(...entries);
    const over = this.#held.length - this.#options.maxHeld;
    if (over <= 0) return;
    if (this.#options.policy === "drop-oldest") this.#held.splice(0, over);
    else this.#held.splice(this.#held.length - over, over);
    this.spool.countDropped(over);
    this.#droppedMeanwhile += over;
  }

  #retryLater(): void {
    this.#retryAt = Date.now() + RETRY_MS;
    if (this.#closed) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.flush(), RETRY_MS);
  }

  /** Says a new problem once, its end once, and gives up on a spool that stays unwritable. */
  #report(failure: SpoolWriteError | undefined): void {
    const problem = this.spool.problem();
    const path = this.spool.path;
    if (problem !== this.#said) {
      const end = this.#said === undefined ? undefined : this.#episodes.recovered(this.#said);
      if (end) {
        this.log.info(`spool ${path}: writable again`, {
          was: end.cause,
          seconds: Math.round(end.forMs / 1000),
          droppedMeanwhile: this.#droppedMeanwhile,
          held: this.#held.length,
        });
      }
      if (problem !== undefined && this.#episodes.failed(problem)) {
        this.#droppedMeanwhile = 0;
        const what = problem === "disk full"
          ? `disk full (${this.spool.diskFree} bytes free)`
          : failure?.reason ?? problem;
        this.log.error(`spool ${path}: ${what}`, {
          policy: this.#options.policy,
          held: this.#held.length,
          hint: problem === "disk full"
            ? "readings are dropped (--spool-full) or held in memory until space returns"
            : "readings are held in memory and written again each second",
        });
      }
      this.#said = problem;
    }
    // A full disk is a state the policy handles, not a failure: it resets the clock as a
    // successful write does.
    if (!failure || failure.kind === "disk_full") {
      this.#giveUp.reset();
      return;
    }
    const up = this.#giveUp.failed(failure, `spool ${path}: ${failure.reason}`);
    if (up) this.#options.onFatal(up);
  }
}
