/**
 * A MongoDB connection string (and client options) checked as the driver reads it, before the
 * sink starts: a malformed string is the operator's mistake (exit 2) named in their terms, not
 * the driver's `Unable to parse [bad with URL` surfacing at the first connection.
 */
import { MongoClient, type MongoClientOptions } from "mongodb";
import { redact } from "../../util/redact.ts";

/** The mechanisms a gateway can authenticate with (the connector's, less Kerberos). */
export const MONGO_AUTH_MECHANISMS = ["SCRAM-SHA-1", "SCRAM-SHA-256", "MONGODB-X509", "PLAIN"];

/**
 * What is wrong with `uri` and `options` for the driver, in words naming the part at fault, or
 * undefined when the driver accepts them. Opens no connection.
 */
export function mongoConnectionProblem(
  uri: string,
  options: MongoClientOptions = {},
): string | undefined {
  try {
    // The constructor parses and checks everything; connecting happens only on connect().
    new MongoClient(uri, options);
    return undefined;
  } catch (error) {
    return explain((error as Error).message);
  }
}

function explain(message: string): string {
  const host = /^Unable to parse (.*) with URL$/.exec(message);
  if (host) {
    return `the host '${
      redact(host[1])
    }' is not host[:port] (a host name or address, and a port from 1 to 65535)`;
  }
  const mechanism = /^authMechanism one of .*, got (.*)$/.exec(message);
  if (mechanism) {
    return `authMechanism=${mechanism[1]} is not one of ${MONGO_AUTH_MECHANISMS.join(", ")}`;
  }
  if (/^URI malformed$/.test(message)) {
    return "a %-escape in it is malformed (write % as %25 in a user name or password)";
  }
  return redact(message);
}

/** `uri` for a message: the password of its user info masked. */
export function maskedMongoUri(uri: string): string {
  return redact(uri).replace(/^([a-z+]+:\/\/[^:@/]*:)[^@]*@/i, "$1***@");
}
