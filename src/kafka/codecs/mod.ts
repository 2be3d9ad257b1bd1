/**
 * Every Kafka compression codec, registered with kafkajs (which has only
 * gzip built in): gzip, snappy (xerial-framed and raw), lz4 (frame format)
 * and zstd. `registerCodecs()` is idempotent; it is called wherever a Kafka
 * client is created (`createKafka`).
 */
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import { gzipCodec } from "./gzip.ts";
import { lz4Codec } from "./lz4.ts";
import { snappyCodec } from "./snappy.ts";
import { zstdCodec } from "./zstd.ts";

export { CodecError, MAX_DECOMPRESSED_BATCH_BYTES } from "./limits.ts";

let registered = false;

/** Makes kafkajs read and write every codec (once per process). */
export function registerCodecs(): void {
  if (registered) return;
  const codecs = CompressionCodecs as Record<number, () => unknown>;
  codecs[CompressionTypes.GZIP] = () => gzipCodec;
  codecs[CompressionTypes.Snappy] = () => snappyCodec;
  codecs[CompressionTypes.LZ4] = () => lz4Codec;
  codecs[CompressionTypes.ZSTD] = () => zstdCodec;
  registered = true;
}
