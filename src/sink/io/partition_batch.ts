/**
 * One Kafka batch (one partition) through the sink, BATCH records at a time: prepare (decode,
 * shape) at most BATCH records, dead-letter those that cannot be written, write the rest as
 * one ordered bulk write, dead-letter what the store rejected under NOOP, and only then mark
 * the offset after the last settled record as committable. Memory is bounded by BATCH, not by
 * the size of the fetch. Plain functions over the small {@linkcode WriteTarget} and
 * {@linkcode DeadLetterSink} interfaces: no Kafka, no MongoDB here.
 *
 * Settling rules (what may be committed):
 * - a record is settled once it is written (acknowledged by the store, or already stored
 *   exactly), dead-lettered (acknowledged by Kafka), or skipped;
 * - the committable offset only ever covers a prefix of settled records: a record rejected under
 *   NOOP is dead-lettered before any offset past it is marked, also when the rest of its write is
 *   abandoned (stopping, partition lost);
 * - a write the error policy stops on, a configuration failure, or an abandoned write marks
 *   the prefix before the failed record and nothing after.
 */
import { Buffer } from "node:buffer";
import {
  SinkWriteError,
  WriteAbortedError,
  type WriteHooks,
  writeOrdered,
  type WritePolicy,
  type WriteTarget,
} from "./bulk_writer.ts";
import type { DeadLetter, DeadLetterSink } from "./dead_letters.ts";
import type { Disposition, IncomingRecord } from "../record/record.ts";
import type { WriteModel } from "../shape/write_models.ts";

export interface PreparedRecord {
  record: IncomingRecord;
  disposition: Disposition;
}

/** How long the dead letters of a write abandoned mid-way may still take. */
const LAST_LETTERS_MS = 5000;

/** What {@linkcode processRecords} needs from the sink around it. */
export interface BatchContext {
  /** Records per bulk write (the statement's BATCH). */
  batchSize: number;
  /** Decode and shape one record; throws for a failure that is not the record's fault. */
  prepare(record: IncomingRecord): Promise<Disposition>;
  collection: WriteTarget;
  deadLetters: DeadLetterSink;
  policy: WritePolicy;
  /** Aborts when the batch must be abandoned (stopping, partition lost). */
  signal: AbortSignal;
  /** Every record up to and including `offset` is settled: its next offset may be committed. */
  settled(offset: string): void;
  onUnavailable: WriteHooks["onUnavailable"];
  onRejected(record: IncomingRecord, error: unknown, retrying: boolean): void;
}

/** How a batch ended. */
export interface BatchOutcome {
  /** Documents the store acknowledged (or already held exactly). */
  written: number;
  /** Records dead-lettered. */
  deadLettered: number;
  /** Records settled without a write (tombstones under `--tombstones skip`). */
  skipped: number;
  /** The last settled offset, if any record was settled. */
  lastSettled?: string;
  /** `stopped`: the error policy or a configuration failure ends the sink (see `error`). */
  end: "done" | "abandoned" | "stopped";
  error?: SinkWriteError;
}

/** Runs `records` (one partition's, in order) through the sink, BATCH at a time. */
export async function processRecords(
  records: readonly IncomingRecord[],
  ctx: BatchContext,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { written: 0, deadLettered: 0, skipped: 0, end: "done" };
  const size = Math.max(1, ctx.batchSize);
  for (let from = 0; from < records.length; from += size) {
    if (ctx.signal.aborted) return { ...outcome, end: "abandoned" };
    const slice = records.slice(from, from + size);
    const prepared: PreparedRecord[] = [];
    for (const record of slice) {
      prepared.push({ record, disposition: await ctx.prepare(record) });
    }
    const step = await settleSlice(prepared, ctx);
    outcome.written += step.written;
    outcome.deadLettered += step.deadLettered;
    outcome.skipped += prepared.slice(0, step.settledCount)
      .filter((p) => p.disposition.kind === "skip").length;
    if (step.settledCount > 0) {
      outcome.lastSettled = prepared[step.settledCount - 1].record.offset;
      ctx.settled(outcome.lastSettled);
    }
    if (step.end !== "done") return { ...outcome, end: step.end, error: step.error };
  }
  return outcome;
}

