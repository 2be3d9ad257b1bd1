/** Record values the sink can never turn into a document, each with a machine-usable reason. */

export type PoisonReason =
  /** A null value (a tombstone) where tombstones go to the dead-letter topic. */
  | "tombstone"
  /** A value of zero bytes. */
  | "empty"
  /** A value larger than the configured maximum. */
  | "too-large"
  /** Binary data that starts with neither 0x00 (Confluent) nor C3 01 (single-object) nor JSON. */
  | "bad-magic"
  /** Text that is not a JSON object. */
  | "not-avro-or-json"
  /** Starts like a JSON object but does not parse as JSON. */
  | "bad-json"
  /** Decodes, but to something other than a record (a bare string, number, array, ...). */
  | "not-a-record"
  /** Kafka Connect JSON whose payload does not match its schema. */
  | "bad-connect-json"
  /** A Confluent schema id the registry does not know. */
  | "unknown-schema-id"
  /** A single-object fingerprint none of the local schemas has. */
  | "unknown-fingerprint"
  /** The writer schema (from the registry or schemas/) is not a valid Avro schema. */
  | "bad-writer-schema"
  /** The Avro data (or its header) ends before a whole record. */
  | "truncated-avro"
  /** Bytes left over after a whole Avro record. */
  | "trailing-bytes"
  /** Avro data that cannot be read with its writer schema (a bad union or enum index, ...). */
  | "bad-avro"
  /** A value with no faithful BSON form (a decimal past 34 digits, a date out of range, a bad uuid). */
  | "unrepresentable";

export class PoisonRecordError extends Error {
  override name = "PoisonRecordError";
  constructor(readonly reason: PoisonReason, message: string) {
    super(message);
  }
}
