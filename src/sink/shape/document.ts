/**
 * A record as the document its KCQL statement writes, following the
 * connector: `*` copies the value's fields; a listed field (nested or not)
 * lands at the top level under its alias; `a.b.*` (and `_key.*`, `_header.*`)
 * copies the fields of that record, named fields winning; IGNORE removes
 * value fields; the PK is read from the whole record, before selection, and
 * becomes `_id` (one PK) or an `_id` sub-document keyed by each PK's last
 * name (several), while the PK fields stay in the body. A struct or map PK is a PrimaryKeyError, as the
 * connector throws for it.
 */
import type { KcqlPlan, SelectedField } from "../kcql/plan_types.ts";
import { isPrefix, refText } from "../kcql/fields.ts";
import { PrimaryKeyError, ShapeError, TimeFieldError } from "./errors.ts";
import { headerRecord, resolveField, type ShapeInput } from "./resolve.ts";
import { describeValue, isRecord } from "./values.ts";

export interface ShapedDocument {
  /** `{ _id }` for UPSERT and UPDATE; absent for INSERT. */
  filter?: { _id: unknown };
  /** INSERT: the new document; UPSERT: the replacement (with `_id`); UPDATE: the fields to `$set`. */
  document: Record<string, unknown>;
}

export function shapeDocument(plan: KcqlPlan, input: ShapeInput): ShapedDocument {
  if (isCopyAll(plan) && isRecord(input.value)) return copyAll(plan, input, input.value);
  // A Map, turned into an object at the end, keeps a field called "__proto__" an ordinary field.
  const out = new Map<string, unknown>();
  // Which `*` or `….*` wrote a name: two of them writing one name is an error for the record.
  const spreadBy = new Map<string, string>();
  // Fields named in the SELECT list win over the same name from a `….*`.
  const named = new Set(plan.fields.filter((f) => !f.spread).map((f) => f.alias));
  if (plan.selectAll) {
    if (!isRecord(input.value)) {
      throw new ShapeError(
        `SELECT * needs the record value to be a record, but it is ${describeValue(input.value)}${
          input.value === null ? " (a tombstone)" : ""
        }`,
      );
    }
    for (const [name, v] of Object.entries(input.value)) {
      const kept = withoutIgnored(v, [name], plan.ignored);
      if (kept === DROPPED) continue;
      out.set(name, kept);
      spreadBy.set(name, "*");
    }
  }
  for (const field of plan.fields) {
    if (field.spread) {
      spreadInto(out, spreadBy, named, field, input, plan.ignored);
      continue;
    }
    const v = resolveField(field, input);
    const kept = field.kind === "value" ? withoutIgnored(v, field.path, plan.ignored) : v;
    if (kept !== DROPPED) out.set(field.alias, kept);
  }
  if (plan.timeseries) {
    const name = plan.timeseries.timeField;
    const t = out.get(name);
    if (!out.has(name)) {
      throw new TimeFieldError(
        name,
        "is not in the document: every document of a time-series collection needs it",
      );
    }
    if (!(t instanceof Date) || Number.isNaN(t.getTime())) {
      throw new TimeFieldError(
        name,
        `must hold a date, but it is ${
          describeValue(t)
        } (select _.timestamp, or a timestamp-millis field, as '${name}')`,
      );
    }
  }
  if (plan.writeMode === "insert") return { document: Object.fromEntries(out) };

  const _id = idOf(plan, input);
  out.delete("_id");
  const body = Object.fromEntries(out);
  return {
    filter: { _id },
    document: plan.writeMode === "upsert" ? { _id, ...body } : body,
  };
}

/** `SELECT *` alone: no other field, no IGNORE, no time series. */
function isCopyAll(plan: KcqlPlan): boolean {
  return plan.selectAll && plan.fields.length === 0 && plan.ignored.length === 0 &&
    !plan.timeseries;
}

/**
 * The document of a {@linkcode isCopyAll} statement: the value's fields as they are. The same
 * result as the general path without its Map and its bookkeeping of which spread wrote a name,
 * which topped a V8 profile of the sink on a 100k-record Avro backlog (with the two fast paths
 * in run_sink.ts, the sink's CPU for that backlog fell from about 10 s to 8 s, 2026-12-01).
 * Object spread defines own properties, so a field called "__proto__" stays ordinary here too.
 */
