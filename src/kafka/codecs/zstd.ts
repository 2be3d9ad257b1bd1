/**
 * Zstandard for Kafka record batches, with `node:zlib`'s zstd (Deno 2.9 has
 * it). zlib returns what it could of a truncated frame without an error, so
 * the output is checked against the size the first frame declares.
 */
import { promisify } from "node:util";
import zlib from "node:zlib";
import { CodecError, type KafkaCodec, MAX_DECOMPRESSED_BATCH_BYTES } from "./limits.ts";

const compress = promisify(zlib.zstdCompress);
const decompress = promisify(zlib.zstdDecompress);
const MAGIC = 0xfd2fb528;

/** The content size the first zstd frame's header declares, if it does. */
export function declaredContentSize(b: Uint8Array): number | undefined {
  if (b.length < 5) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (view.getUint32(0, true) !== MAGIC) return undefined;
  const fhd = b[4];
  const fcsFlag = fhd >> 6;
  const single = (fhd & 0x20) !== 0;
  const at = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 0x3];
  const size = [single ? 1 : 0, 2, 4, 8][fcsFlag];
  if (size === 0 || at + size > b.length) return undefined;
  switch (size) {
    case 1:
      return b[at];
    case 2:
      return view.getUint16(at, true) + 256;
    case 4:
      return view.getUint32(at, true);
    default:
      return Number(view.getBigUint64(at, true));
  }
}

export const zstdCodec: KafkaCodec = {
  async compress(encoder) {
    // librdkafka's and Java's default level.
    return await compress(encoder.buffer, {
      params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 },
    });
  },
  async decompress(buffer) {
    const declared = declaredContentSize(buffer);
    if (declared !== undefined && declared > MAX_DECOMPRESSED_BATCH_BYTES) {
      throw new CodecError("zstd", `the batch inflates past ${MAX_DECOMPRESSED_BATCH_BYTES} bytes`);
    }
    let out: Uint8Array;
    try {
      out = await decompress(buffer, { maxOutputLength: MAX_DECOMPRESSED_BATCH_BYTES });
    } catch (error) {
      throw new CodecError("zstd", (error as Error).message);
    }
    if (
      (declared !== undefined && out.length < declared) || (out.length === 0 && buffer.length > 9)
    ) {
      throw new CodecError(
        "zstd",
        `the frame is cut short: ${out.length} bytes decompressed` +
          (declared !== undefined ? ` of the ${declared} it declares` : ""),
      );
    }
    return out;
  },
};
