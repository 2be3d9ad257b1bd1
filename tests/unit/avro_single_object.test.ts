import assert from "node:assert/strict";
import {
  fingerprint64,
  fingerprintHex,
  frameSingleObject,
  isSingleObject,
  parseSingleObject,
  SingleObjectFrameError,
} from "../../src/avro/single_object.ts";

Deno.test("single-object framing writes C3 01, the fingerprint and the body, and parses back", () => {
  const fp = fingerprint64('"int"');
  const framed = frameSingleObject(fp, Uint8Array.of(0x54));
  assert.deepEqual(
    Array.from(framed),
    [0xc3, 0x01, 0x8f, 0x5c, 0x39, 0x3f, 0x1a, 0xd5, 0x75, 0x72, 0x54],
  );
  assert.ok(isSingleObject(framed));
  const parsed = parseSingleObject(framed);
  assert.deepEqual(parsed.fingerprint, fp);
  assert.deepEqual(Array.from(parsed.body), [0x54]);
  assert.equal(fingerprintHex(parsed.fingerprint), "8f5c393f1ad57572");
});

Deno.test("a wrong single-object marker is refused, naming the bytes found", () => {
  const bad = Uint8Array.of(0xc3, 0x02, 1, 2, 3, 4, 5, 6, 7, 8);
  assert.equal(isSingleObject(bad), false);
  assert.throws(() => parseSingleObject(bad), (e: unknown) => {
    assert.ok(e instanceof SingleObjectFrameError);
    assert.match(e.message, /expected marker c3 01, found c3 02/);
    return true;
  });
});

Deno.test("a single-object value shorter than its 10-byte header is refused with its length", () => {
  assert.throws(() => parseSingleObject(Uint8Array.of(0xc3, 0x01, 1)), /at least 10 bytes, got 3/);
  assert.equal(isSingleObject(Uint8Array.of(0xc3, 0x01, 1)), false);
});

Deno.test("a fingerprint must have 8 bytes to be framed", () => {
  assert.throws(() => frameSingleObject(new Uint8Array(7), new Uint8Array()), /8 bytes, got 7/);
});
