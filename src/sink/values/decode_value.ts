/**
 * Kafka record values (and keys) → BSON-ready documents for the sink.
 *
 * A value is recognised by its first bytes:
 * - `00` + 4-byte schema id: Confluent-framed Avro; the writer schema comes
 *   from the registry by id (parsed once per id);
 * - `C3 01` + 8-byte fingerprint: Avro single-object encoding; the writer
 *   schema is the local schema (`schemas/*.avsc`) with that fingerprint;
 * - `{` (after whitespace): JSON, a plain object or Kafka Connect's
 *   `{"schema": ..., "payload": ...}` envelope.
 * Avro must decode to exactly one whole record: a short body is
 * `truncated-avro`, bytes left over are `trailing-bytes`. Anything else is a
 * `PoisonRecordError` with a reason code. A null value (a tombstone) comes
 * back as a marker carrying the configured policy. A registry that cannot be
 * reached is not the record's fault: that error is thrown as it is, for the
 * caller to retry.
 */
import type avsc from "avsc";
import { Binary } from "bson";
import { Buffer } from "node:buffer";
import { ConfluentFrameError, parseConfluentFrame } from "../../avro/confluent_frame.ts";
import { fingerprintHex, parseSingleObject } from "../../avro/single_object.ts";
import { AvroBoundsError, checkAvroBounds, DEFAULT_MAX_AVRO_DEPTH } from "./avro_bounds.ts";
import { AvroSchemaError, parseWriterSchema } from "./avro_schema.ts";
import { BsonConversionError, bsonConverter, type BsonOptions } from "./avro_to_bson.ts";
import { ConnectJsonError, connectToBson, isConnectEnvelope } from "./connect_json.ts";
import { convertJsonDatetimeFields, parseDatetimeFieldPaths } from "./json_datetime_fields.ts";
import { parseJsonForBson } from "./json_values.ts";
import type { LocalSchemas } from "./local_schemas.ts";
import { PoisonRecordError } from "./poison.ts";
import { isPlainRecord } from "./records.ts";
import type { TombstonePolicy } from "../policies.ts";

/** Where Confluent-framed values get their writer schemas. */
export interface SchemaResolver {
  /**
   * The writer schema registered under `id`, as JSON text. An id the registry
   * does not know must be signalled by an error with `status` 404, or
   * `errorCode` 40403, or an `UnknownSchemaIdError`; any other error means the
   * registry could not answer.
   */
  schemaById(id: number): Promise<string>;
}

export class UnknownSchemaIdError extends Error {
  override name = "UnknownSchemaIdError";
  constructor(readonly id: number) {
    super(`unknown schema id ${id}`);
  }
}

export type ValueFormat = "confluent-avro" | "avro-single-object" | "json" | "connect-json";

export type DecodedValue =
  | {
    kind: "record";
    value: Record<string, unknown>;
    format: ValueFormat;
    /** The Confluent schema id, for confluent-avro. */
    schemaId?: number;
    /** The writer schema's fingerprint (hex), for avro-single-object. */
    fingerprint?: string;
  }
  /** A null value: the caller skips it, deletes the document its key names, or dead-letters it. */
  | { kind: "tombstone"; action: TombstonePolicy };

export interface ValueDecoderOptions extends BsonOptions {
  registry?: SchemaResolver;
  localSchemas?: LocalSchemas;
  /** What a null value asks of the caller; default "dlq". */
  tombstones?: TombstonePolicy;
  /** Larger values are `too-large`; default 16 MiB (MongoDB's document limit). */
  maxValueBytes?: number;
  /** Dotted JSON fields to store as dates (connect.mongo.json_datetime_fields). */
  jsonDatetimeFields?: string | readonly string[];
  /**
   * How long a schema id the registry answered 404 for is taken as unknown
   * without asking again (records with it are dead-lettered meanwhile);
   * default 60 s. The registry may learn the id later (a producer registering
   * as it sends, a registry restored from backup).
   */
  unknownSchemaIdRetryMs?: number;
  /** The clock, in ms (tests). */
  now?: () => number;
  /** The deepest nesting of records, arrays, maps and unions an Avro value may have; default 64. */
  maxAvroDepth?: number;
}

