import assert from "node:assert/strict";
import { Binary, Decimal128, Double, Long } from "bson";
import { Buffer } from "node:buffer";
import { SinkValueDecoder } from "../src/sink/values/decode_value.ts";
import { PoisonRecordError } from "../src/sink/values/poison.ts";
import { canon } from "./_support/bson.ts";

const enc = (s: string) => new TextEncoder().encode(s);

async function json(text: string, d = new SinkValueDecoder()) {
  const out = await d.decodeValue(enc(text));
  assert.ok(out.kind === "record");
  return out;
}

Deno.test("plain JSON keeps what each number was written as", async () => {
  const out = await json(
    ' \n{"i": 7, "f": 1.0, "e": 1e3, "big": 9223372036854775807, "huge": 123456789012345678901234, ' +
      '"s": "x", "b": false, "n": null, "a": [1, 2.5], "o": {"k": -3}}',
  );
  assert.equal(out.format, "json");
  assert.equal(
    canon(out.value),
    canon({
      i: Long.fromNumber(7),
      f: new Double(1),
      e: new Double(1000),
      big: Long.fromString("9223372036854775807"),
      huge: Decimal128.fromString("123456789012345678901234"),
      s: "x",
      b: false,
      n: null,
      a: [Long.fromNumber(1), new Double(2.5)],
      o: { k: Long.fromNumber(-3) },
    }),
  );
});

Deno.test("a JSON field named __proto__ is kept as a field", async () => {
  const out = await json('{"__proto__": {"x": 1}, "y": 2}');
  assert.equal(Object.getPrototypeOf(out.value), Object.prototype);
  assert.deepEqual(Object.keys(out.value), ["__proto__", "y"]);
});

Deno.test("Kafka Connect's schema envelope gives its payload, typed by the schema", async () => {
  const envelope = {
    schema: {
      type: "struct",
      name: "reading",
      fields: [
        { field: "i8", type: "int8" },
        { field: "i32", type: "int32" },
        { field: "i64", type: "int64" },
        { field: "f", type: "float" },
        { field: "d", type: "double" },
        { field: "s", type: "string" },
        { field: "b", type: "boolean" },
        { field: "raw", type: "bytes" },
        { field: "opt", type: "string", optional: true },
        { field: "dflt", type: "int32", optional: true, default: 5 },
        { field: "arr", type: "array", items: { type: "int64" } },
        { field: "m", type: "map", keys: { type: "string" }, values: { type: "double" } },
        { field: "im", type: "map", keys: { type: "int32" }, values: { type: "string" } },
        {
          field: "sub",
          type: "struct",
          fields: [{ field: "z", type: "int16" }],
        },
      ],
    },
    payload: {
      i8: 1,
      i32: 70000,
      i64: 5,
      f: 1,
      d: 2.5,
      s: "x",
      b: true,
      raw: Buffer.from([1, 2, 3]).toString("base64"),
      opt: null,
      dflt: null,
      arr: [1, 2],
      m: { a: 1 },
      im: [[1, "one"], [2, "two"]],
      sub: { z: -2 },
      extra: "not in the schema",
    },
  };
  const out = await json(JSON.stringify(envelope));
  assert.equal(out.format, "connect-json");
  assert.equal(
    canon(out.value),
    canon({
      i8: 1,
      i32: 70000,
      i64: Long.fromNumber(5),
      f: new Double(1),
      d: new Double(2.5),
      s: "x",
      b: true,
      raw: new Binary(Uint8Array.of(1, 2, 3)),
      opt: null,
      dflt: 5,
      arr: [Long.fromNumber(1), Long.fromNumber(2)],
      m: { a: new Double(1) },
      im: [[1, "one"], [2, "two"]],
      sub: { z: -2 },
    }),
  );
});

