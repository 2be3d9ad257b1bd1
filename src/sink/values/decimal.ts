/** Exact decimals for BSON: Avro's and Kafka Connect's unscaled two's-complement integers → Decimal128. */
import { Decimal128 } from "bson";

/** The most significant digits a Decimal128 holds. */
export const DECIMAL128_DIGITS = 34;

/** Thrown when a decimal cannot be stored exactly as a Decimal128. */
export class DecimalRangeError extends RangeError {
  override name = "DecimalRangeError";
}

/** The big-endian two's-complement integer in `bytes` (empty → 0). */
export function unscaledFromBytes(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (bytes.length > 0 && (bytes[0] & 0x80) !== 0) n -= 1n << BigInt(bytes.length * 8);
  return n;
}

/** `unscaled × 10^-scale` as an exact Decimal128; more than 34 significant digits is an error. */
export function decimal128FromUnscaled(unscaled: bigint, scale: number): Decimal128 {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const significant = digits.replace(/0+$/, "").length || 1;
  if (significant > DECIMAL128_DIGITS) {
    throw new DecimalRangeError(
      `a decimal of ${significant} significant digits does not fit a Decimal128 (${DECIMAL128_DIGITS} digits)`,
    );
  }
  // Scientific notation keeps the exponent exact without padding digits.
  const text = `${negative ? "-" : ""}${digits}E${-scale}`;
  return Decimal128.fromString(text);
}

/** The Avro / Connect decimal encoding: big-endian two's-complement unscaled bytes and a scale. */
export function decimal128FromBytes(bytes: Uint8Array, scale: number): Decimal128 {
  return decimal128FromUnscaled(unscaledFromBytes(bytes), scale);
}