export const DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_UNKNOWN_SCHEMA_ID_RETRY_MS = 60_000;

const utf8 = new TextDecoder("utf-8", { fatal: true });

export class SinkValueDecoder {
  readonly #o: ValueDecoderOptions;
  readonly #bson: BsonOptions;
  readonly #tombstones: TombstonePolicy;
  readonly #maxBytes: number;
  readonly #datetimePaths: string[][];
  readonly #types = new Map<number, avsc.Type>();
  readonly #pending = new Map<number, Promise<avsc.Type>>();
  /** Schema ids the registry did not know, with when it said so. */
  readonly #unknownIds = new Map<number, number>();

  constructor(options: ValueDecoderOptions = {}) {
    this.#o = options;
    this.#bson = { datesAs: options.datesAs ?? "date", nulls: options.nulls ?? "keep" };
    this.#tombstones = options.tombstones ?? "dlq";
    this.#maxBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.#datetimePaths = parseDatetimeFieldPaths(options.jsonDatetimeFields ?? []);
  }

  /** Decodes a record value; throws PoisonRecordError for a value that can never be written. */
  async decodeValue(value: Uint8Array | null, _topic?: string): Promise<DecodedValue> {
    if (value === null) return { kind: "tombstone", action: this.#tombstones };
    if (value.length === 0) throw new PoisonRecordError("empty", "the value is empty (0 bytes)");
    if (value.length > this.#maxBytes) {
      throw new PoisonRecordError(
        "too-large",
        `the value has ${value.length} bytes, more than the maximum of ${this.#maxBytes}`,
      );
    }
    if (value[0] === 0x00) {
      const { schemaId, value: decoded } = await this.#confluent(value, "value");
      return {
        kind: "record",
        value: this.#record(decoded, "value"),
        format: "confluent-avro",
        schemaId,
      };
    }
    if (value[0] === 0xc3 && value[1] === 0x01) {
      const { fingerprint, value: decoded } = this.#singleObject(value, "value");
      return {
        kind: "record",
        value: this.#record(decoded, "value"),
        format: "avro-single-object",
        fingerprint,
      };
    }
    const text = jsonText(value);
    if (text !== undefined) {
      const { value: json, envelope } = this.#json(text, "value");
      const record = this.#record(json, "value");
      convertJsonDatetimeFields(record, this.#datetimePaths);
      return { kind: "record", value: record, format: envelope ? "connect-json" : "json" };
    }
    throw unrecognised(value, "value");
  }

  /**
   * Decodes a record key for KCQL's `_key` fields: Avro (Confluent or
   * single-object), a JSON object, else UTF-8 text, else bytes (Binary).
   */
  async decodeKey(key: Uint8Array | null, _topic?: string): Promise<unknown> {
    if (key === null) return null;
    if (key.length >= 5 && key[0] === 0x00 && this.#o.registry) {
      return (await this.#confluent(key, "key")).value;
    }
    if (key.length >= 10 && key[0] === 0xc3 && key[1] === 0x01) {
      const fp = fingerprintHex(key.subarray(2, 10));
      if (this.#o.localSchemas?.byFingerprint(fp)) return this.#singleObject(key, "key").value;
    }
    const text = jsonText(key);
    if (text !== undefined) {
      try {
        return this.#json(text, "key").value;
      } catch {
        // not JSON after all: the text itself
      }
    }
    try {
      return utf8.decode(key);
    } catch {
      return new Binary(Uint8Array.from(key));
    }
  }

  async #confluent(bytes: Uint8Array, what: string): Promise<{ schemaId: number; value: unknown }> {
    let frame: { schemaId: number; body: Uint8Array };
    try {
      frame = parseConfluentFrame(bytes);
    } catch (error) {
      if (error instanceof ConfluentFrameError) {
        throw new PoisonRecordError("truncated-avro", `${what}: ${error.message}`);
      }
      throw error;
    }
    const type = this.#types.get(frame.schemaId) ?? await this.#typeById(frame.schemaId, what);
    return {
      schemaId: frame.schemaId,
      value: this.#decodeExact(type, frame.body, `${what} (schema id ${frame.schemaId})`),
    };
  }

  #typeById(id: number, what: string): Promise<avsc.Type> {
    const unknown = () =>
      new PoisonRecordError(
        "unknown-schema-id",
        `${what}: unknown schema id ${id}` +
          (this.#o.registry
            ? ": the schema registry does not have it"
            : ": no schema registry is configured"),
      );
    if (!this.#o.registry) return Promise.reject(unknown());
    const now = this.#o.now ?? Date.now;
    const since = this.#unknownIds.get(id);
    if (since !== undefined) {
      const retryMs = this.#o.unknownSchemaIdRetryMs ?? DEFAULT_UNKNOWN_SCHEMA_ID_RETRY_MS;
      if (now() - since < retryMs) return Promise.reject(unknown());
      this.#unknownIds.delete(id); // long enough: ask the registry again
    }
    let pending = this.#pending.get(id);
    if (!pending) {
      pending = this.#o.registry.schemaById(id).then(
        (text) => {
          let type: avsc.Type;
          try {
            type = parseWriterSchema(text);
          } catch (error) {
            if (error instanceof AvroSchemaError) {
              throw new PoisonRecordError(
                "bad-writer-schema",
                `${what}: the registry's schema id ${id} is ${error.message}`,
              );
            }
            throw error;
          }
          this.#types.set(id, type);
          return type;
        },
        (error) => {
          if (isUnknownId(error)) {
            this.#unknownIds.set(id, now());
            throw unknown();
          }
          throw error; // the registry could not answer: retried by the caller
        },
      ).finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    return pending;
  }

  #singleObject(bytes: Uint8Array, what: string): { fingerprint: string; value: unknown } {
    if (bytes.length < 10) {
      throw new PoisonRecordError(
        "truncated-avro",
        `${what}: Avro single-object data needs a 10-byte header, got ${bytes.length} bytes`,
      );
    }
    const { fingerprint, body } = parseSingleObject(bytes);
    const fp = fingerprintHex(fingerprint);
    const local = this.#o.localSchemas?.byFingerprint(fp);
    if (!local) {
      const known = this.#o.localSchemas?.list().map((s) => s.fingerprint).join(", ") || "none";
      throw new PoisonRecordError(
        "unknown-fingerprint",
        `${what}: Avro single-object data with schema fingerprint ${fp}, which no local schema has (known: ${known})`,
      );
    }
    return {
      fingerprint: fp,
      value: this.#decodeExact(local.type, body, `${what} (fingerprint ${fp})`),
    };
  }

  #decodeExact(type: avsc.Type, body: Uint8Array, what: string): unknown {
    // Every length and count checked against the bytes at hand before avsc allocates by them.
    try {
      checkAvroBounds(type, body, {
        maxDepth: this.#o.maxAvroDepth ?? DEFAULT_MAX_AVRO_DEPTH,
        maxBytes: this.#maxBytes,
      });
    } catch (error) {
      if (!(error instanceof AvroBoundsError)) throw error;
      throw new PoisonRecordError(
        error.reason,
        error.reason === "truncated-avro"
          ? `${what}: the Avro data (${body.length} bytes) ends before a whole ${
            describeType(type)
          }: ${error.message}`
          : `${what}: the Avro data does not decode with its writer schema: ${error.message}`,
      );
    }
    const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    let decoded: { value: unknown; offset: number };
    try {
      decoded = type.decode(buf, 0);
    } catch (error) {
      throw new PoisonRecordError(
        "bad-avro",
        `${what}: the Avro data does not decode with its writer schema: ${
          (error as Error).message
        }`,
      );
    }
    if (decoded.offset < 0) {
      throw new PoisonRecordError(
        "truncated-avro",
        `${what}: the Avro data (${body.length} bytes) ends before a whole ${describeType(type)}`,
      );
    }
    if (decoded.offset !== body.length) {
      throw new PoisonRecordError(
        "trailing-bytes",
        `${what}: ${body.length - decoded.offset} bytes are left after a whole ${
          describeType(type)
        } ` +
          `(${decoded.offset} of ${body.length} bytes read)`,
      );
    }
    try {
      const converted = bsonConverter(type, this.#bson)(decoded.value);
      // The connector reads a top-level Avro string as JSON text.
      if (type.typeName === "string" && typeof converted === "string") {
        return this.#json(converted, what).value;
      }
      return converted;
    } catch (error) {
      if (error instanceof BsonConversionError) {
        throw new PoisonRecordError("unrepresentable", `${what}: ${error.message}`);
      }
      throw error;
    }
  }

  #json(text: string, what: string): { value: unknown; envelope: boolean } {
    let parsed: unknown;
    try {
      parsed = parseJsonForBson(text);
    } catch (error) {
      throw new PoisonRecordError(
        "bad-json",
        `${what}: not valid JSON: ${(error as Error).message}`,
      );
    }
    if (!isConnectEnvelope(parsed)) return { value: parsed, envelope: false };
    if (parsed.schema === null) return { value: parsed.payload, envelope: true };
    try {
      return { value: connectToBson(parsed.schema, parsed.payload, this.#bson), envelope: true };
    } catch (error) {
      if (error instanceof ConnectJsonError) {
        throw new PoisonRecordError("bad-connect-json", `${what}: ${error.message}`);
      }
      throw error;
    }
  }

  #record(value: unknown, what: string): Record<string, unknown> {
    if (isPlainRecord(value)) return value;
    throw new PoisonRecordError(
      "not-a-record",
      `${what}: decodes to ${kindOf(value)}, not a record: documents are made from records`,
    );
  }
}

function isUnknownId(error: unknown): boolean {
  if (error instanceof UnknownSchemaIdError) return true;
  const e = error as { status?: unknown; errorCode?: unknown } | null;
  return e?.status === 404 || e?.errorCode === 40403;
}

/** The text of a value that starts like a JSON object (after whitespace or a BOM), else undefined. */
function jsonText(bytes: Uint8Array): string | undefined {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)
  ) i++;
  if (bytes[i] !== 0x7b) return undefined; // "{"
  try {
    return utf8.decode(bytes.subarray(i));
  } catch {
    return undefined;
  }
}

function unrecognised(bytes: Uint8Array, what: string): PoisonRecordError {
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  const printable = text !== undefined && ![...text].some(isControl);
  if (!printable) {
    return new PoisonRecordError(
      "bad-magic",
      `${what}: wrong magic byte 0x${bytes[0].toString(16).padStart(2, "0")}: expected 0x00 ` +
        `(Confluent wire format), c3 01 (Avro single-object) or a JSON object; it starts with ${head}`,
    );
  }
  const shown = text!.length > 40 ? `${text!.slice(0, 40)}…` : text!;
  return new PoisonRecordError(
    "not-avro-or-json",
    `${what}: text that is not a JSON object: ${JSON.stringify(shown)}`,
  );
}

/** A control character that text does not contain (tab, newlines, form feed are fine). */
function isControl(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) ||
    code === 0x7f;
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `a ${(v as object).constructor?.name ?? "value"}`;
  return `a ${typeof v}`;
}

function describeType(type: avsc.Type): string {
  return type.name ? `${type.typeName} ${type.name}` : type.typeName;
}
