/**
 * The Confluent Schema Registry wire format: the magic byte 0x00, the schema
 * id as a 4-byte big-endian integer, then the Avro binary body.
 */

export const CONFLUENT_MAGIC = 0x00;
export const CONFLUENT_HEADER_LENGTH = 5;

export class ConfluentFrameError extends Error {
  override name = "ConfluentFrameError";
}

/** The framed value: magic byte, big-endian `schemaId`, `body`. */
export function frameConfluent(schemaId: number, body: Uint8Array): Uint8Array {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff) {
    throw new RangeError(`schema id must be a 32-bit unsigned integer, got ${schemaId}`);
  }
  const out = new Uint8Array(CONFLUENT_HEADER_LENGTH + body.length);
  out[0] = CONFLUENT_MAGIC;
  new DataView(out.buffer).setUint32(1, schemaId);
  out.set(body, CONFLUENT_HEADER_LENGTH);
  return out;
}

/** Splits a framed value; the body is a view into `bytes`, not a copy. */
export function parseConfluentFrame(bytes: Uint8Array): { schemaId: number; body: Uint8Array } {
  if (bytes.length === 0) {
    throw new ConfluentFrameError("empty value: no Confluent wire-format header");
  }
  if (bytes[0] !== CONFLUENT_MAGIC) {
    throw new ConfluentFrameError(
      `wrong magic byte: expected 0x00, found 0x${bytes[0].toString(16).padStart(2, "0")}`,
    );
  }
  if (bytes.length < CONFLUENT_HEADER_LENGTH) {
    throw new ConfluentFrameError(
      `value of ${bytes.length} bytes is shorter than the 5-byte Confluent header`,
    );
  }
  const schemaId = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  return { schemaId, body: bytes.subarray(CONFLUENT_HEADER_LENGTH) };
}
