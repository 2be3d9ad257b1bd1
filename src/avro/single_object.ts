/**
 * The Avro specification's single-object encoding: the marker C3 01, the
 * 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema's Parsing
 * Canonical Form, then the Avro binary body.
 */
import avsc from "avsc";
import { crc64Avro } from "./crc64_avro.ts";

export const SINGLE_OBJECT_MARKER = Uint8Array.of(0xc3, 0x01);
export const SINGLE_OBJECT_HEADER_LENGTH = 10;

/**
 * The schema's Parsing Canonical Form. avsc's `schema()` is it: primitives as
 * bare names, full names, only the attributes that matter for parsing, in the
 * specification's order, no whitespace.
 */
export function canonicalForm(schema: string | avsc.Schema | avsc.Type): string {
  const type = schema instanceof avsc.Type
    ? schema
    : avsc.Type.forSchema(typeof schema === "string" ? JSON.parse(schema) : schema);
  return JSON.stringify(type.schema());
}

/** CRC-64-AVRO of the canonical form, as the 8 little-endian bytes the encoding carries. */
export function fingerprint64(schema: string | avsc.Schema | avsc.Type): Uint8Array {
  const fp = crc64Avro(new TextEncoder().encode(canonicalForm(schema)));
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, fp, true);
  return out;
}

export function frameSingleObject(fingerprint: Uint8Array, body: Uint8Array): Uint8Array {
  if (fingerprint.length !== 8) {
    throw new RangeError(`a single-object fingerprint has 8 bytes, got ${fingerprint.length}`);
  }
  const out = new Uint8Array(SINGLE_OBJECT_HEADER_LENGTH + body.length);
  out.set(SINGLE_OBJECT_MARKER, 0);
  out.set(fingerprint, 2);
  out.set(body, SINGLE_OBJECT_HEADER_LENGTH);
  return out;
}

export class SingleObjectFrameError extends Error {
  override name = "SingleObjectFrameError";
}

export function isSingleObject(bytes: Uint8Array): boolean {
  return bytes.length >= SINGLE_OBJECT_HEADER_LENGTH && bytes[0] === 0xc3 && bytes[1] === 0x01;
}

/** Splits an encoded value; fingerprint and body are views into `bytes`. */
export function parseSingleObject(
  bytes: Uint8Array,
): { fingerprint: Uint8Array; body: Uint8Array } {
  if (bytes.length >= 2 && (bytes[0] !== 0xc3 || bytes[1] !== 0x01)) {
    throw new SingleObjectFrameError(
      `not Avro single-object encoding: expected marker c3 01, found ${hex(bytes[0])} ${
        hex(bytes[1])
      }`,
    );
  }
  if (bytes.length < SINGLE_OBJECT_HEADER_LENGTH) {
    throw new SingleObjectFrameError(
      `an Avro single-object value has at least ${SINGLE_OBJECT_HEADER_LENGTH} bytes, got ${bytes.length}`,
    );
  }
  return {
    fingerprint: bytes.subarray(2, SINGLE_OBJECT_HEADER_LENGTH),
    body: bytes.subarray(SINGLE_OBJECT_HEADER_LENGTH),
  };
}

/** The fingerprint bytes as 16 hex digits, in encoding order. */
export function fingerprintHex(fp: Uint8Array): string {
  return Array.from(fp, hex).join("");
}

function hex(b: number): string {
  return b.toString(16).padStart(2, "0");
}
