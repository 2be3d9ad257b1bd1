/**
 * Sorts MongoDB failures into the kinds the sink treats differently:
 * - `unavailable`: the store is away (pause, retry with backoff until it is back, commit nothing);
 * - `auth`: the store refused the credentials, at the handshake or, as FerretDB 1.x does, on the
 *   first write ("password authentication failed" from its PostgreSQL): never a per-record
 *   rejection; pause, retry, give up after `--give-up-after`;
 * - `tls`: the store's certificate is not trusted (or the TLS handshake failed): as `auth`;
 * - `rejected`: the store looked at a write and refused it (the error policy decides);
 * - `unknown`: anything not known to mean one of the above: the error policy decides too, and
 *   the log names its class and message. Only errors known to mean "store away" pause.
 */
import {
  MongoBulkWriteError,
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
} from "mongodb";

export type FailureKind = "unavailable" | "auth" | "tls" | "rejected" | "unknown";

const UNAVAILABLE_NAMES = new Set([
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoServerSelectionError",
  "MongoTopologyClosedError",
  "MongoNotConnectedError",
  "PoolClearedError",
  "PoolClearedOnNetworkError",
  "MongoPoolClearedError",
  "MongoServerClosedError",
]);

/** Server error codes that mean "not now" rather than "never" (shutdown, not primary, ...). */
const TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** AuthenticationFailed, Unauthorized... as MongoDB numbers them. */
const AUTH_CODES = new Set([18, 13, 11]);

/** PostgreSQL behind FerretDB refusing the password (SQLSTATE 28P01 / 28000). */
const AUTH_TEXT =
  /password authentication failed|authentication failed|SQLSTATE 28P01|SQLSTATE 28000|SCRAM authentication|no pg_hba\.conf entry|Unsupported authentication mechanism/i;
const TLS_TEXT =
  /self[- ]signed certificate|unable to verify|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|DEPTH_ZERO_SELF_SIGNED|CERT_HAS_EXPIRED|ERR_TLS|certificate (?:verify|has expired|is not trusted)|Hostname\/IP does not match|ERR_SSL|wrong version number/i;
/** A connection dropped under a request: the store went away. */
const GONE_TEXT =
  /connection .*(?:closed|reset)|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|socket hang up|timed out|pool .*cleared|server selection|not connected|topology .*closed|network/i;

/**
 * Node's system error codes for a connection the peer closed or never answered. The driver
 * passes some through as the `code` of its own error with a message that names none of them
 * (FerretDB stopping mid-write gave a MongoBulkWriteError "This socket has been ended by the
 * other party", code EPIPE): the code, not the text, says the store went away.
 */
const GONE_CODES = new Set([
  "EPIPE",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ENOTCONN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
]);

/** Classifies one error thrown by the MongoDB driver (or by a write through it). */
export function classifyMongoError(error: unknown): FailureKind {
  const text = errorText(error);
  if (isAuthError(error, text)) return "auth";
  if (TLS_TEXT.test(text)) return "tls";
  if (chain(error).some((e) => GONE_CODES.has(String((e as { code?: unknown }).code)))) {
    return "unavailable";
  }
  // A write the server looked at and refused: per-document write errors with the server's code.
  // (The driver also reports a connection lost mid-bulk as a MongoBulkWriteError, e.g. "connect
  // ECONNREFUSED" when the store died between two batches: no server code, the store is away.)
  if (error instanceof MongoBulkWriteError) {
    const first = (writeErrorList(error) as { index: number; code?: unknown }[])
      .sort((a, b) => a.index - b.index)[0];
    if (first && typeof first.code === "number" && first.code !== 0) {
      return TRANSIENT_CODES.has(first.code) ? "unavailable" : "rejected";
    }
    if (GONE_TEXT.test(text) || hasNetworkCause(error)) return "unavailable";
  }
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) {
    return "unavailable";
  }
  if (error instanceof Error && UNAVAILABLE_NAMES.has(error.name)) return "unavailable";
  if (error instanceof MongoServerError) {
    if (
      error.hasErrorLabel("RetryableWriteError") || error.hasErrorLabel("TransientTransactionError")
    ) {
      return "unavailable";
    }
    if (typeof error.code === "number") {
      return TRANSIENT_CODES.has(error.code) ? "unavailable" : "rejected";
    }
    // No server code: the driver's own error carried in a server error's clothes.
    return GONE_TEXT.test(text) ? "unavailable" : "unknown";
  }
  // A document the driver cannot even encode will never be accepted.
  if (
    error instanceof MongoInvalidArgumentError ||
    (error instanceof Error && error.name === "BSONError")
  ) {
    return "rejected";
  }
  if (error instanceof Error && GONE_TEXT.test(error.message)) return "unavailable";
  return "unknown";
}

