/** What a decoded value is: a record to look into, or a leaf to copy as is. */

/**
 * A record (a plain JS object). Anything else, including arrays, Date and the
 * BSON classes (Long, Decimal128, Binary, …), is a leaf.
 */
export function isRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A value named in a message: its type, not its content. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "absent";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Date) return "a date";
  if (v instanceof Uint8Array) return "bytes";
  if (typeof v === "object") {
    const name = Object.getPrototypeOf(v)?.constructor?.name;
    return isRecord(v) ? "a record" : `a ${name ?? "object"}`;
  }
  return `a ${typeof v}`;
}

/** Field names of a record for a message, shortened past `max`. */
export function listNames(record: Record<string, unknown>, max = 20): string {
  const names = Object.keys(record);
  if (names.length === 0) return "no fields";
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown}, … (${names.length} fields)` : shown;
}
