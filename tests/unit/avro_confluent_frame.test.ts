import assert from "node:assert/strict";
import {
  ConfluentFrameError,
  frameConfluent,
  parseConfluentFrame,
} from "../../src/avro/confluent_frame.ts";

Deno.test("Confluent framing writes magic 0, the big-endian id, then the body, and parses back", () => {
  const framed = frameConfluent(0x01020304, Uint8Array.of(9, 8, 7));
  assert.deepEqual(Array.from(framed), [0, 1, 2, 3, 4, 9, 8, 7]);
  const parsed = parseConfluentFrame(framed);
  assert.equal(parsed.schemaId, 0x01020304);
  assert.deepEqual(Array.from(parsed.body), [9, 8, 7]);
});

Deno.test("Confluent framing round-trips the largest id and an empty body", () => {
  const parsed = parseConfluentFrame(frameConfluent(0xffffffff, new Uint8Array()));
  assert.equal(parsed.schemaId, 0xffffffff);
  assert.equal(parsed.body.length, 0);
});

Deno.test("parsing a Confluent frame works on a view into a larger buffer", () => {
  const backing = Uint8Array.of(0xaa, 0xbb, 0, 0, 0, 0, 42, 5);
  const parsed = parseConfluentFrame(backing.subarray(2));
  assert.equal(parsed.schemaId, 42);
  assert.deepEqual(Array.from(parsed.body), [5]);
});

Deno.test("an empty value is refused as having no header", () => {
  assert.throws(() => parseConfluentFrame(new Uint8Array()), (e: unknown) => {
    assert.ok(e instanceof ConfluentFrameError);
    assert.match(e.message, /empty value/);
    return true;
  });
});

Deno.test("a wrong magic byte is refused, naming the byte found", () => {
  assert.throws(() => parseConfluentFrame(Uint8Array.of(0x7b, 0, 0, 0, 1)), /found 0x7b/);
  assert.throws(() => parseConfluentFrame(Uint8Array.of(0xc3, 0x01)), /expected 0x00, found 0xc3/);
});

Deno.test("a value shorter than the 5-byte header is refused with its length", () => {
  assert.throws(
    () => parseConfluentFrame(Uint8Array.of(0, 0, 1)),
    /3 bytes is shorter than the 5-byte/,
  );
});

Deno.test("schema ids outside 32 bits unsigned cannot be framed", () => {
  assert.throws(() => frameConfluent(-1, new Uint8Array()), RangeError);
  assert.throws(() => frameConfluent(2 ** 32, new Uint8Array()), RangeError);
  assert.throws(() => frameConfluent(1.5, new Uint8Array()), RangeError);
});