/** The words an operator acts on for an `auth` or `tls` failure (never a secret). */
export function describeMongoFailure(kind: FailureKind, error: unknown): string {
  const message = firstLine(error);
  if (kind === "auth") {
    return `MongoDB authentication failed (check the user and password: --username/--password, ` +
      `connect.mongo.username/password or the URI): ${message}`;
  }
  if (kind === "tls") {
    return `MongoDB TLS: the store's certificate is not trusted or the TLS handshake failed ` +
      `(tlsCAFile / ssl.truststore.location?): ${message}`;
  }
  return message;
}

function hasNetworkCause(error: unknown): boolean {
  return chain(error).some((e) => e instanceof MongoNetworkError || UNAVAILABLE_NAMES.has(e.name));
}

function isAuthError(error: unknown, text: string): boolean {
  for (const e of chain(error)) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof MongoServerError && typeof code === "number" && AUTH_CODES.has(code)) {
      return true;
    }
    if ((e as { codeName?: unknown }).codeName === "AuthenticationFailed") return true;
  }
  return AUTH_TEXT.test(text);
}

/** Message text of the error, its causes and (server selection) each server's last error. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (const e of chain(error)) {
    parts.push(`${e.name}: ${e.message}`);
    const servers = (e as { reason?: { servers?: Map<string, { error?: unknown }> } }).reason
      ?.servers;
    if (servers instanceof Map) {
      for (const s of servers.values()) {
        if (s?.error instanceof Error) {
          for (const inner of chain(s.error)) parts.push(`${inner.name}: ${inner.message}`);
        }
      }
    }
    for (const w of e instanceof MongoBulkWriteError ? writeErrorList(e) : []) {
      parts.push(String((w as { errmsg?: unknown }).errmsg ?? ""));
    }
  }
  return parts.join(" <- ");
}

function chain(error: unknown): Error[] {
  const out: Error[] = [];
  let at: unknown = error;
  while (at instanceof Error && out.length < 8) {
    out.push(at);
    at = at.cause;
  }
  return out;
}

function firstLine(error: unknown): string {
  const m = error instanceof Error ? error.message : String(error);
  // FerretDB prefixes its messages with a Go stack ("[msg_insert.go:168 ...] ..."): keep the end.
  const lines = m.split("\n").map((l) => l.replace(/^(\s*\[[^\]]+\]\s*)+/, "").trim())
    .filter(Boolean);
  return lines.slice(-1)[0] ?? m;
}

function writeErrorList(error: MongoBulkWriteError): unknown[] {
  const w = error.writeErrors as unknown;
  return Array.isArray(w) ? w : w ? [w] : [];
}

/** For an ordered bulk write that failed: how many operations were applied before the failure. */
export function appliedBeforeFailure(error: unknown): number {
  if (error instanceof MongoBulkWriteError) {
    const list = writeErrorList(error) as { index: number }[];
    if (list.length > 0) return Math.min(...list.map((e) => e.index));
  }
  return 0;
}

/** The server's error code of the first failed operation, when it has one. */
export function writeErrorCode(error: unknown): number | undefined {
  if (error instanceof MongoBulkWriteError) {
    const list = (writeErrorList(error) as { index: number; code?: number }[])
      .sort((a, b) => a.index - b.index);
    if (list[0]?.code !== undefined) return list[0].code;
  }
  const code = (error as { code?: unknown })?.code;
  return typeof code === "number" ? code : undefined;
}
