/**
 * Kafka record values → plain JS / BSON-ready values for the sink:
 * Confluent-framed Avro (schema by id from the registry, cached), Avro
 * single-object encoding (schemas by fingerprint from `schemas/`), and JSON
 * (a plain object, or Kafka Connect's `{"schema": …, "payload": …}`).
 * Anything else is a PoisonRecordError with a reason code.
 */
import avsc from "avsc";
import { Buffer } from "node:buffer";
import { RegistryClient, RegistryError } from "../../avro/registry_client.ts";
import {
  fingerprint64,
  fingerprintHex,
  isSingleObject,
  parseSingleObject,
} from "../../avro/single_object.ts";
import type { DecodedValue, ValueDecoder } from "../io/kcql_pipeline.ts";
import { avroToBson, type BsonOptions } from "./avro_to_bson.ts";
import { convertJsonDates } from "./json_dates.ts";
import { PoisonRecordError } from "./poison.ts";
import { bsonLogicalTypes } from "./logical_types.ts";

export interface SchemaResolver {
  schemaById(id: number): Promise<string>;
}

export interface ValueDecoderOptions extends BsonOptions {
  registry?: SchemaResolver;
  /** Local writer schemas by fingerprint (hex), for single-object values. */
  localSchemas: Map<string, avsc.Type>;
  jsonDatetimeFields: string[];
  maxValueBytes: number;
}

export class SinkValueDecoder implements ValueDecoder {
  #types = new Map<number, Promise<avsc.Type>>();
  #logical: ReturnType<typeof bsonLogicalTypes>;

  constructor(private readonly o: ValueDecoderOptions) {
    this.#logical = bsonLogicalTypes(o);
  }

  async decodeValue(value: Uint8Array | null): Promise<DecodedValue> {
    if (value === null) return { kind: "tombstone" };
    if (value.length === 0) throw new PoisonRecordError("empty", "empty value (0 bytes)");
    if (value.length > this.o.maxValueBytes) {
      throw new PoisonRecordError(
        "too-large",
        `value of ${value.length} bytes exceeds --max-value-bytes ${this.o.maxValueBytes}`,
      );
    }
    if (value[0] === 0x00) return { kind: "record", value: await this.#confluent(value) };
    if (isSingleObject(value)) return { kind: "record", value: this.#singleObject(value) };
    const json = parseJsonObject(value);
    if (json !== undefined) {
      return { kind: "record", value: convertJsonDates(json, this.o.jsonDatetimeFields) };
    }
    if (
      value.length >= 5 && value[0] < 0x20 && value[0] !== 0x09 && value[0] !== 0x0a &&
      value[0] !== 0x0d
    ) {
      throw new PoisonRecordError(
        "bad-magic",
        `wrong magic byte 0x${
          value[0].toString(16).padStart(2, "0")
        }: expected 0x00 (Confluent wire format) ` +
          `or c3 01 (Avro single-object)`,
      );
    }
    throw new PoisonRecordError(
      "not-avro-or-json",
      `value is neither Confluent-framed Avro (magic byte 0x00), Avro single-object (c3 01) nor a JSON object; ` +
        `it starts with 0x${
          Array.from(value.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" 0x")
        }`,
    );
  }

  async decodeKey(key: Uint8Array | null): Promise<unknown> {
    if (key === null) return null;
    if (key.length >= 5 && key[0] === 0x00 && this.o.registry) {
      try {
        return await this.#confluent(key);
      } catch {
        // not an Avro key after all: fall through
      }
    }
    const json = parseJsonObject(key);
    if (json !== undefined) return json;
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(key);
    } catch {
      return Buffer.from(key);
    }
  }

  async #confluent(value: Uint8Array): Promise<unknown> {
    if (value.length < 5) {
      throw new PoisonRecordError(
        "truncated-avro",
        `Confluent-framed value of ${value.length} bytes has no room for its 5-byte header`,
      );
    }
    const id = new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(1);
    const type = await this.#typeFor(id);
    return decodeExact(type, value.subarray(5), this.o, `schema id ${id}`);
  }

