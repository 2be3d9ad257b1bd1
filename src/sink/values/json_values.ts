/**
 * JSON record values → BSON-ready values, keeping what a number was written
 * as: an integer literal becomes BSON int64 (`Long`, exact to 2^63, as the
 * connector stores JSON integers), a literal with a fraction or exponent
 * becomes a double (`Double`: `1.0` stays a double), and an integer literal
 * past int64 becomes an exact `Decimal128` (a `Double` past 34 digits).
 */
import { Decimal128, Double, Long } from "bson";

const INTEGER = /^-?\d+$/;
const MIN_LONG = -(1n << 63n);
const MAX_LONG = (1n << 63n) - 1n;

function number(value: number, source: string | undefined): unknown {
  const integral = source === undefined ? Number.isInteger(value) : INTEGER.test(source);
  if (!integral) return new Double(value);
  if (source === undefined) return Long.fromNumber(value);
  const n = BigInt(source);
  if (n >= MIN_LONG && n <= MAX_LONG) return Long.fromBigInt(n);
  const digits = source.replace(/^-/, "").replace(/0+$/, "").length;
  return digits <= 34 ? Decimal128.fromString(source) : new Double(value);
}

function reviver(this: unknown, _key: string, value: unknown, context?: { source?: string }) {
  return typeof value === "number" ? number(value, context?.source) : value;
}

/** Parses JSON text; a syntax error is thrown as JSON.parse throws it. */
export function parseJsonForBson(text: string): unknown {
  return JSON.parse(text, reviver);
}

/** A number of any of the kinds `parseJsonForBson` makes, or a JS number, as a JS number. */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Double) return v.valueOf();
  if (v instanceof Decimal128) return Number(v.toString());
  return undefined;
}

/** The value as a BigInt when it is an integer of one of those kinds. */
export function integerValue(v: unknown): bigint | undefined {
  if (v instanceof Long) return v.toBigInt();
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (v instanceof Double && Number.isInteger(v.valueOf())) return BigInt(v.valueOf());
  return undefined;
}
