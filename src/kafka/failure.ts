/**
 * What went wrong talking to Kafka, in words an operator acts on. Every Kafka error the product
 * logs or decides on goes through {@linkcode classifyKafkaError}, so produce (keep readings
 * spooled, retry) and sink (retry, then give up after a bounded time) treat the same failure the
 * same way.
 */

/**
 * - `auth`: the broker refused the credentials (SASL).
 * - `tls`: the TLS handshake failed (certificate not trusted, host name mismatch, bad key).
 * - `handshake`: the broker closed the connection during the handshake (wrong protocol for the
 *   listener, e.g. plaintext against a TLS or SASL listener).
 * - `unreachable`: no broker answered (refused, reset, timed out, name not resolved).
 * - `other`: anything else (a broker-side error code, a protocol error).
 */
export type KafkaFailureKind = "auth" | "tls" | "handshake" | "unreachable" | "other";

/** A classified Kafka failure. */
export interface KafkaFailure {
  kind: KafkaFailureKind;
  /** One line for the log; never a secret. */
  message: string;
  /** True for `auth` and `tls`: configuration errors that retrying alone will not fix. */
  configuration: boolean;
}

const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|Connection timeout|connect ETIMEDOUT|Request timed out/i;
const TLS = /certificate|self[- ]signed|SSL|TLS|UNABLE_TO_VERIFY|ERR_TLS|unknown ca|wrong version number/i;

/** Classifies any error thrown by the Kafka client layer. */
export function classifyKafkaError(error: unknown): KafkaFailure {
  const chain = causes(error);
  const text = chain.map((e) => `${e.name}: ${e.message}`).join(" <- ");
  const first = chain[0];
  const message = first ? first.message : String(error);
  if (chain.some((e) => e.name === "KafkaJSSASLAuthenticationError")) {
    return { kind: "auth", message: `SASL authentication failed: ${message}`, configuration: true };
  }
  if (TLS.test(text)) return { kind: "tls", message: `TLS: ${message}`, configuration: true };
  if (UNREACHABLE.test(text)) return { kind: "unreachable", message, configuration: false };
  if (/Closed connection/i.test(text)) {
    return {
      kind: "handshake",
      message: "the broker closed the connection during the handshake: " +
        "does this listener need TLS or SASL?",
      configuration: false,
    };
  }
  return { kind: "other", message, configuration: false };
}

function causes(error: unknown): Error[] {
  const out: Error[] = [];
  let at: unknown = error;
  while (at instanceof Error && out.length < 8) {
    out.push(at);
    at = (at as { originalError?: unknown }).originalError ?? at.cause;
  }
  return out;
}
