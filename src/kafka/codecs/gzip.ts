/** gzip for Kafka record batches (kafkajs has it built in; this one bounds the inflated size). */
import type { Buffer } from "node:buffer";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { CodecError, type KafkaCodec, MAX_DECOMPRESSED_BATCH_BYTES } from "./limits.ts";

const gzip = promisify(zlib.gzip);
const unzip = promisify(zlib.unzip);

export const gzipCodec: KafkaCodec = {
  async compress(encoder) {
    return await gzip(encoder.buffer);
  },
  async decompress(buffer) {
    try {
      return await unzip(buffer, { maxOutputLength: MAX_DECOMPRESSED_BATCH_BYTES });
    } catch (error) {
      throw new CodecError("gzip", (error as Error).message);
    }
  },
};

/** For tests: a Buffer gzip-compressed as the codec does. */
export function gzipSync(data: Uint8Array): Buffer {
  return zlib.gzipSync(data);
}
