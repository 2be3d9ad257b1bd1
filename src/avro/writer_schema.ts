/** The gateway's writer schema: loaded from `schemas/` (embedded in compiled binaries). */
import { resolve } from "node:path";
import avsc from "avsc";
import { Buffer } from "node:buffer";
import { fingerprint64 } from "./single_object.ts";

export const DEFAULT_SCHEMA_URL = new URL("../../schemas/sensortag.avsc", import.meta.url);

export interface WriterSchema {
  /** The schema as written in the file (sent to the registry). */
  text: string;
  type: avsc.Type;
  /** CRC-64-AVRO fingerprint of the canonical form, as 16 hex digits. */
  fingerprintHex: string;
  fingerprint: Uint8Array;
  /** Fields a record must carry (no default). */
  requiredFields: string[];
}

export async function loadWriterSchema(
  path: string | URL = DEFAULT_SCHEMA_URL,
): Promise<WriterSchema> {
  // Absolute, so every message about the file names the file itself.
  const named = typeof path === "string" ? resolve(path) : String(path);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new Error(`cannot read Avro schema ${named}: ${(error as Error).message}`);
  }
  return writerSchemaFromText(text, named);
}

export function writerSchemaFromText(text: string, origin = "schema"): WriterSchema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${origin} is not valid JSON: ${(error as Error).message}`);
  }
  let type: avsc.Type;
  try {
    type = avsc.Type.forSchema(parsed as avsc.Schema);
  } catch (error) {
    throw new Error(`${origin} is not a valid Avro schema: ${(error as Error).message}`);
  }
  if (!(type instanceof avsc.types.RecordType)) {
    throw new Error(`${origin} must be an Avro record schema, found ${type.typeName}`);
  }
  const fields = (parsed as { fields: { name: string; default?: unknown }[] }).fields;
  const requiredFields = fields.filter((f) => !("default" in f)).map((f) => f.name);
  const fingerprint = fingerprint64(text);
  return {
    text,
    type,
    fingerprint,
    fingerprintHex: Array.from(fingerprint, (b) => b.toString(16).padStart(2, "0")).join(""),
    requiredFields,
  };
}

/** Encodes a record; an invalid record is an error naming the offending field paths. */
export function encodeRecord(schema: WriterSchema, record: Record<string, unknown>): Uint8Array {
  checkRecord(schema, record);
  return encodeCheckedRecord(schema, record);
}

/** Throws an error naming the offending field paths when `record` does not fit the schema. */
export function checkRecord(schema: WriterSchema, record: Record<string, unknown>): void {
  const problems: string[] = [];
  schema.type.isValid(record, {
    errorHook: (path: string[], value: unknown) => {
      problems.push(`${path.join(".") || "(record)"}=${JSON.stringify(value)}`);
    },
  });
  if (problems.length > 0) {
    throw new Error(`reading does not fit the Avro schema: ${problems.join(", ")}`);
  }
}

/** Encodes a record {@linkcode checkRecord} passed (avsc still throws on a bad one, tersely). */
export function encodeCheckedRecord(
  schema: WriterSchema,
  record: Record<string, unknown>,
): Uint8Array {
  const buf: Buffer = schema.type.toBuffer(record);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function decodeRecord(schema: WriterSchema, body: Uint8Array): Record<string, unknown> {
  return schema.type.fromBuffer(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}
