import assert from "node:assert/strict";
import { parseKcql } from "../../src/sink/kcql/mod.ts";
import {
  MissingFieldError,
  PrimaryKeyError,
  shapeDocument,
  ShapeError,
  type ShapeInput,
  TimeFieldError,
} from "../../src/sink/shape/mod.ts";

function input(overrides: Partial<ShapeInput> = {}): ShapeInput {
  return {
    value: { id: "r-1", loc: { lat: 1 }, maybe: null, list: [1, 2], at: 5 },
    key: { mac: "m" },
    headers: { trace: "t" },
    topic: "t",
    partition: 0,
    offset: "1",
    timestamp: "0",
    ...overrides,
  };
}

function shape(kcql: string, rec: ShapeInput = input()) {
  return shapeDocument(parseKcql(kcql).statements[0], rec);
}

function missing(kcql: string, field: string, reason: RegExp, rec?: ShapeInput) {
  assert.throws(() => shape(kcql, rec), (e: unknown) => {
    assert.ok(e instanceof MissingFieldError, `${kcql}: ${e}`);
    assert.ok(e instanceof ShapeError);
    assert.equal(e.field, field);
    assert.match(e.message, reason);
    assert.ok(e.message.startsWith(`field '${field}' is missing: `), e.message);
    return true;
  });
}

Deno.test("a selected field the record lacks is a MissingFieldError naming the path and what is there", () => {
  missing(
    "INSERT INTO r SELECT nope FROM t",
    "nope",
    /the record value has no field 'nope' \(it has id, loc, maybe, list, at\)/,
  );
  missing(
    "INSERT INTO r SELECT loc.lon FROM t",
    "loc.lon",
    /'loc' has no field 'lon' \(it has lat\)/,
  );
  missing(
    "INSERT INTO r SELECT loc.lat.deg FROM t",
    "loc.lat.deg",
    /'loc\.lat' is a number, not a record/,
  );
  missing("INSERT INTO r SELECT list.x FROM t", "list.x", /'list' is an array, not a record/);
});

Deno.test("a field under a null parent is written as null, as the connector does", () => {
  assert.deepEqual(shape("INSERT INTO r SELECT maybe.deep.er FROM t"), { document: { er: null } });
});

Deno.test("key, header and PK fields the record lacks are MissingFieldErrors too", () => {
  missing(
    "INSERT INTO r SELECT _key.serial FROM t",
    "_key.serial",
    /the record key has no field 'serial' \(it has mac\)/,
  );
  missing(
    "INSERT INTO r SELECT _key.mac FROM t",
    "_key.mac",
    /the record key is null/,
    input({ key: null }),
  );
  missing(
    "INSERT INTO r SELECT _key.mac FROM t",
    "_key.mac",
    /the record key is a string, not a record/,
    input({ key: "k" }),
  );
  missing(
    "INSERT INTO r SELECT _header.span FROM t",
    "_header.span",
    /no header 'span' \(it has trace\)/,
  );
  missing(
    "UPSERT INTO r SELECT id FROM t PK serial",
    "serial",
    /the record value has no field 'serial'/,
  );
});

Deno.test("the whole key of a record without one is null", () => {
  assert.deepEqual(shape("INSERT INTO r SELECT _key FROM t", input({ key: null })), {
    document: { _key: null },
  });
});

Deno.test("a tombstone cannot be shaped: SELECT * and listed fields both say so", () => {
  assert.throws(
    () => shape("INSERT INTO r SELECT * FROM t", input({ value: null })),
    (e: unknown) => {
      assert.ok(e instanceof ShapeError && !(e instanceof MissingFieldError));
      assert.match(
        e.message,
        /SELECT \* needs the record value to be a record, but it is null \(a tombstone\)/,
      );
      return true;
    },
  );
  missing(
    "INSERT INTO r SELECT id FROM t",
    "id",
    /the record value is null \(a tombstone\)/,
    input({ value: null }),
  );
  assert.throws(
    () => shape("INSERT INTO r SELECT * FROM t", input({ value: "text" })),
    /but it is a string/,
  );
});

Deno.test("a null or array PK cannot make an _id", () => {
  assert.throws(() => shape("UPSERT INTO r SELECT id FROM t PK maybe"), (e: unknown) => {
    assert.ok(e instanceof PrimaryKeyError);
    assert.equal(e.message, "PK 'maybe' cannot make the _id: it is null");
    return true;
  });
  assert.throws(
    () => shape("UPDATE INTO r SELECT id FROM t PK id, list"),
    /PK 'list' cannot make the _id: it is an array, which MongoDB does not allow in _id/,
  );
  assert.throws(
    () => shape("UPSERT INTO r SELECT id FROM t PK _key", input({ key: null })),
    /PK '_key' cannot make the _id: it is null/,
  );
});

Deno.test("a time-series document whose time field is not a date is refused", () => {
  assert.throws(
    () => shape("INSERT INTO r SELECT at AS time FROM t PROPERTIES('timeseries.timeField'='time')"),
    (e: unknown) => {
      assert.ok(e instanceof TimeFieldError);
      assert.match(e.message, /^time-series field 'time' must hold a date, but it is a number/);
      return true;
    },
  );
  assert.throws(
    () => shape("INSERT INTO r SELECT * FROM t PROPERTIES('timeseries.timeField'='time')"),
    /time-series field 'time' is not in the document/,
  );
});

Deno.test("an offset or timestamp that is not a whole number is a ShapeError", () => {
  assert.throws(
    () => shape("INSERT INTO r SELECT _.offset FROM t", input({ offset: "12x" })),
    /offset '12x' is not a whole number/,
  );
  assert.throws(
    () => shape("INSERT INTO r SELECT _.timestamp FROM t", input({ timestamp: "soon" })),
    /timestamp 'soon' is not a time/,
  );
});
