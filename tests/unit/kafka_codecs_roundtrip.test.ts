import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { lz4Compress, lz4Decompress } from "../../src/kafka/codecs/lz4.ts";
import {
  isXerialFramed,
  snappyCompress,
  snappyCompressRaw,
  snappyDecompress,
} from "../../src/kafka/codecs/snappy.ts";
import { zstdCodec } from "../../src/kafka/codecs/zstd.ts";
import { gzipCodec } from "../../src/kafka/codecs/gzip.ts";
import { CodecError } from "../../src/kafka/codecs/limits.ts";

/** Deterministic data: text-like runs and noise, `n` bytes. */
function sample(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = i % 97 < 60 ? "sensortag reading "[i % 18].charCodeAt(0) : s >>> 24;
  }
  return out;
}

const SIZES = [0, 1, 12, 13, 100, 65_535, 65_536, 65_537, 200_000];

Deno.test("every codec round-trips batches of every size, across block boundaries", async () => {
  for (const n of SIZES) {
    const data = sample(n);
    const enc = { buffer: Buffer.from(data) };
    assert.deepEqual(
      new Uint8Array(await lz4Decompress(await lz4Compress(data))),
      data,
      `lz4 ${n}`,
    );
    assert.deepEqual(new Uint8Array(snappyDecompress(snappyCompress(data))), data, `snappy ${n}`);
    assert.deepEqual(
      new Uint8Array(snappyDecompress(snappyCompressRaw(data))),
      data,
      `raw snappy ${n}`,
    );
    assert.deepEqual(
      new Uint8Array(await zstdCodec.decompress(await zstdCodec.compress(enc))),
      data,
      `zstd ${n}`,
    );
    assert.deepEqual(
      new Uint8Array(await gzipCodec.decompress(await gzipCodec.compress(enc))),
      data,
      `gzip ${n}`,
    );
  }
});

Deno.test("compressed batches are smaller, and snappy is xerial-framed as Java writes it", async () => {
  const data = sample(100_000);
  assert.ok((await lz4Compress(data)).length < data.length * 0.8);
  const snappy = snappyCompress(data);
  assert.ok(isXerialFramed(snappy));
  assert.ok(snappy.length < data.length * 0.8);
  assert.ok(!isXerialFramed(snappyCompressRaw(data)));
});

Deno.test("lz4 frames: header checksum verified, lying block sizes refused before allocation", async () => {
  const frame = new Uint8Array(await lz4Compress(sample(1000)));
  const badSum = frame.slice();
  badSum[6] ^= 0xff;
  await assert.rejects(lz4Decompress(badSum), CodecError);
  // A block that claims more bytes than the frame holds.
  const lying = frame.slice();
  new DataView(lying.buffer).setUint32(7, 60_000, true);
  await assert.rejects(lz4Decompress(lying), /only \d+ are left/);
  // A block larger than the frame's block size.
  const huge = frame.slice();
  new DataView(huge.buffer).setUint32(7, 0x7fffffff, true);
  await assert.rejects(lz4Decompress(huge), /exceeds the frame's/);
  await assert.rejects(lz4Decompress(frame.subarray(0, 9)), CodecError);
  await assert.rejects(lz4Decompress(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)), /magic/);
});

Deno.test("snappy: a claimed length past what the bytes can hold is refused before allocation", () => {
  // varint 2^31 - 1 then 3 bytes: snappyjs alone would allocate 2 GiB.
  const bomb = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x07, 0x00, 0x01, 0x02);
  assert.throws(() => snappyDecompress(bomb), /more than snappy can encode/);
  const framed = new Uint8Array(snappyCompress(sample(5000)));
  new DataView(framed.buffer).setUint32(16, 1_000_000);
  assert.throws(() => snappyDecompress(framed), /only \d+ are left/);
  assert.throws(() => snappyDecompress(framed.subarray(0, 18)), CodecError);
});

Deno.test("zstd and gzip: corrupt or cut-short input is a CodecError", async () => {
  await assert.rejects(zstdCodec.decompress(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9)), CodecError);
  const zstd = await zstdCodec.compress({ buffer: Buffer.from(sample(10_000)) });
  await assert.rejects(zstdCodec.decompress(zstd.subarray(0, zstd.length - 3)), /cut short/);
  await assert.rejects(gzipCodec.decompress(Uint8Array.of(0x1f, 0x8b, 8, 0, 9)), CodecError);
});
