import assert from "node:assert/strict";
import { Double, Long } from "bson";
import { SinkValueDecoder } from "../src/sink/values/decode_value.ts";
import {
  convertJsonDatetimeFields,
  parseDatetimeFieldPaths,
} from "../src/sink/values/json_datetime_fields.ts";
import { parseOffsetDateTime } from "../src/sink/values/offset_date_time.ts";

Deno.test("the field list is comma-separated dotted paths, blanks dropped", () => {
  assert.deepEqual(parseDatetimeFieldPaths(" at , meta.when,, a.b.c "), [["at"], ["meta", "when"], [
    "a",
    "b",
    "c",
  ]]);
  assert.deepEqual(parseDatetimeFieldPaths(["x", " "]), [["x"]]);
});

Deno.test("listed fields holding epoch millis or ISO date-times with an offset become dates", () => {
  const doc = {
    at: Long.fromNumber(1_700_000_000_000),
    n: 1_700_000_000_001,
    iso: "2024-01-02T03:04:05Z",
    offset: "2024-01-02T05:04:05.123456+02:00",
    meta: { when: "2024-01-02T03:04Z" },
    other: Long.fromNumber(5),
  };
  convertJsonDatetimeFields(doc, parseDatetimeFieldPaths("at,n,iso,offset,meta.when"));
  assert.deepEqual(doc.at, new Date(1_700_000_000_000));
  assert.deepEqual(doc.n, new Date(1_700_000_000_001));
  assert.deepEqual(doc.iso, new Date("2024-01-02T03:04:05Z"));
  assert.deepEqual(doc.offset, new Date("2024-01-02T03:04:05.123Z"));
  assert.deepEqual(doc.meta.when, new Date("2024-01-02T03:04:00Z"));
  assert.ok(doc.other instanceof Long, "unlisted fields are left alone");
});

Deno.test("values the connector would not convert are left as they are", () => {
  const doc: Record<string, unknown> = {
    local: "2024-01-02T03:04:05", // no offset: OffsetDateTime.parse refuses it
    dateOnly: "2024-01-02",
    words: "yesterday",
    badDay: "2023-02-29T00:00Z",
    dbl: new Double(1.5e12),
    nested: { x: 1 },
    nul: null,
  };
  const before = { ...doc };
  convertJsonDatetimeFields(
    doc,
    parseDatetimeFieldPaths("local,dateOnly,words,badDay,dbl,nested,nul,missing"),
  );
  assert.deepEqual(doc, before);
  assert.equal("missing" in doc, false, "a missing field is not created");
});

Deno.test("a path through an array converts the field in every record of it", () => {
  const doc = {
    readings: [
      { ts: Long.fromNumber(1000), v: 1 },
      "not a record",
      { ts: "1970-01-01T00:00:02Z", v: 2 },
    ],
  };
  convertJsonDatetimeFields(doc, [["readings", "ts"]]);
  assert.deepEqual((doc.readings[0] as { ts: unknown }).ts, new Date(1000));
  assert.equal(doc.readings[1], "not a record");
  assert.deepEqual((doc.readings[2] as { ts: unknown }).ts, new Date(2000));
});

Deno.test("ISO offset date-times are parsed as Java's OffsetDateTime.parse does", () => {
  assert.equal(
    parseOffsetDateTime("2024-02-29T23:59:59.999Z"),
    Date.UTC(2024, 1, 29, 23, 59, 59, 999),
  );
  assert.equal(parseOffsetDateTime("2024-01-01t00:00-01:30"), Date.UTC(2024, 0, 1, 1, 30));
  // Year 99 is not 1999 (Date.UTC would make it so); proleptic Gregorian, as java.time.
  assert.equal(parseOffsetDateTime("0099-01-01T00:00Z"), -59_042_995_200_000);
  assert.equal(
    parseOffsetDateTime("2024-01-01T00:00:00+02:00:30"),
    Date.UTC(2023, 11, 31, 21, 59, 30),
  );
  for (
    const bad of [
      "2024-13-01T00:00Z",
      "2024-01-01T24:00Z",
      "2024-01-01T00:00:60Z",
      "2024-01-01 00:00Z",
      "2024-01-01T00:00+19:00",
    ]
  ) {
    assert.equal(parseOffsetDateTime(bad), undefined, bad);
  }
});

Deno.test("the decoder applies json_datetime_fields to JSON values", async () => {
  const d = new SinkValueDecoder({ jsonDatetimeFields: "at, meta.when" });
  const out = await d.decodeValue(
    new TextEncoder().encode(
      '{"at": 1700000000000, "meta": {"when": "2024-01-02T03:04:05Z"}, "rh": 40.5}',
    ),
  );
  assert.ok(out.kind === "record");
  assert.deepEqual(out.value.at, new Date(1_700_000_000_000));
  assert.deepEqual(
    (out.value.meta as Record<string, unknown>).when,
    new Date("2024-01-02T03:04:05Z"),
  );
  assert.ok(out.value.rh instanceof Double);
});