Deno.test("Connect's logical types in the envelope become dates, times and decimals", async () => {
  const schema = {
    type: "struct",
    fields: [
      { field: "ts", type: "int64", name: "org.apache.kafka.connect.data.Timestamp" },
      { field: "day", type: "int32", name: "org.apache.kafka.connect.data.Date" },
      { field: "t", type: "int32", name: "org.apache.kafka.connect.data.Time" },
      {
        field: "price",
        type: "bytes",
        name: "org.apache.kafka.connect.data.Decimal",
        parameters: { scale: "2" },
      },
      {
        field: "numeric",
        type: "bytes",
        name: "org.apache.kafka.connect.data.Decimal",
        parameters: { scale: "2" },
      },
    ],
  };
  const payload = {
    ts: 1_700_000_000_123,
    day: 19_000,
    t: 49_510_123,
    price: Buffer.from([0xfb, 0x2e]).toString("base64"), // -1234 → -12.34
    numeric: 12.3,
  };
  const text = JSON.stringify({ schema, payload });
  const asDates = await json(text);
  assert.equal(
    canon(asDates.value),
    canon({
      ts: new Date(1_700_000_000_123),
      day: new Date(19_000 * 86_400_000),
      t: 49_510_123,
      price: Decimal128.fromString("-12.34"),
      numeric: Decimal128.fromString("12.30"),
    }),
  );
  const asText = await json(text, new SinkValueDecoder({ datesAs: "string" }));
  assert.equal(asText.value.ts, "2023-11-14T22:13:20.123Z");
  assert.equal(asText.value.day, "2022-01-08T00:00:00.000Z");
  assert.equal(asText.value.t, "13:45:10.123+0000");
});

Deno.test("an envelope with a null schema gives its payload as plain JSON", async () => {
  const out = await json('{"schema": null, "payload": {"a": 1}}');
  assert.equal(out.format, "connect-json");
  assert.equal(canon(out.value), canon({ a: Long.fromNumber(1) }));
});

Deno.test("an object that merely has schema and payload among other fields is plain JSON", async () => {
  const out = await json('{"schema": {"type": "struct"}, "payload": {}, "other": 1}');
  assert.equal(out.format, "json");
  assert.deepEqual(Object.keys(out.value), ["schema", "payload", "other"]);
});

Deno.test("a payload that does not match its schema is bad-connect-json, naming the field", async () => {
  const cases: [unknown, RegExp][] = [
    [
      { type: "struct", fields: [{ field: "n", type: "int32" }] },
      /payload field 'n': is null but the schema says it is required/,
    ],
    [
      { type: "struct", fields: [{ field: "s", type: "string" }] },
      /payload field 's': expected a string/,
    ],
    [
      { type: "struct", fields: [{ field: "x", type: "int64" }] },
      /payload field 'x': expected an int64/,
    ],
  ];
  const payloads = [{}, { s: 5 }, { x: 1.5 }];
  for (let i = 0; i < cases.length; i++) {
    const [schema, message] = cases[i];
    await assert.rejects(
      new SinkValueDecoder().decodeValue(enc(JSON.stringify({ schema, payload: payloads[i] }))),
      (e: unknown) => {
        assert.ok(e instanceof PoisonRecordError);
        assert.equal(e.reason, "bad-connect-json");
        assert.match(e.message, message);
        return true;
      },
    );
  }
});

Deno.test("with nulls omit, null JSON fields are left out", async () => {
  const out = await json('{"a": null, "b": 1}', new SinkValueDecoder({ nulls: "omit" }));
  // Plain JSON is kept as written; omission applies to values read with a schema.
  assert.deepEqual(Object.keys(out.value), ["a", "b"]);
  const typed = await json(
    JSON.stringify({
      schema: {
        type: "struct",
        fields: [{ field: "a", type: "string", optional: true }, { field: "b", type: "int32" }],
      },
      payload: { a: null, b: 1 },
    }),
    new SinkValueDecoder({ nulls: "omit" }),
  );
  assert.deepEqual(typed.value, { b: 1 });
});
