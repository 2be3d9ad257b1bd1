/**
 * ISO-8601 date-times with an offset, as Java's `OffsetDateTime.parse`
 * (`DateTimeFormatter.ISO_OFFSET_DATE_TIME`) accepts them: the connector's
 * `connect.mongo.json_datetime_fields` converts exactly these strings.
 * `2024-05-01T12:00Z`, `2024-05-01T12:00:00.123456789+02:00`; no offset, no
 * conversion. Letters are case-insensitive, fields are range-checked.
 */

const PATTERN =
  /^([+-]\d{4,9}|\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}(?::\d{2})?)$/i;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Milliseconds since the epoch (fractions past the millisecond are dropped), or undefined when `text` is not one. */
export function parseOffsetDateTime(text: string): number | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetSeconds = 0;
  if (offset.toUpperCase() !== "Z") {
    const [oh, om, os = "0"] = offset.slice(1).split(":");
    if (Number(oh) > 18 || Number(om) > 59 || Number(os) > 59) return undefined;
    offsetSeconds = (offset[0] === "-" ? -1 : 1) *
      (Number(oh) * 3600 + Number(om) * 60 + Number(os));
    if (Math.abs(offsetSeconds) > 18 * 3600) return undefined;
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(
    hour,
    minute,
    second,
    fraction ? Number(fraction.padEnd(9, "0").slice(0, 3)) : 0,
  );
  const ms = date.getTime() - offsetSeconds * 1000;
  return Number.isFinite(ms) ? ms : undefined;
}