interface SliceOutcome {
  /** Records of the slice, from its start, that are settled. */
  settledCount: number;
  written: number;
  deadLettered: number;
  end: BatchOutcome["end"];
  error?: SinkWriteError;
}

/** Dead letters, then one ordered write, then the rejected ones' dead letters: one BATCH. */
export async function settleSlice(
  prepared: readonly PreparedRecord[],
  ctx: Pick<
    BatchContext,
    "collection" | "deadLetters" | "policy" | "signal" | "onUnavailable" | "onRejected"
  >,
): Promise<SliceOutcome> {
  const poison = prepared.filter((p) => p.disposition.kind === "dead");
  try {
    await ctx.deadLetters.send(
      poison.map((p) => {
        const d = p.disposition as Extract<Disposition, { kind: "dead" }>;
        return toDeadLetter(p.record, d.reason, d.message, d.errorClass);
      }),
      ctx.signal,
    );
  } catch (error) {
    if (ctx.signal.aborted) {
      return { settledCount: 0, written: 0, deadLettered: 0, end: "abandoned" };
    }
    throw error;
  }
  // Positions (in `prepared`) of the records that are writes, in order.
  const positions: number[] = [];
  prepared.forEach((p, i) => p.disposition.kind === "write" && positions.push(i));
  const ops = positions.map((i) => (prepared[i].disposition as { op: WriteModel }).op);
  const result: SliceOutcome = {
    settledCount: prepared.length,
    written: 0,
    deadLettered: poison.length,
    end: "done",
  };
  if (ops.length === 0) return result;
  let rejected;
  try {
    const outcome = await writeOrdered(ctx.collection, ops, ctx.policy, {
      signal: ctx.signal,
      onUnavailable: ctx.onUnavailable,
      onRejected: (index, error, retrying) =>
        ctx.onRejected(prepared[positions[index]].record, error, retrying),
    });
    result.written = outcome.applied;
    rejected = outcome.rejected;
  } catch (error) {
    if (!(error instanceof SinkWriteError) && !(error instanceof WriteAbortedError)) throw error;
    // Settled: every record before the first write that did not complete.
    result.settledCount = positions[error.applied] ?? prepared.length;
    rejected = error.rejected.filter((r) => r.index < error.applied);
    result.written = error.applied - rejected.length;
    result.end = error instanceof SinkWriteError ? "stopped" : "abandoned";
    if (error instanceof SinkWriteError) result.error = error;
    // Poison letters after the failure were sent already: they come again on the replay.
  }
  if (rejected.length > 0) {
    // Abandoned (stopping, partition lost): the letters still get a short chance, so that what
    // was settled before the abandoned part can be committed.
    const signal = ctx.signal.aborted ? AbortSignal.timeout(LAST_LETTERS_MS) : ctx.signal;
    try {
      await ctx.deadLetters.send(
        rejected.map((r) =>
          toDeadLetter(
            prepared[positions[r.index]].record,
            "write-rejected",
            r.message,
            r.errorClass,
          )
        ),
        signal,
      );
      result.deadLettered += rejected.length;
    } catch (error) {
      if (!signal.aborted) throw error;
      // Not dead-lettered: nothing from the first rejected record on is settled.
      result.settledCount = Math.min(result.settledCount, positions[rejected[0].index]);
      result.end = result.end === "stopped" ? "stopped" : "abandoned";
    }
  }
  return result;
}

export function toDeadLetter(
  r: IncomingRecord,
  reason: string,
  message: string,
  errorClass?: string,
): DeadLetter {
  const buf = (
    b: Uint8Array | null,
  ) => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    key: buf(r.key),
    value: buf(r.value),
    headers: r.headers,
    timestamp: r.timestamp,
    reason,
    message,
    errorClass,
  };
}
