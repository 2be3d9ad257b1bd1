/**
 * Snappy for Kafka record batches, with the pure-JS `snappyjs` for the raw
 * format. Two framings exist on the wire and both are read:
 * - xerial's (what the Java client writes): the 8-byte magic `82 'SNAPPY' 00`,
 *   a version and a compatible version (int32 big-endian each), then chunks,
 *   each an int32 big-endian length and one raw snappy block;
 * - raw snappy, one block (what librdkafka writes).
 * Batches are written in xerial framing with 32 KiB chunks, as Java does, which
 * librdkafka and Java both read.
 * Every length read from the input is checked against the bytes at hand (and a
 * raw block's claimed size against what its compressed bytes can produce)
 * before anything is allocated.
 */
import { Buffer } from "node:buffer";
import snappy from "snappyjs";
import { CodecError, type KafkaCodec, MAX_DECOMPRESSED_BATCH_BYTES } from "./limits.ts";

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
const XERIAL_HEADER_BYTES = 16;
const XERIAL_CHUNK = 32 * 1024;
/** A snappy copy of 64 bytes takes at least 3 bytes: no block inflates more than this. */
const MAX_RATIO = 22;

/** True when `b` starts with xerial's snappy stream header. */
export function isXerialFramed(b: Uint8Array): boolean {
  if (b.length < XERIAL_HEADER_BYTES) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (b[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

/** The uncompressed length a raw snappy block declares (its leading varint), or -1. */
function declaredLength(block: Uint8Array): number {
  let n = 0;
  for (let i = 0, shift = 0; i < 5 && i < block.length; i++, shift += 7) {
    n += (block[i] & 0x7f) * 2 ** shift;
    if ((block[i] & 0x80) === 0) return n;
  }
  return -1;
}

function uncompressBlock(block: Uint8Array, budget: number): Uint8Array {
  const length = declaredLength(block);
  if (length < 0) throw new CodecError("snappy", "a block's length header is corrupt");
  if (length > block.length * MAX_RATIO + 32) {
    throw new CodecError(
      "snappy",
      `a block of ${block.length} bytes claims ${length} uncompressed bytes, more than snappy can encode in it`,
    );
  }
  if (length > budget) {
    throw new CodecError(
      "snappy",
      `the batch inflates past ${MAX_DECOMPRESSED_BATCH_BYTES} bytes`,
    );
  }
  try {
    return snappy.uncompress(block, length) as Uint8Array;
  } catch (error) {
    throw new CodecError("snappy", (error as Error).message);
  }
}

/** Decompresses a raw or xerial-framed snappy buffer. */
export function snappyDecompress(input: Uint8Array): Buffer {
  const view = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (!isXerialFramed(view)) return asBuffer(uncompressBlock(view, MAX_DECOMPRESSED_BATCH_BYTES));
  const data = new DataView(view.buffer, view.byteOffset, view.byteLength);
  const parts: Uint8Array[] = [];
  let total = 0;
  let at = XERIAL_HEADER_BYTES;
  while (at < view.length) {
    if (at + 4 > view.length) {
      throw new CodecError("snappy", `xerial chunk header cut short at byte ${at}`);
    }
    const size = data.getUint32(at);
    at += 4;
    if (size > view.length - at) {
      throw new CodecError(
        "snappy",
        `xerial chunk of ${size} bytes at byte ${at - 4}, but only ${view.length - at} are left`,
      );
    }
    const part = uncompressBlock(
      view.subarray(at, at + size),
      MAX_DECOMPRESSED_BATCH_BYTES - total,
    );
    parts.push(part);
    total += part.length;
    at += size;
  }
  return Buffer.concat(parts, total);
}

/** Compresses in xerial framing (32 KiB chunks), as the Java client does. */
export function snappyCompress(input: Uint8Array): Buffer {
  const parts: Uint8Array[] = [Uint8Array.from([...XERIAL_MAGIC, 0, 0, 0, 1, 0, 0, 0, 1])];
  for (let at = 0; at < input.length; at += XERIAL_CHUNK) {
    const block = snappy.compress(input.subarray(at, at + XERIAL_CHUNK)) as Uint8Array;
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, block.length);
    parts.push(header, block);
  }
  return Buffer.concat(parts);
}

/** Raw snappy, one block, as librdkafka writes it (for tests and callers that want it). */
export function snappyCompressRaw(input: Uint8Array): Buffer {
  return asBuffer(snappy.compress(input) as Uint8Array);
}

export const snappyCodec: KafkaCodec = {
  compress(encoder) {
    return Promise.resolve(snappyCompress(encoder.buffer));
  },
  decompress(buffer) {
    return Promise.resolve(snappyDecompress(buffer));
  },
};

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
