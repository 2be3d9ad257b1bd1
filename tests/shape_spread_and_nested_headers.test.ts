import assert from "node:assert/strict";
import { Long } from "bson";
import { parseKcql } from "../src/sink/kcql/mod.ts";
import {
  MissingFieldError,
  PrimaryKeyError,
  shapeDocument,
  ShapeError,
  type ShapeInput,
} from "../src/sink/shape/mod.ts";

function record(overrides: Partial<ShapeInput> = {}): ShapeInput {
  return {
    value: {
      name: "margherita",
      calories: 800,
      base: { flour: "00", water: 0.6, salt: { grams: 3, kind: "sea" } },
      ingredients: [{ name: "tomato", sugar: 3 }],
      none: null,
    },
    key: { shop: "north", till: 4 },
    headers: { trace: "t-1", ctx: '{"user": "ada", "tier": {"level": 2}}', plain: "text" },
    topic: "pizza",
    partition: 0,
    offset: "5",
    timestamp: "0",
    ...overrides,
  };
}

function shape(kcql: string, rec: ShapeInput = record()) {
  return shapeDocument(parseKcql(kcql).statements[0], rec);
}

Deno.test("a.b.* writes every field of the sub-record a.b at the top level, IGNORE applying inside", () => {
  assert.deepEqual(shape("INSERT INTO r SELECT name, base.* FROM t IGNORE base.salt.kind"), {
    document: { name: "margherita", flour: "00", water: 0.6, salt: { grams: 3 } },
  });
  assert.deepEqual(shape("INSERT INTO r SELECT base.salt.* FROM t"), {
    document: { grams: 3, kind: "sea" },
  });
  assert.deepEqual(shape("INSERT INTO r SELECT base.* FROM t IGNORE base.water"), {
    document: { flour: "00", salt: { grams: 3, kind: "sea" } },
  });
});

Deno.test("a field named in the SELECT list wins over the same name from a.*", () => {
  assert.deepEqual(shape("INSERT INTO r SELECT base.*, name AS flour FROM t"), {
    document: { water: 0.6, salt: { grams: 3, kind: "sea" }, flour: "margherita" },
  });
});

Deno.test("two spreads writing one name send the record to the dead letters, saying which", () => {
  const rec = record({ value: { a: { x: 1 }, b: { x: 2 } } });
  assert.throws(
    () => shape("INSERT INTO r SELECT a.*, b.* FROM t", rec),
    (e: unknown) =>
      e instanceof ShapeError && /field 'x' is written by both 'a\.\*' and 'b\.\*'/.test(e.message),
  );
  assert.throws(
    () => shape("INSERT INTO r SELECT *, base.* FROM t", record({ value: { base: { base: 1 } } })),
    /field 'base' is written by both '\*' and 'base\.\*'/,
  );
});

Deno.test("ingredients.* of an array, or of a missing field, cannot be shaped; of null writes nothing", () => {
  assert.throws(
    () => shape("INSERT INTO r SELECT name, ingredients.* FROM t"),
    (e: unknown) =>
      e instanceof ShapeError &&
      /'ingredients\.\*' .* it is an array, not a record/.test(e.message),
  );
  assert.throws(() => shape("INSERT INTO r SELECT nope.* FROM t"), MissingFieldError);
  assert.deepEqual(shape("INSERT INTO r SELECT name, none.* FROM t"), {
    document: { name: "margherita" },
  });
});

Deno.test("_key.* and _.key.* write the fields of the key; a key that is not a record cannot", () => {
  const expected = { document: { shop: "north", till: 4, name: "margherita" } };
  assert.deepEqual(shape("INSERT INTO r SELECT _key.*, name FROM t"), expected);
  assert.deepEqual(shape("INSERT INTO r SELECT _.key.*, name FROM t"), expected);
  assert.throws(
    () => shape("INSERT INTO r SELECT _key.* FROM t", record({ key: "k-1" })),
    /'_key\.\*' writes the fields of '_key', but it is a string, not a record/,
  );
  assert.deepEqual(shape("INSERT INTO r SELECT _key.*, name FROM t", record({ key: null })), {
    document: { name: "margherita" },
  });
});

Deno.test("_header.p.c is field c of header p's JSON object; _header.* every header", () => {
  assert.deepEqual(
    shape("INSERT INTO r SELECT _header.ctx.user, _header.ctx.tier.level AS lvl FROM t"),
    // Numbers in a JSON header keep what they were written as, like JSON values (int64 here).
    { document: { user: "ada", lvl: Long.fromNumber(2) } },
  );
  const all = shape("INSERT INTO r SELECT _header.* FROM t").document;
  assert.deepEqual(Object.keys(all), ["trace", "ctx", "plain"]);
  assert.equal(all.trace, "t-1");
  assert.throws(
    () => shape("INSERT INTO r SELECT _header.plain.c FROM t"),
    (e: unknown) =>
      e instanceof MissingFieldError && e.field === "_header.plain.c" &&
      /header 'plain' is text, not a JSON object/.test(e.message),
  );
  assert.throws(
    () => shape("INSERT INTO r SELECT _header.ctx.nope FROM t"),
    /field '_header\.ctx\.nope' is missing: header 'ctx' has no field 'nope'/,
  );
  assert.deepEqual(
    shape("INSERT INTO r SELECT _header.ctx.* FROM t").document,
    { user: "ada", tier: { level: Long.fromNumber(2) } },
  );
});

Deno.test("a PK whose value is a struct or a map is a PrimaryKeyError, as the connector throws", () => {
  for (
    const [kcql, field] of [
      ["UPSERT INTO r SELECT name FROM t PK base", "base"],
      ["UPSERT INTO r SELECT name FROM t PK name, base.salt", "base.salt"],
      ["UPDATE INTO r SELECT name FROM t PK _key", "_key"],
    ]
  ) {
    assert.throws(
      () => shape(kcql),
      (e: unknown) =>
        e instanceof PrimaryKeyError && e.field === field && e.reason === "bad-pk" &&
        /it is a struct or a map/.test(e.message),
      kcql,
    );
  }
  // A map decoded from Avro or JSON is a plain object too.
  assert.throws(
    () => shape("UPSERT INTO r SELECT * FROM t PK m", record({ value: { m: { a: "1" } } })),
    PrimaryKeyError,
  );
  assert.deepEqual(shape("UPSERT INTO r SELECT name FROM t PK base.salt.grams").filter, { _id: 3 });
});
