/**
 * TI's 16-bit "exp2 float": 12-bit mantissa (bits 0-11), 4-bit exponent
 * (bits 12-15), value = mantissa * 2^exponent. The OPT3001 result register
 * has this layout (LSB 0.01 lux), and the CC2650 early firmware (0.89)
 * sent the BMP280 readings in it too (LSB 0.01 °C / 0.01 hPa).
 */

export const EXP2_MANTISSA_MAX = 0x0fff;

/** mantissa * 2^exponent, in raw units (multiply by the LSB). */
export function exp2FloatDecode(word: number): number {
  const mantissa = word & 0x0fff;
  const exponent = (word >> 12) & 0x0f;
  return mantissa * 2 ** exponent;
}

/**
 * Encodes a non-negative raw value (in LSB units) the way an auto-ranging
 * chip does: the smallest exponent whose mantissa still fits in 12 bits,
 * which keeps the finest resolution. Values above the largest range
 * saturate at the full-scale mantissa of `maxExponent`.
 */
export function exp2FloatEncode(raw: number, maxExponent = 15): number {
  const v = Math.max(0, raw);
  for (let e = 0; e <= maxExponent; e++) {
    const m = Math.round(v / 2 ** e);
    if (m <= EXP2_MANTISSA_MAX) return (e << 12) | m;
  }
  return (maxExponent << 12) | EXP2_MANTISSA_MAX;
}