function copyAll(
  plan: KcqlPlan,
  input: ShapeInput,
  value: Record<string, unknown>,
): ShapedDocument {
  if (plan.writeMode === "insert") return { document: { ...value } };
  const _id = idOf(plan, input);
  const { _id: _dropped, ...body } = value;
  return { filter: { _id }, document: plan.writeMode === "upsert" ? { _id, ...body } : body };
}

const DROPPED = Symbol("dropped");

/** `a.b.*`, `_key.*`, `_header.*`: the fields of the record at the field's path, at the top level. */
function spreadInto(
  out: Map<string, unknown>,
  spreadBy: Map<string, string>,
  named: ReadonlySet<string>,
  field: SelectedField,
  input: ShapeInput,
  ignored: readonly string[][],
): void {
  const text = `${refText(field)}.*`;
  const found = resolveField(field, input);
  // `_header.h.*`: the fields of header h's JSON object.
  const parent = field.kind === "header" && field.path.length === 1
    ? (headerRecord(found) ?? found)
    : found;
  // A null sub-record (an optional record that is not set) has no fields to write.
  if (parent === null) return;
  if (!isRecord(parent)) {
    throw new ShapeError(
      `'${text}' writes the fields of '${refText(field)}', but it is ${
        describeValue(parent)
      }, not a record`,
    );
  }
  for (const [name, v] of Object.entries(parent)) {
    if (named.has(name)) continue;
    const kept = field.kind === "value" ? withoutIgnored(v, [...field.path, name], ignored) : v;
    if (kept === DROPPED) continue;
    const earlier = spreadBy.get(name);
    if (earlier !== undefined) {
      throw new ShapeError(
        `field '${name}' is written by both '${earlier}' and '${text}': select it by name (with AS) to say which`,
      );
    }
    spreadBy.set(name, text);
    out.set(name, kept);
  }
}

/** `v`, found at `path` in the value, without the IGNOREd paths at or under it. */
function withoutIgnored(
  v: unknown,
  path: readonly string[],
  ignored: readonly string[][],
): unknown {
  const inside: string[][] = [];
  for (const p of ignored) {
    if (p.length === path.length && isPrefix(p, path)) return DROPPED;
    if (p.length > path.length && isPrefix(path, p)) inside.push(p.slice(path.length));
  }
  return inside.length === 0 ? v : strip(v, inside);
}

function strip(v: unknown, paths: string[][]): unknown {
  if (!isRecord(v)) return v;
  const copy = new Map<string, unknown>();
  for (const [name, child] of Object.entries(v)) {
    const under = paths.filter((p) => p[0] === name);
    if (under.some((p) => p.length === 1)) continue;
    copy.set(name, under.length ? strip(child, under.map((p) => p.slice(1))) : child);
  }
  return Object.fromEntries(copy);
}

function idOf(plan: KcqlPlan, input: ShapeInput): unknown {
  if (plan.primaryKeys.length === 0) {
    throw new ShapeError(
      `${plan.writeMode.toUpperCase()} into '${plan.target}' has no PK to make the _id`,
    );
  }
  const parts = new Map<string, unknown>();
  for (const pk of plan.primaryKeys) {
    const v = resolveField(pk, input);
    if (v === null || v === undefined) throw new PrimaryKeyError(refText(pk), "it is null");
    if (Array.isArray(v)) {
      throw new PrimaryKeyError(refText(pk), "it is an array, which MongoDB does not allow in _id");
    }
    if (v instanceof RegExp) throw new PrimaryKeyError(refText(pk), "it is a regular expression");
    if (isRecord(v)) {
      // As the connector: "Schema.Type.STRUCT / MAP is not supported" for a key.
      throw new PrimaryKeyError(
        refText(pk),
        "it is a struct or a map (a sub-document); a PK must be a single value such as a string, a number or a date, as in the connector",
      );
    }
    parts.set(pk.name, v);
  }
  return plan.primaryKeys.length === 1
    ? parts.get(plan.primaryKeys[0].name)
    : Object.fromEntries(parts);
}
