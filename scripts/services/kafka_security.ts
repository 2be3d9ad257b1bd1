/**
 * The local broker's secured listeners, for the tests and for trying a secured setup by hand:
 *
 * - `SASL_PLAINTEXT://127.0.0.1:9094` with SCRAM-SHA-512,
 * - `SASL_SSL://127.0.0.1:9095` with SCRAM-SHA-256 and PLAIN, its certificate signed by a CA the
 *   services generate (openssl) into `.services/kafka/tls/` (`ca.pem` is what clients trust),
 * - `SSL://127.0.0.1:9096` with mutual TLS: a client certificate signed by the same CA is required
 *   (`client.pem` / `client-key.pem` are one).
 *
 * The plaintext listener on 127.0.0.1:9092 stays as it is (inter-broker traffic uses it).
 * SCRAM users live in the KRaft metadata: they are (re)set through the Admin API after each start
 * (`java/ScramUsers.java`), which is idempotent and leaves existing storage alone.
 */
import { join } from "node:path";
import type { PropertyValue } from "./properties.ts";
import { runTool } from "./run.ts";

/** A test account of the local broker. Not a secret: it guards a broker bound to 127.0.0.1. */
export interface BrokerAccount {
  username: string;
  password: string;
}

/** Ports of the secured listeners. */
export const SECURED_PORTS = { saslPlaintext: 9094, saslSsl: 9095, mutualTls: 9096 } as const;

/** The account on every secured listener and mechanism (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN). */
export const BROKER_ACCOUNT: BrokerAccount = {
  username: "gw",
  password: "gw-local-4f1d9a7c",
};

/** Files of the generated certificate authority and broker certificate. */
export interface TlsFiles {
  dir: string;
  caCert: string;
  caKey: string;
  brokerCert: string;
  brokerKey: string;
  clientCert: string;
  clientKey: string;
}

/** Where the TLS material of the broker in `kafkaDir` lives. */
export function tlsFiles(kafkaDir: string): TlsFiles {
  const dir = join(kafkaDir, "tls");
  return {
    dir,
    caCert: join(dir, "ca.pem"),
    caKey: join(dir, "ca-key.pem"),
    brokerCert: join(dir, "broker.pem"),
    brokerKey: join(dir, "broker-key.pem"),
    clientCert: join(dir, "client.pem"),
    clientKey: join(dir, "client-key.pem"),
  };
}

