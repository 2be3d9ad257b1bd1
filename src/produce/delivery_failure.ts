/**
 * Why readings could not be delivered, and whether waiting helps. Transient failures (broker or
 * registry away, a subject not registered yet) block delivery and are retried; permanent ones
 * (the registry rejects the schema, the broker refuses a record as too large) move the readings
 * concerned to the spool's quarantine so the rest keeps flowing.
 */
import { RegistryError } from "../avro/registry_client.ts";
import { classifyKafkaError } from "../kafka/failure.ts";
import { SpoolWriteError } from "../spool/spool_failure.ts";
import { SchemaMismatchError, SubjectMissingError, UnknownWriterSchemaError } from "./framer.ts";

/** The side that is failing, as the stats line names it. */
export type FailingSide = "kafka" | "registry" | "schema" | "spool";

/** A classified delivery failure. */
export interface DeliveryFailure {
  side: FailingSide;
  /** True when retrying cannot help these readings: they go to quarantine. */
  permanent: boolean;
  /** One line for the log and the quarantine reason; never a secret. */
  message: string;
  /** Groups failures with the same cause, so each cause is logged once. */
  cause: string;
}

/** Broker error codes that refuse a record for good (retrying sends the same bytes). */
const PERMANENT_KAFKA = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE", "INVALID_RECORD"]);

/** Classifies an error from framing (registry) or producing (Kafka). */
export function classifyDeliveryError(error: unknown): DeliveryFailure {
  if (error instanceof SpoolWriteError) {
    // The spool could not record a quarantine: Kafka is not at fault; retried.
    return { side: "spool", permanent: false, message: error.message, cause: error.kind };
  }
  if (error instanceof SubjectMissingError) {
    return { side: "schema", permanent: false, message: error.message, cause: error.message };
  }
  if (error instanceof SchemaMismatchError || error instanceof UnknownWriterSchemaError) {
    return { side: "schema", permanent: true, message: error.message, cause: error.message };
  }
  if (error instanceof RegistryError) {
    // 409: incompatible with the subject's versions; 422: not a valid schema. Both for good.
    const permanent = error.status === 409 || error.status === 422;
    const side: FailingSide = permanent ? "schema" : "registry";
    const cause = error.status === undefined
      ? "registry unreachable"
      : `registry HTTP ${error.status}`;
    return { side, permanent, message: error.message, cause };
  }
  const type = kafkaErrorType(error);
  if (type && PERMANENT_KAFKA.has(type)) {
    const message = type === "MESSAGE_TOO_LARGE" || type === "RECORD_LIST_TOO_LARGE"
      ? `the broker refused the record as too large (${type}): raise the topic's max.message.bytes`
      : `the broker refused the record (${type})`;
    return { side: "kafka", permanent: true, message, cause: type };
  }
  const k = classifyKafkaError(error);
  return {
    side: "kafka",
    permanent: false,
    message: k.message,
    cause: `kafka ${k.kind}: ${k.message}`,
  };
}

/** The Kafka protocol error type (e.g. `MESSAGE_TOO_LARGE`) anywhere in the cause chain. */
export function kafkaErrorType(error: unknown): string | undefined {
  let at: unknown = error;
  for (let i = 0; i < 8 && at instanceof Error; i++) {
    const type = (at as { type?: unknown }).type;
    if (typeof type === "string" && type !== "UNKNOWN") return type;
    at = (at as { originalError?: unknown }).originalError ?? at.cause;
  }
  return undefined;
}
