/**
 * The bound every Kafka codec keeps while decompressing: a record batch
 * inflates to at most this many bytes, whatever sizes its compressed form
 * claims. Kafka's own default `message.max.bytes` is 1 MiB compressed; a
 * batch inflating past this is refused before the memory is taken.
 */
export const MAX_DECOMPRESSED_BATCH_BYTES = 256 * 1024 * 1024;

/** A compressed record batch that cannot be decompressed (corrupt, or too large once inflated). */
export class CodecError extends Error {
  override name = "CodecError";
  constructor(readonly codec: string, message: string) {
    super(`${codec}: ${message}`);
  }
}

/** kafkajs's codec interface: `compress` receives its Encoder (whose `buffer` is the raw batch). */
export interface KafkaCodec {
  compress(encoder: { buffer: Uint8Array }): Promise<Uint8Array>;
  decompress(buffer: Uint8Array): Promise<Uint8Array>;
}