function jaasQuote(text: string): string {
  if (/["\\\n]/.test(text)) {
    throw new Error("kafka config: JAAS values cannot hold a quote, a backslash or a newline");
  }
  return `"${text}"`;
}

/** The listener and SASL entries added to `server.properties` (pure). */
export function securedListenerProperties(
  host: string,
  account: BrokerAccount,
  brokerCertPem: string,
  brokerKeyPem: string,
  caCertPem: string,
): { listeners: string[]; protocolMap: string[]; entries: Record<string, PropertyValue> } {
  const scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
  return {
    listeners: [
      `SASL_PLAINTEXT://${host}:${SECURED_PORTS.saslPlaintext}`,
      `SASL_SSL://${host}:${SECURED_PORTS.saslSsl}`,
      `SSL://${host}:${SECURED_PORTS.mutualTls}`,
    ],
    protocolMap: ["SASL_PLAINTEXT:SASL_PLAINTEXT", "SASL_SSL:SASL_SSL", "SSL:SSL"],
    entries: {
      "listener.name.sasl_plaintext.sasl.enabled.mechanisms": "SCRAM-SHA-512",
      "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config": scram,
      "listener.name.sasl_ssl.sasl.enabled.mechanisms": "SCRAM-SHA-256,PLAIN",
      "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config": scram,
      "listener.name.sasl_ssl.plain.sasl.jaas.config":
        "org.apache.kafka.common.security.plain.PlainLoginModule required " +
        `user_${account.username}=${jaasQuote(account.password)};`,
      // Inline PEM: Kafka takes an unencrypted PKCS#8 key this way (a PEM file needs a key password).
      "listener.name.sasl_ssl.ssl.keystore.type": "PEM",
      "listener.name.sasl_ssl.ssl.keystore.certificate.chain": brokerCertPem.trim(),
      "listener.name.sasl_ssl.ssl.keystore.key": brokerKeyPem.trim(),
      "listener.name.sasl_ssl.ssl.client.auth": "none",
      "listener.name.ssl.ssl.keystore.type": "PEM",
      "listener.name.ssl.ssl.keystore.certificate.chain": brokerCertPem.trim(),
      "listener.name.ssl.ssl.keystore.key": brokerKeyPem.trim(),
      "listener.name.ssl.ssl.truststore.type": "PEM",
      "listener.name.ssl.ssl.truststore.certificates": caCertPem.trim(),
      "listener.name.ssl.ssl.client.auth": "required",
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Installs Debian's openssl when the machine lacks it (a fresh CI machine); quick when present. */
async function ensureOpenssl(log: (line: string) => void): Promise<void> {
  try {
    await runTool("openssl", ["version"], { what: "openssl" });
    return;
  } catch (error) {
    if (!/not installed/.test((error as Error).message)) throw error;
  }
  log("openssl is missing: installing it with apt-get");
  await runTool("apt-get", ["install", "-y", "-q", "openssl"], {
    what: "apt-get install openssl",
    env: { DEBIAN_FRONTEND: "noninteractive" },
  });
}

/**
 * Generates, once, a CA and a broker certificate for 127.0.0.1 and localhost signed by it
 * (openssl). Idempotent: existing files are kept, so clients' trust survives restarts.
 */
export async function ensureBrokerTls(
  kafkaDir: string,
  host: string,
  log: (line: string) => void,
): Promise<TlsFiles> {
  const f = tlsFiles(kafkaDir);
  if (await exists(f.brokerCert) && await exists(f.brokerKey) && await exists(f.caCert)) {
    await ensureClientCert(f, log);
    return f;
  }
  await Deno.mkdir(f.dir, { recursive: true });
  await ensureOpenssl(log);
  log(`generating a CA and a broker certificate in ${f.dir} (openssl)`);
  const what = "kafka TLS certificates (openssl)";
  await runTool("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    f.caKey,
    "-out",
    f.caCert,
    "-days",
    "3650",
    "-subj",
    "/CN=sensortag-gateway local CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ], { what });
  await signedCertificate(f, {
    name: "broker",
    subject: `/CN=${host}`,
    extensions: `subjectAltName=IP:${host},DNS:localhost\nextendedKeyUsage=serverAuth\n`,
    key: f.brokerKey,
    cert: f.brokerCert,
    what,
  });
  await ensureClientCert(f, log);
  return f;
}

/** A client certificate signed by the CA (mutual TLS), generated once. */
async function ensureClientCert(f: TlsFiles, log: (line: string) => void): Promise<void> {
  if (await exists(f.clientCert) && await exists(f.clientKey)) return;
  log(`generating a client certificate (mutual TLS) in ${f.dir} (openssl)`);
  await signedCertificate(f, {
    name: "client",
    subject: "/CN=gw-client",
    extensions: "extendedKeyUsage=clientAuth\n",
    key: f.clientKey,
    cert: f.clientCert,
    what: "kafka TLS client certificate (openssl)",
  });
}

/** One certificate to sign with the local CA. */
interface CertificateRequest {
  /** Names the request's scratch files in the TLS directory (`<name>.csr`, `<name>.ext`). */
  name: string;
  /** The certificate's subject, e.g. `/CN=127.0.0.1`. */
  subject: string;
  /** X.509 v3 extensions, openssl's `-extfile` syntax. */
  extensions: string;
  /** Where the new private key and the signed certificate go. */
  key: string;
  cert: string;
  /** What a failing openssl run is reported as. */
  what: string;
}

/** A new RSA key and its certificate signed by the CA in `f`, valid for ten years. */
async function signedCertificate(f: TlsFiles, r: CertificateRequest): Promise<void> {
  const csr = join(f.dir, `${r.name}.csr`);
  const ext = join(f.dir, `${r.name}.ext`);
  await runTool("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    r.key,
    "-out",
    csr,
    "-subj",
    r.subject,
  ], { what: r.what });
  await Deno.writeTextFile(ext, r.extensions);
  await runTool("openssl", [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    f.caCert,
    "-CAkey",
    f.caKey,
    "-CAcreateserial",
    "-out",
    r.cert,
    "-days",
    "3650",
    "-extfile",
    ext,
  ], { what: r.what });
  await Deno.remove(csr).catch(() => {});
}

/** Creates or replaces the SCRAM credentials of the account (Admin API over the plaintext listener). */
export async function ensureScramUsers(
  classpath: string,
  bootstrap: string,
  account: BrokerAccount,
  log: (line: string) => void,
): Promise<void> {
  const source = new URL("./java/ScramUsers.java", import.meta.url).pathname;
  await runTool("java", [
    "-cp",
    classpath,
    source,
    bootstrap,
    account.username,
    "SCRAM-SHA-512",
    account.username,
    "SCRAM-SHA-256",
  ], {
    what: "kafka SCRAM users",
    env: { [`SCRAM_PASSWORD_${account.username}`]: account.password },
  });
  log(`SCRAM-SHA-512 and SCRAM-SHA-256 credentials set for ${account.username}`);
}
