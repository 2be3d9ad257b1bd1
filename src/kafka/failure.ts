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

/** What the client was configured with, so a message can name it (never a secret). */
export interface KafkaFailureContext {
  username?: string;
  mechanism?: string;
  /** A CA was configured (--ssl-ca, ssl.truststore.*). */
  caGiven?: boolean;
  /** A client certificate was configured (--ssl-cert, ssl.keystore.*). */
  clientCertGiven?: boolean;
  tls?: boolean;
  /** The bootstrap brokers (host:port), for a message that has no broker of its own. */
  brokers?: readonly string[];
}

let processContext: KafkaFailureContext = {};

/** Sets the context {@linkcode classifyKafkaError} uses by default (createKafka does, once). */
export function setKafkaFailureContext(context: KafkaFailureContext): void {
  processContext = { ...context };
}

const UNREACHABLE =
  /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|Connection timeout|connect ETIMEDOUT|Request timed out|ETIMEDOUT/i;
const UNTRUSTED =
  /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT|CERT_UNTRUSTED|unable to verify the first certificate|self[- ]signed certificate|unable to get (local )?issuer certificate|invalid peer certificate|UnknownIssuer/i;
const HOSTNAME = /ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match|NotValidForName/i;
const EXPIRED = /CERT_HAS_EXPIRED|certificate has expired|CERT_NOT_YET_VALID/i;
const TLS_OTHER =
  /certificate|SSL routines|ERR_SSL|ERR_TLS|unknown ca|bad decrypt|wrong version number|alert/i;
const CLIENT_CERT =
  /alert:? ?(BadCertificate|CertificateRequired|UnknownCA)|alert (bad certificate|certificate required)|CERTIFICATE_REQUIRED/i;
const TLS_CUT = /before secure TLS connection was established|socket disconnected before secure/i;

/** Classifies any error thrown by the Kafka client layer. */
export function classifyKafkaError(
  error: unknown,
  context: KafkaFailureContext = processContext,
): KafkaFailure {
  const chain = causes(error);
  const text = chain.map((e) => `${e.name}: ${e.message} ${codeOf(e) ?? ""}`).join(" <- ");
  const first = chain[0];
  const message = first ? first.message : String(error);
  const broker = chain.map((e) => (e as { broker?: unknown }).broker).find((b) =>
    typeof b === "string"
  ) as string | undefined;
  const at = broker ? ` of ${broker}` : "";

  if (chain.some((e) => e.name === "KafkaJSSASLAuthenticationError")) {
    const mechanism = context.mechanism ?? mechanismIn(text);
    const user = context.username ? ` for user ${context.username}` : "";
    return {
      kind: "auth",
      message: `SASL authentication failed${user}${mechanism ? ` (${mechanism})` : ""}: ` +
        "the broker refused the credentials (check --sasl-username, --sasl-password, " +
        "--sasl-mechanism)",
      configuration: true,
    };
  }
  if (TLS_CUT.test(text)) {
    return {
      kind: "handshake",
      message: `the broker${broker ? ` ${broker}` : ""} closed the connection during the TLS ` +
        "handshake: does this listener speak TLS? (check --security-protocol)",
      configuration: false,
    };
  }
  if (CLIENT_CERT.test(text)) {
    return {
      kind: "tls",
      message: context.clientCertGiven
        ? `TLS: the broker${broker ? ` ${broker}` : ""} refused the client certificate ` +
          "(is --ssl-cert signed by a CA the broker trusts?)"
        : `TLS: the broker${broker ? ` ${broker}` : ""} requires a client certificate ` +
          "(give --ssl-cert and --ssl-key)",
      configuration: true,
    };
  }
  if (UNTRUSTED.test(text)) {
    return {
      kind: "tls",
      message: `TLS: certificate${at} not trusted ` +
        (context.caGiven
          ? "(it is not signed by the CA in --ssl-ca / ssl.truststore.*)"
          : "(no --ssl-ca given?)"),
      configuration: true,
    };
  }
  if (HOSTNAME.test(text)) {
    return {
      kind: "tls",
      message: `TLS: certificate${at} does not name the host connected to (${message}); ` +
        "connect by a name it holds, or set ssl.endpoint.identification.algorithm= (empty) " +
        "to skip the check",
      configuration: true,
    };
  }
  if (EXPIRED.test(text)) {
    return {
      kind: "tls",
      message: `TLS: certificate${at} expired or not yet valid`,
      configuration: true,
    };
  }
  if (/ILLEGAL_SASL_STATE|not valid given the current SASL state/i.test(text)) {
    return {
      kind: "handshake",
      message:
        `the broker${
          broker ? ` ${broker}` : context.brokers?.length ? ` at ${context.brokers.join(", ")}` : ""
        } does not speak SASL on this listener ` +
        "(it refused the SASL handshake): check the port, and --security-protocol / " +
        "security.protocol (SASL_PLAINTEXT or SASL_SSL only where the listener is one)",
      configuration: false,
    };
  }
  if (/Closed connection/i.test(text)) {
    return {
      kind: "handshake",
      message: `the broker${broker ? ` ${broker}` : ""} closed the connection during the ` +
        "handshake: does this listener need TLS or SASL?" +
        (context.tls || context.mechanism
          ? " (check --security-protocol and --sasl-mechanism)"
          : ""),
      configuration: false,
    };
  }
  if (TLS_OTHER.test(text) && /tls|ssl|certificate/i.test(text)) {
    return { kind: "tls", message: `TLS: ${message}`, configuration: true };
  }
  if (UNREACHABLE.test(text) || /ECONNRESET/.test(text)) {
    return { kind: "unreachable", message, configuration: false };
  }
  return { kind: "other", message, configuration: false };
}

function mechanismIn(text: string): string | undefined {
  const m = /SASL (PLAIN|SCRAM SHA(256|512)|OAUTHBEARER)/i.exec(text);
  if (!m) return undefined;
  return m[2] ? `SCRAM-SHA-${m[2]}` : m[1].toUpperCase();
}

function codeOf(e: Error): string | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
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
