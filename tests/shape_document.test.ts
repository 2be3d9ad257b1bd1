import assert from "node:assert/strict";
import { Decimal128, Long } from "bson";
import { parseKcql } from "../src/sink/kcql/mod.ts";
import { shapeDocument, type ShapeInput } from "../src/sink/shape/mod.ts";

const AT = new Date("2024-05-01T12:00:00.000Z");

function record(): ShapeInput {
  return {
    value: {
      id: "r-1",
      tag: "B0:B4:48:C0:FF:EE",
      seq: 7,
      loc: { lat: 52.1, lon: 4.3, alt: 3 },
      reading: { temp: 21.5, unit: "C", at: AT },
      raw: new Uint8Array([1, 2]),
      dec: Decimal128.fromString("1.25"),
      maybe: null,
    },
    key: { mac: "B0:B4:48:C0:FF:EE", fw: "1.2" },
    headers: {
      trace: "abc-123",
      utf8: new TextEncoder().encode("héllo"),
      bin: new Uint8Array([0xff, 0xfe]),
    },
    topic: "sensortag",
    partition: 3,
    offset: "9007199254740993",
    timestamp: "1714564800000",
  };
}

function shape(kcql: string, input: ShapeInput = record()) {
  return shapeDocument(parseKcql(kcql).statements[0], input);
}

Deno.test("SELECT * keeps every value field, leaves shared as they are", () => {
  const input = record();
  const shaped = shape("INSERT INTO r SELECT * FROM t", input);
  assert.deepEqual(shaped, { document: input.value });
  const value = input.value as Record<string, unknown>;
  assert.equal(shaped.document.dec, value.dec);
  assert.equal(shaped.document.raw, value.raw);
});

Deno.test("listed fields, nested ones too, land at the top level under their last name or alias", () => {
  assert.deepEqual(
    shape("INSERT INTO r SELECT tag AS sensor, loc.lat, reading.temp AS celsius, maybe FROM t"),
    {
      document: { sensor: "B0:B4:48:C0:FF:EE", lat: 52.1, celsius: 21.5, maybe: null },
    },
  );
});

Deno.test("* mixed with listed fields writes both, the listed field under its alias", () => {
  const input = record();
  assert.deepEqual(shape("INSERT INTO r SELECT *, loc.lat AS latitude, seq AS n FROM t", input), {
    document: { ...(input.value as object), latitude: 52.1, n: 7 },
  });
});

Deno.test("IGNORE removes top-level and nested fields from *, without touching the record", () => {
  const input = record();
  const { raw: _raw, dec: _dec, ...rest } = input.value as Record<string, unknown>;
  assert.deepEqual(shape("INSERT INTO r SELECT * FROM t IGNORE raw, dec, loc.alt", input), {
    document: { ...rest, loc: { lat: 52.1, lon: 4.3 } },
  });
  assert.deepEqual((input.value as { loc: object }).loc, { lat: 52.1, lon: 4.3, alt: 3 });
});

Deno.test("IGNORE drops a listed field of that path and strips fields inside a listed sub-record", () => {
  assert.deepEqual(
    shape("INSERT INTO r SELECT seq, loc, reading.unit FROM t IGNORE reading.unit, loc.alt"),
    {
      document: { seq: 7, loc: { lat: 52.1, lon: 4.3 } },
    },
  );
});

Deno.test("UPSERT with one PK: _id is its value, the filter matches it, the PK field stays in the body", () => {
  assert.deepEqual(shape("UPSERT INTO r SELECT id, seq FROM t PK id"), {
    filter: { _id: "r-1" },
    document: { _id: "r-1", id: "r-1", seq: 7 },
  });
});

Deno.test("a PK need not be selected: it is read from the record before selection and IGNORE", () => {
  assert.deepEqual(shape("UPSERT INTO r SELECT seq FROM t IGNORE id PK id"), {
    filter: { _id: "r-1" },
    document: { _id: "r-1", seq: 7 },
  });
});

Deno.test("a composite PK, nested fields included, is an _id sub-document keyed by last names in KCQL order", () => {
  const shaped = shape("UPSERT INTO r SELECT seq FROM t PK tag, reading.unit, loc.lat");
  const id = { tag: "B0:B4:48:C0:FF:EE", unit: "C", lat: 52.1 };
  assert.deepEqual(shaped, { filter: { _id: id }, document: { _id: id, seq: 7 } });
  assert.deepEqual(Object.keys(shaped.filter!._id as object), ["tag", "unit", "lat"]);
});

