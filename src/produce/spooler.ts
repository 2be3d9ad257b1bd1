/**
 * Encodes readings with the writer schema and writes them to the spool, for this run's
 * destination. Readings that arrive in the same turn of the event loop share one durable
 * transaction (group commit), so 100 tags cost one fsync, not 100. Each reading gets its
 * `reading_id` (UUIDv7) when it is taken, here, and is encoded once, in that same transaction,
 * with the sequence number the spool gives its device and the spool's id. Whether it fits the
 * schema is checked when it is taken (no encoding): a reading the schema refuses uses no `seq`.
 */
import type { NewEntry, Spool } from "../spool/spool.ts";
import { type Reading, readingToRecord } from "../avro/reading_record.ts";
import { checkRecord, encodeCheckedRecord, type WriterSchema } from "../avro/writer_schema.ts";
import { newUuidV7 } from "../util/uuid_v7.ts";
import type { Logger } from "../util/log.ts";

/** This run's counters. */
export interface SpoolerStats {
  /** Readings the tags delivered. */
  taken: number;
  /** Readings written to the spool. */
  spooled: number;
  /** Readings the Avro schema refused. */
  rejected: number;
}

export class Spooler {
  #pending: NewEntry[] = [];
  #scheduled = false;
  #stats: SpoolerStats = { taken: 0, spooled: 0, rejected: 0 };

  constructor(
    private readonly spool: Spool,
    private readonly dest: number,
    private readonly schema: WriterSchema,
    private readonly log: Logger,
    private readonly onSpooled: () => void,
  ) {
    spool.rememberSchema(schema.fingerprintHex, schema.text);
  }

  get stats(): SpoolerStats {
    return { ...this.#stats };
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

  /** Writes everything accepted so far to disk. */
  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    try {
      this.#stats.spooled += this.spool.append(this.dest, batch);
    } catch (error) {
      // Disk full or unwritable: keep the readings in memory and try again soon.
      this.#pending = batch.concat(this.#pending);
      this.log.error("cannot write to the spool; retrying in 1 s", {
        spool: this.spool.path,
        waiting: this.#pending.length,
        error: (error as Error).message,
      });
      this.#scheduled = true;
      setTimeout(() => this.flush(), 1000);
      return;
    }
    this.onSpooled();
  }
}
