/**
 * LZ4 for Kafka record batches: the LZ4 frame format (magic `04 22 4D 18`),
 * as Kafka's v2 record batches carry it (Java and librdkafka both), with the
 * pure-JS `lz4js` for the block format. The frame is parsed here: every block
 * size is checked against the bytes left and against what a block can
 * inflate to before anything is allocated, and the header checksum is
 * verified. Written frames have independent 64 KiB blocks and no checksums,
 * as librdkafka's defaults; linked blocks are read too.
 * `lz4js` allocates 5 MiB of scratch space when it loads, so it is loaded on
 * first use, not when the gateway starts.
 */
import { Buffer } from "node:buffer";
import { CodecError, type KafkaCodec, MAX_DECOMPRESSED_BATCH_BYTES } from "./limits.ts";

const MAGIC = 0x184d2204;
const FLAG_VERSION = 0x40;
const FLAG_VERSION_MASK = 0xc0;
const FLAG_BLOCK_INDEPENDENT = 0x20;
const FLAG_BLOCK_CHECKSUM = 0x10;
const FLAG_CONTENT_SIZE = 0x08;
const FLAG_CONTENT_CHECKSUM = 0x04;
const FLAG_DICT_ID = 0x01;
const UNCOMPRESSED_BIT = 0x80000000;
const BLOCK_SIZES: Record<number, number> = { 4: 0x10000, 5: 0x40000, 6: 0x100000, 7: 0x400000 };
const WRITE_BLOCK_ID = 4; // 64 KiB
/** One byte of an LZ4 block yields at most 255 bytes of output (a length-extension byte). */
const MAX_RATIO = 255;

interface Lz4js {
  compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number;
  decompressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    dIndex: number,
  ): number;
}
interface Xxh32 {
  hash(seed: number, src: Uint8Array, index: number, length: number): number;
}

let loaded: Promise<{ lz4: Lz4js; xxh: Xxh32 }> | undefined;
/** Loads lz4js (and its xxHash32) once. */
export function loadLz4(): Promise<{ lz4: Lz4js; xxh: Xxh32 }> {
  loaded ??= Promise.all([import("lz4js"), import("lz4js/xxh32.js")]).then(([a, b]) => ({
    lz4: ((a as { default?: unknown }).default ?? a) as Lz4js,
    xxh: ((b as { default?: unknown }).default ?? b) as Xxh32,
  }));
  return loaded;
}

function headerChecksum(xxh: Xxh32, frame: Uint8Array, from: number, to: number): number {
  return (xxh.hash(0, frame, from, to - from) >>> 8) & 0xff;
}

/** Decompresses one LZ4 frame (a Kafka record batch's records). */
export async function lz4Decompress(input: Uint8Array): Promise<Buffer> {
  const { lz4, xxh } = await loadLz4();
  const src = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const data = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const fail = (m: string) => new CodecError("lz4", m);
  if (src.length < 7 || data.getUint32(0, true) !== MAGIC) {
    throw fail("not an LZ4 frame (wrong magic number)");
  }
  const flags = src[4];
  if ((flags & FLAG_VERSION_MASK) !== FLAG_VERSION) throw fail("unsupported LZ4 frame version");
  if (flags & FLAG_DICT_ID) throw fail("LZ4 frames with a dictionary are not supported");
  const maxBlock = BLOCK_SIZES[(src[5] >> 4) & 0x7];
  if (maxBlock === undefined) throw fail(`invalid block size id ${(src[5] >> 4) & 0x7}`);
  let at = 6 + (flags & FLAG_CONTENT_SIZE ? 8 : 0);
  if (at >= src.length) throw fail("frame header cut short");
  if (headerChecksum(xxh, src, 4, at) !== src[at]) throw fail("frame header checksum mismatch");
  at++;
  const blockSum = (flags & FLAG_BLOCK_CHECKSUM) !== 0;

  // First pass: the blocks, each checked against the bytes at hand, and a bound on the output.
  const blocks: { start: number; size: number; raw: boolean }[] = [];
  let bound = 0;
  for (;;) {
    if (at + 4 > src.length) throw fail(`block header cut short at byte ${at}`);
    const word = data.getUint32(at, true);
    at += 4;
    if (word === 0) break; // end mark
    const raw = (word & UNCOMPRESSED_BIT) !== 0;
    const size = raw ? word & ~UNCOMPRESSED_BIT : word;
    if (size > maxBlock) throw fail(`block of ${size} bytes exceeds the frame's ${maxBlock}`);
    if (size > src.length - at - (blockSum ? 4 : 0)) {
      throw fail(`block of ${size} bytes at byte ${at - 4}, but only ${src.length - at} are left`);
    }
    blocks.push({ start: at, size, raw });
    bound += raw ? size : Math.min(maxBlock, size * MAX_RATIO);
    if (bound > MAX_DECOMPRESSED_BATCH_BYTES) {
      throw fail(`the batch inflates past ${MAX_DECOMPRESSED_BATCH_BYTES} bytes`);
    }
    at += size + (blockSum ? 4 : 0);
  }
  if (flags & FLAG_CONTENT_CHECKSUM && at + 4 > src.length) throw fail("content checksum missing");

  const out = new Uint8Array(bound);
  let written = 0;
  for (const b of blocks) {
    if (b.raw) {
      out.set(src.subarray(b.start, b.start + b.size), written);
      written += b.size;
      continue;
    }
    const end = lz4.decompressBlock(src, out, b.start, b.size, written);
    if (!(end >= written && end <= bound) || end - written > maxBlock) {
      throw fail("corrupt block");
    }
    written = end;
  }
  return Buffer.from(out.buffer, 0, written);
}

/** Compresses to one LZ4 frame of independent 64 KiB blocks, without checksums. */
export async function lz4Compress(input: Uint8Array): Promise<Buffer> {
  const { lz4, xxh } = await loadLz4();
  const src = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const maxBlock = BLOCK_SIZES[WRITE_BLOCK_ID];
  const blocks = Math.ceil(src.length / maxBlock);
  // Worst case: every block stored as it is, plus headers.
  const out = new Uint8Array(7 + src.length + 4 * blocks + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  out[4] = FLAG_VERSION | FLAG_BLOCK_INDEPENDENT;
  out[5] = WRITE_BLOCK_ID << 4;
  out[6] = headerChecksum(xxh, out, 4, 6);
  let at = 7;
  const scratch = new Uint8Array(maxBlock + Math.ceil(maxBlock / 255) + 16);
  const table = new Uint32Array(1 << 16);
  for (let from = 0; from < src.length; from += maxBlock) {
    const size = Math.min(maxBlock, src.length - from);
    table.fill(0);
    const packed = lz4.compressBlock(src, scratch, from, size, table);
    if (packed > 0 && packed < size) {
      view.setUint32(at, packed, true);
      out.set(scratch.subarray(0, packed), at + 4);
      at += 4 + packed;
    } else {
      view.setUint32(at, (size | UNCOMPRESSED_BIT) >>> 0, true);
      out.set(src.subarray(from, from + size), at + 4);
      at += 4 + size;
    }
  }
  view.setUint32(at, 0, true);
  at += 4;
  return Buffer.from(out.buffer, 0, at);
}

export const lz4Codec: KafkaCodec = {
  compress: (encoder) => lz4Compress(encoder.buffer),
  decompress: (buffer) => lz4Decompress(buffer),
};