  #singleObject(value: Uint8Array): unknown {
    const { fingerprint, body } = parseSingleObject(value);
    const fp = fingerprintHex(fingerprint);
    const type = this.o.localSchemas.get(fp);
    if (!type) {
      throw new PoisonRecordError(
        "unknown-fingerprint",
        `Avro single-object value with schema fingerprint ${fp}, which is not among the schemas in schemas/`,
      );
    }
    return decodeExact(type, body, this.o, `fingerprint ${fp}`);
  }

  #typeFor(id: number): Promise<avsc.Type> {
    let pending = this.#types.get(id);
    if (!pending) {
      if (!this.o.registry) {
        return Promise.reject(
          new PoisonRecordError(
            "unknown-schema-id",
            `Confluent-framed value (schema id ${id}) but no registry is configured`,
          ),
        );
      }
      pending = this.o.registry.schemaById(id).then(
        (text) => avsc.Type.forSchema(JSON.parse(text), { wrapUnions: "auto", logicalTypes: this.#logical }),
        (error) => {
          this.#types.delete(id);
          if (error instanceof RegistryError && error.status === 404) {
            throw new PoisonRecordError(
              "unknown-schema-id",
              `unknown schema id ${id}: the registry does not know it`,
            );
          }
          throw error; // registry down: not the record's fault, the caller retries
        },
      );
      this.#types.set(id, pending);
    }
    return pending;
  }
}

function decodeExact(type: avsc.Type, body: Uint8Array, o: BsonOptions, what: string): unknown {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let decoded: { value: unknown; offset: number };
  try {
    decoded = type.decode(buf, 0);
  } catch (error) {
    throw new PoisonRecordError(
      "bad-avro",
      `Avro body does not decode with ${what}: ${(error as Error).message}`,
    );
  }
  if (decoded.offset < 0) {
    throw new PoisonRecordError(
      "truncated-avro",
      `Avro body of ${body.length} bytes ends before a whole record of ${what}`,
    );
  }
  if (decoded.offset !== body.length) {
    throw new PoisonRecordError(
      "trailing-bytes",
      `Avro body has ${body.length - decoded.offset} bytes after a whole record of ${what}`,
    );
  }
  return avroToBson(type, decoded.value, o);
}

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first !== 0x7b) return undefined; // "{"
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
  const p = parsed as Record<string, unknown>;
  // Kafka Connect's JsonConverter with schemas.enable=true.
  if ("schema" in p && "payload" in p && Object.keys(p).length === 2) {
    return (p.payload ?? null) as Record<string, unknown>;
  }
  return p;
}

/** The writer schemas in `dir` (every .avsc), keyed by fingerprint. */
export async function loadLocalSchemas(
  dir: string | URL,
  bson: BsonOptions = { datesAs: "date" },
): Promise<Map<string, avsc.Type>> {
  const out = new Map<string, avsc.Type>();
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".avsc")) continue;
    const text = await Deno.readTextFile(
      new URL(entry.name, String(dir).endsWith("/") ? dir : `${dir}/`),
    );
    const schema = JSON.parse(text);
    const type = avsc.Type.forSchema(schema, { logicalTypes: bsonLogicalTypes(bson) });
    out.set(fingerprintHex(fingerprint64(schema)), type);
  }
  return out;
}

export interface CreateDecoderOptions extends BsonOptions {
  registryUrl?: string;
  jsonDatetimeFields: string[];
  maxValueBytes: number;
}

export const SCHEMAS_DIR = new URL("../../../schemas/", import.meta.url);

export async function createValueDecoder(o: CreateDecoderOptions): Promise<SinkValueDecoder> {
  return new SinkValueDecoder({
    ...o,
    registry: o.registryUrl ? new RegistryClient({ url: o.registryUrl }) : undefined,
    localSchemas: await loadLocalSchemas(SCHEMAS_DIR, o),
  });
}
