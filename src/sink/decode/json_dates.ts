/**
 * `connect.mongo.json_datetime_fields` / `--json-datetime-fields`: listed
 * (dotted) fields of JSON values become BSON dates. Numbers are epoch
 * milliseconds; strings are ISO-8601. A value that is neither is left as it is.
 */
export function convertJsonDates(
  value: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  for (const field of fields) {
    const path = field.split(".");
    let parent: Record<string, unknown> | undefined = value;
    for (const segment of path.slice(0, -1)) {
      const next: unknown = parent?.[segment];
      parent = next !== null && typeof next === "object" && !Array.isArray(next)
        ? next as Record<string, unknown>
        : undefined;
    }
    const last = path[path.length - 1];
    if (!parent || !(last in parent)) continue;
    const v = parent[last];
    if (typeof v === "number" && Number.isFinite(v)) parent[last] = new Date(v);
    else if (typeof v === "string" && !Number.isNaN(Date.parse(v))) parent[last] = new Date(v);
  }
  return value;
}
