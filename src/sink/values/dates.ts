/**
 * Dates for BSON and the text forms the Stream Reactor MongoDB connector
 * writes when it stores Kafka Connect dates as strings: timestamps and dates
 * as `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` (UTC), times of day as `HH:mm:ss.SSSZ`
 * (its JVM's zone, UTC on a UTC host: `+0000`).
 */

export const MS_PER_DAY = 86_400_000;
/** The range of a JS Date (and so of what the driver can write as a BSON date). */
const MAX_DATE_MS = 8.64e15;

/** Thrown when a number is outside what a date can hold. */
export class DateRangeError extends RangeError {
  override name = "DateRangeError";
}

/** A Date for `ms` since the epoch; a value outside the Date range is an error, never an Invalid Date. */
export function dateFromMillis(ms: number, what: string): Date {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) {
    throw new DateRangeError(`${what} ${ms} is outside the range of a date (±8.64e15 ms)`);
  }
  return new Date(ms);
}

/** Whole milliseconds of an epoch count in `unitsPerMs` units, rounded towards minus infinity. */
export function millisFrom(value: number | bigint, unitsPerMs: number): number {
  if (unitsPerMs === 1) return Number(value);
  if (typeof value === "bigint") {
    const d = BigInt(unitsPerMs);
    let q = value / d;
    if (value % d !== 0n && value < 0n) q -= 1n;
    return Number(q);
  }
  return Math.floor(value / unitsPerMs);
}

/** The connector's timestamp text: `2024-05-01T12:00:00.000Z`. */
export function connectorTimestampText(date: Date): string {
  return date.toISOString();
}

/** The connector's time-of-day text: `13:45:10.123+0000`. */
export function connectorTimeText(msOfDay: number): string {
  const iso = new Date(((msOfDay % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY).toISOString();
  return `${iso.slice(11, 23)}+0000`;
}
