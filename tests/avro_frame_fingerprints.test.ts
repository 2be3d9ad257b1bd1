import assert from "node:assert/strict";
import { crc64Avro } from "../src/avro/crc64_avro.ts";
import { ConfluentFrameError, frameConfluent, parseConfluentFrame } from "../src/avro/confluent_frame.ts";
import { canonicalForm, fingerprint64, frameSingleObject, parseSingleObject } from "../src/avro/single_object.ts";

// CRC-64-AVRO fingerprints of primitive schemas as published with the Avro
// specification's test data (share/test/data/schema-tests.txt), as signed longs.
const PUBLISHED: [string, bigint][] = [
  ['"null"', 7195948357588979594n],
  ['"boolean"', -6970731678124411036n],
  ['"int"', 8247732601305521295n],
  ['"long"', -3434872931120570953n],
  ['"float"', 5583340709985441680n],
  ['"double"', -8181574048448539266n],
  ['"bytes"', 5746618253357095269n],
  ['"string"', -8142146995180207161n],
];

Deno.test("CRC-64-AVRO of primitive schemas matches the published fingerprints", () => {
  for (const [schema, expected] of PUBLISHED) {
    const fp = BigInt.asIntN(64, crc64Avro(new TextEncoder().encode(canonicalForm(schema))));
    assert.equal(fp, expected, `fingerprint of ${schema}`);
  }
});

Deno.test("the canonical form drops docs and defaults and keeps full names", () => {
  const form = canonicalForm({
    type: "record",
    name: "R",
    namespace: "a.b",
    doc: "ignored",
    fields: [{ name: "x", type: "int", default: 3, doc: "also ignored" }],
  });
  assert.equal(form, '{"name":"a.b.R","type":"record","fields":[{"name":"x","type":"int"}]}');
});

Deno.test("single-object framing round-trips and carries the little-endian fingerprint", () => {
  const fp = fingerprint64('"int"');
  const expected = new Uint8Array(8);
  new DataView(expected.buffer).setBigInt64(0, 8247732601305521295n, true);
  assert.deepEqual(fp, expected);
  const framed = frameSingleObject(fp, Uint8Array.of(0x54));
  assert.deepEqual(Array.from(framed.subarray(0, 2)), [0xc3, 0x01]);
  const parsed = parseSingleObject(framed);
  assert.deepEqual(parsed.fingerprint, fp);
  assert.deepEqual(Array.from(parsed.body), [0x54]);
  assert.throws(() => parseSingleObject(Uint8Array.of(0xc3, 0x02, 1, 2, 3, 4, 5, 6, 7, 8)), /marker c3 01, found c3 02/);
  assert.throws(() => parseSingleObject(Uint8Array.of(0xc3, 0x01)), /at least 10 bytes, got 2/);
});

Deno.test("Confluent framing round-trips and rejects bad headers precisely", () => {
  const framed = frameConfluent(258, Uint8Array.of(9, 8));
  assert.deepEqual(Array.from(framed), [0, 0, 0, 1, 2, 9, 8]);
  assert.deepEqual(parseConfluentFrame(framed).schemaId, 258);
  assert.throws(() => parseConfluentFrame(new Uint8Array()), ConfluentFrameError);
  assert.throws(() => parseConfluentFrame(Uint8Array.of(7, 0, 0, 0, 1)), /found 0x07/);
  assert.throws(() => parseConfluentFrame(Uint8Array.of(0, 0, 1)), /shorter than the 5-byte/);
});
