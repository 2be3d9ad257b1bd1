/**
 * avsc logical types that decode Avro logical values straight to their BSON
 * form: timestamp-millis/micros, local-timestamp-* and date → Date (or the
 * ISO-8601 text the connector writes, with `datesAs: "string"`), decimal →
 * Decimal128 (exact, from the unscaled two's-complement integer), uuid → UUID,
 * time-millis → Int32, time-micros → Int64.
 */
import avsc from "avsc";
import { Buffer } from "node:buffer";
import { Decimal128, Int32, Long, UUID } from "mongodb";
import type { BsonOptions } from "./avro_to_bson.ts";
import { decimalFromBytes } from "./avro_to_bson.ts";

const MS_PER_DAY = 86_400_000;

type Attrs = Record<string, unknown>;

function toNumber(v: unknown): number {
  return typeof v === "bigint" ? Number(v) : (v as number);
}

export type LogicalTypeMap = Record<string, new (schema: avsc.Schema, opts?: unknown) => avsc.types.LogicalType>;

export function bsonLogicalTypes(options: BsonOptions): LogicalTypeMap {
  const date = (ms: number) => (options.datesAs === "string" ? new Date(ms).toISOString() : new Date(ms));

  class TimestampMillis extends avsc.types.LogicalType {
    override _fromValue(v: unknown) {
      return date(toNumber(v));
    }
    override _toValue(v: unknown) {
      return v instanceof Date ? v.getTime() : v;
    }
  }
  class TimestampMicros extends avsc.types.LogicalType {
    override _fromValue(v: unknown) {
      return date(Math.floor(toNumber(v) / 1000));
    }
    override _toValue(v: unknown) {
      return v instanceof Date ? v.getTime() * 1000 : v;
    }
  }
  class DateType extends avsc.types.LogicalType {
    override _fromValue(v: unknown) {
      const ms = toNumber(v) * MS_PER_DAY;
      return options.datesAs === "string" ? new Date(ms).toISOString().slice(0, 10) : new Date(ms);
    }
    override _toValue(v: unknown) {
      return v instanceof Date ? Math.floor(v.getTime() / MS_PER_DAY) : v;
    }
  }
  class TimeMillis extends avsc.types.LogicalType {
    override _fromValue(v: unknown) {
      return new Int32(toNumber(v));
    }
    override _toValue(v: unknown) {
      return v instanceof Int32 ? v.value : v;
    }
  }
  class TimeMicros extends avsc.types.LogicalType {
    override _fromValue(v: unknown) {
      return Long.fromNumber(toNumber(v));
    }
    override _toValue(v: unknown) {
      return v instanceof Long ? v.toNumber() : v;
    }
  }
  class DecimalType extends avsc.types.LogicalType {
    readonly scale: number;
    constructor(attrs: Attrs, opts?: unknown) {
      super(attrs as never, opts as never);
      this.scale = typeof attrs.scale === "number" ? attrs.scale : 0;
    }
    override _fromValue(v: unknown) {
      return decimalFromBytes(new Uint8Array(v as Buffer), this.scale);
    }
    override _toValue(v: unknown) {
      return v instanceof Decimal128 ? undefined : v;
    }
  }
  class UuidType extends avsc.types.LogicalType {
    override _fromValue(v: unknown) {
      try {
        return new UUID(v as string);
      } catch {
        return v; // not a canonical UUID string: keep the text
      }
    }
    override _toValue(v: unknown) {
      return v instanceof UUID ? v.toHexString() : v;
    }
  }
  return {
    "timestamp-millis": TimestampMillis,
    "local-timestamp-millis": TimestampMillis,
    "timestamp-micros": TimestampMicros,
    "local-timestamp-micros": TimestampMicros,
    "date": DateType,
    "time-millis": TimeMillis,
    "time-micros": TimeMicros,
    "decimal": DecimalType,
    "uuid": UuidType,
  } as never;
}