Deno.test("the PK's _id replaces an _id the value carries", () => {
  const input = record();
  (input.value as Record<string, unknown>)._id = "from-value";
  assert.deepEqual(shape("UPSERT INTO r SELECT * FROM t PK seq", input).document._id, 7);
});

Deno.test("_key, _key.<f>, _header.<name> and _.topic/partition/offset/timestamp are written from the record", () => {
  assert.deepEqual(
    shape(
      "INSERT INTO r SELECT _key, _key.fw, _header.trace, _header.utf8, _header.bin, _.topic, _.partition, _.offset, _.timestamp FROM t",
    ),
    {
      document: {
        _key: { mac: "B0:B4:48:C0:FF:EE", fw: "1.2" },
        fw: "1.2",
        trace: "abc-123",
        utf8: "héllo",
        bin: new Uint8Array([0xff, 0xfe]),
        topic: "sensortag",
        partition: 3,
        offset: Long.fromString("9007199254740993"),
        timestamp: new Date(1714564800000),
      },
    },
  );
});

Deno.test("a header given several times is written as the list of its values", () => {
  const input = { ...record(), headers: { hop: ["a", new TextEncoder().encode("b")] } };
  assert.deepEqual(shape("INSERT INTO r SELECT _header.hop FROM t", input), {
    document: { hop: ["a", "b"] },
  });
});

Deno.test("a PK made of record metadata keys the document by topic, partition and offset", () => {
  const shaped = shape("UPSERT INTO r SELECT seq FROM t PK _.topic, _.partition, _.offset");
  const id = { topic: "sensortag", partition: 3, offset: Long.fromString("9007199254740993") };
  assert.deepEqual(shaped, { filter: { _id: id }, document: { _id: id, seq: 7 } });
});

Deno.test("a PK from the key: the whole key or one of its fields", () => {
  assert.deepEqual(shape("UPSERT INTO r SELECT seq FROM t PK _key.mac").filter, {
    _id: "B0:B4:48:C0:FF:EE",
  });
  const input = { ...record(), key: "device-9" };
  assert.deepEqual(shape("UPSERT INTO r SELECT seq FROM t PK _key", input), {
    filter: { _id: "device-9" },
    document: { _id: "device-9", seq: 7 },
  });
});

Deno.test("UPDATE gives the selected fields alone to $set, matched on the PK's _id", () => {
  assert.deepEqual(
    shape("UPDATE INTO devices SELECT reading.temp AS temp, seq FROM t PK _key.mac"),
    {
      filter: { _id: "B0:B4:48:C0:FF:EE" },
      document: { temp: 21.5, seq: 7 },
    },
  );
});

Deno.test("UPDATE with * sets every value field but never _id", () => {
  const input = record();
  (input.value as Record<string, unknown>)._id = "x";
  const shaped = shape(
    "UPDATE INTO r SELECT * FROM t IGNORE raw, dec, reading, loc, maybe PK id",
    input,
  );
  assert.deepEqual(shaped, {
    filter: { _id: "r-1" },
    document: { id: "r-1", tag: "B0:B4:48:C0:FF:EE", seq: 7 },
  });
});

Deno.test("INSERT leaves _id to MongoDB unless the SELECT list writes one", () => {
  assert.deepEqual(shape("INSERT INTO r SELECT seq FROM t PK id"), { document: { seq: 7 } });
  assert.deepEqual(shape("INSERT INTO r SELECT id AS _id, seq FROM t"), {
    document: { _id: "r-1", seq: 7 },
  });
});

Deno.test("a time-series document carries its date in the time field", () => {
  assert.deepEqual(
    shape(
      "INSERT INTO r SELECT _.timestamp AS time, tag, reading.temp FROM t PROPERTIES('timeseries.timeField'='time', 'timeseries.metaField'='tag')",
    ),
    { document: { time: new Date(1714564800000), tag: "B0:B4:48:C0:FF:EE", temp: 21.5 } },
  );
});

Deno.test("a value field named __proto__ is kept as an ordinary field", () => {
  const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
  const shaped = shape("INSERT INTO r SELECT * FROM t", { ...record(), value });
  assert.equal(Object.getPrototypeOf(shaped.document), Object.prototype);
  assert.deepEqual(Object.keys(shaped.document), ["__proto__", "a"]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("the record timestamp may come as a number, a bigint or a Date", () => {
  for (const timestamp of [1714564800000, 1714564800000n, new Date(1714564800000)]) {
    assert.deepEqual(
      shape("INSERT INTO r SELECT _.timestamp AS at FROM t", { ...record(), timestamp }),
      {
        document: { at: new Date(1714564800000) },
      },
    );
  }
});
