/**
 * `connect.mongo.json_datetime_fields`: the listed fields of JSON values
 * become BSON dates, with the connector's semantics:
 * - a path is dotted (`a.b.c`); through an array, every record in it is
 *   visited (`readings.ts` converts `ts` in each reading);
 * - an integer (an int64 from JSON) is epoch milliseconds → Date;
 * - a string that Java's `OffsetDateTime.parse` accepts (offset or `Z`
 *   required) → Date; any other string is left as it is;
 * - anything else (a double, a record, null, a missing field) is left alone.
 */
import { Long } from "bson";
import { isPlainRecord } from "./records.ts";
import { parseOffsetDateTime } from "./offset_date_time.ts";

/** `"a, b.c"` or `["a", "b.c"]` → `[["a"], ["b", "c"]]`; empty entries are dropped. */
export function parseDatetimeFieldPaths(list: string | readonly string[]): string[][] {
  const entries = typeof list === "string" ? list.split(",") : list;
  return entries.map((e) => e.trim()).filter((e) => e !== "").map((e) => e.split("."));
}

const MAX_DATE_MS = 8.64e15;

function toDate(v: unknown): Date | undefined {
  let ms: number | undefined;
  if (v instanceof Long) ms = v.toNumber();
  else if (typeof v === "number" && Number.isInteger(v)) ms = v;
  else if (typeof v === "string") ms = parseOffsetDateTime(v);
  return ms !== undefined && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms) : undefined;
}

function visit(node: unknown, path: readonly string[], at: number): void {
  if (Array.isArray(node)) {
    for (const item of node) if (isPlainRecord(item)) visit(item, path, at);
    return;
  }
  if (!isPlainRecord(node) || !Object.hasOwn(node, path[at])) return;
  const name = path[at];
  if (at === path.length - 1) {
    const date = toDate(node[name]);
    if (date) node[name] = date;
  } else {
    visit(node[name], path, at + 1);
  }
}

/** Converts the listed fields of `doc` in place; returns `doc`. */
export function convertJsonDatetimeFields<T>(doc: T, paths: readonly (readonly string[])[]): T {
  for (const path of paths) if (path.length > 0) visit(doc, path, 0);
  return doc;
}
