/** A record value the sink cannot turn into a document; `reason` is a short machine-usable code. */
export type PoisonReason =
  | "empty"
  | "too-large"
  | "bad-magic"
  | "unknown-schema-id"
  | "registry-unavailable"
  | "unknown-fingerprint"
  | "truncated-avro"
  | "trailing-bytes"
  | "bad-avro"
  | "not-avro-or-json";

export class PoisonRecordError extends Error {
  override name = "PoisonRecordError";
  constructor(readonly reason: PoisonReason, message: string) {
    super(message);
  }
}
