/**
 * The sink's record logic behind `RecordPipeline`: decode the value (and
 * key), shape the document the topic's KCQL statement asks for, and turn it
 * into a bulk-write operation — or into a dead letter with a reason when the
 * record cannot be written (undecodable, unknown schema, missing field, an
 * unexpected tombstone, ...).
 */
import type { Document } from "bson";
import { type KcqlPlan, planForTopic } from "../kcql/plan.ts";
import { shapeDocument } from "../shape/document.ts";
import { ShapeError } from "../shape/errors.ts";
import { writeModelFor } from "../shape/write_models.ts";
import { planReadsKey } from "../values/key_use.ts";
import { checkRecordSize, DEFAULT_MAX_RECORD_BYTES } from "../values/record_size.ts";
import type { DecodedValue } from "../values/decode_value.ts";
import type { TombstonePolicy } from "../policies.ts";
import { coordinatesId, idStrategyOf } from "./id_strategy.ts";
import type { Disposition, IncomingRecord } from "./record.ts";
import type { CollectionTarget, RecordPipeline, TimeSeriesCollection } from "./record_pipeline.ts";

export interface ValueDecoder {
  /** Throws an error carrying a `reason` code for a poison value. */
  decodeValue(value: Uint8Array | null, topic: string): Promise<DecodedValue>;
  /** The key as a value the document may carry (`_key`): a record, a string or bytes. */
  decodeKey(key: Uint8Array | null, topic: string): Promise<unknown>;
}

export class KcqlPipeline implements RecordPipeline {
  constructor(
    private readonly plans: readonly KcqlPlan[],
    private readonly decoder: ValueDecoder,
    private readonly tombstones: TombstonePolicy,
    /** Larger records (key + value + headers) are poison before any decoding. */
    private readonly maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
  ) {
    for (const plan of plans) {
      if (idStrategyOf(plan) === "kafka-coordinates" && plan.writeMode !== "insert") {
        throw new Error(
          `'id.strategy'='kafka-coordinates' is for INSERT: the ${plan.writeMode.toUpperCase()} ` +
            `into '${plan.target}' takes its _id from its PK`,
        );
      }
    }
  }

  targetOf(topic: string): CollectionTarget {
    const plan = this.#plan(topic);
    return { collection: plan.target, batchSize: plan.batchSize };
  }

  async prepare(record: IncomingRecord): Promise<Disposition> {
    const plan = this.#plan(record.topic);
    let decoded: DecodedValue;
    let key: unknown;
    try {
      checkRecordSize(record, this.maxRecordBytes);
      decoded = await this.decoder.decodeValue(record.value, record.topic);
      // The key is decoded only when the statement reads it.
      key = planReadsKey(plan) ? await this.decoder.decodeKey(record.key, record.topic) : null;
    } catch (error) {
      // A poison value is dead-lettered; anything else (the registry down) is
      // retried by the consumer, with nothing committed.
      if (typeof (error as { reason?: unknown })?.reason === "string") {
        return dead(error, "undecodable");
      }
      throw error;
    }
    const input = {
      value: decoded.kind === "record" ? decoded.value : null,
      key,
      headers: record.headers,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
    };
    if (decoded.kind === "tombstone") {
      if (this.tombstones === "skip") return { kind: "skip" };
      if (this.tombstones === "delete" && plan.primaryKeys.length > 0) {
        // A tombstone deletes the document its key names: the PK must come from the key.
        try {
          const shaped = shapeDocument({ ...plan, selectAll: false, fields: [] }, input);
          if (shaped.filter) {
            return {
              kind: "write",
              op: { deleteOne: { filter: { _id: shaped.filter._id } as Document } },
            };
          }
        } catch (error) {
          return dead(error, "tombstone");
        }
      }
      return {
        kind: "dead",
        reason: "tombstone",
        message:
          `a tombstone (null value) at offset ${record.offset}, and --tombstones is ${this.tombstones}` +
          (this.tombstones === "delete"
            ? " but the statement's PK cannot be read from the key"
            : ""),
        errorClass: "Tombstone",
      };
    }
    try {
      const op = writeModelFor(plan, shapeDocument(plan, input));
      if ("insertOne" in op && idStrategyOf(plan) === "kafka-coordinates") {
        const { _id: _ignored, ...rest } = op.insertOne.document;
        op.insertOne.document = {
          _id: coordinatesId(record.topic, record.partition, record.offset),
          ...rest,
        } as Document;
      }
      return { kind: "write", op };
    } catch (error) {
      if (error instanceof ShapeError) {
        return dead(error, error.name === "MissingFieldError" ? "missing-field" : "unshapeable");
      }
      throw error;
    }
  }

  timeSeriesCollections(): TimeSeriesCollection[] {
    return this.plans.flatMap((plan) =>
      plan.timeseries ? [{ collection: plan.target, timeseries: plan.timeseries }] : []
    );
  }

  #plan(topic: string): KcqlPlan {
    const plan = planForTopic(this.plans, topic);
    if (!plan) throw new Error(`no KCQL statement reads topic ${topic}`);
    return plan;
  }
}

function dead(error: unknown, fallback: string): Disposition {
  const e = error as { reason?: unknown; message?: string; name?: string };
  return {
    kind: "dead",
    reason: typeof e?.reason === "string" ? e.reason : fallback,
    message: e?.message ?? String(error),
    errorClass: e?.name,
  };
}
