/** The Confluent Schema Registry wire format: magic byte 0, 4-byte big-endian schema id, Avro body. */

export class ConfluentFrameError extends Error {
  override name = "ConfluentFrameError";
}

export function frameConfluent(schemaId: number, body: Uint8Array): Uint8Array {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff) {
    throw new RangeError(`schema id must be a 32-bit unsigned integer, got ${schemaId}`);
  }
  const out = new Uint8Array(5 + body.length);
  new DataView(out.buffer).setUint32(1, schemaId);
  out.set(body, 5);
  return out;
}

export function parseConfluentFrame(bytes: Uint8Array): { schemaId: number; body: Uint8Array } {
  if (bytes.length === 0) throw new ConfluentFrameError("empty value: no Confluent wire-format header");
  if (bytes[0] !== 0) {
    throw new ConfluentFrameError(
      `wrong magic byte: expected 0x00, found 0x${bytes[0].toString(16).padStart(2, "0")}`,
    );
  }
  if (bytes.length < 5) {
    throw new ConfluentFrameError(`value of ${bytes.length} bytes is shorter than the 5-byte Confluent header`);
  }
  const schemaId = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  return { schemaId, body: bytes.subarray(5) };
}
