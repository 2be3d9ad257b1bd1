/**
 * Kafka TLS and SASL settings, defined once for `gateway produce`, `gateway sink` and the sink's
 * dead-letter producer: the flags (each with its GATEWAY_* variable), the Java client keys of a
 * `--kafka-config` file (the file Kafka's own tools take as `--command-config`) and of a
 * connector's `.properties` (top level and `consumer.override.*`), and how they become kafkajs's
 * `ssl` and `sasl` options. Flags override the file.
 */
import { resolve } from "node:path";
import type { SASLOptions } from "kafkajs";
import type { ConnectionOptions } from "node:tls";
import { optionKey, type OptionSpec } from "./option_spec.ts";
import { registerSecret } from "../util/redact.ts";

/** `security.protocol`. */
export const SECURITY_PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/** `sasl.mechanism`. */
export const SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

function upperOneOf<T extends string>(flag: string, choices: readonly T[]) {
  return (text: string): T => {
    const v = text.trim().toUpperCase();
    if (!(choices as readonly string[]).includes(v)) {
      throw new Error(`${flag} must be one of ${choices.join(", ")}, got "${text}"`);
    }
    return v as T;
  };
}

function nonEmpty(flag: string) {
  return (text: string): string => {
    if (text.trim() === "") throw new Error(`${flag} is empty`);
    return text;
  };
}

function secretText(flag: string) {
  return (text: string): string => registerSecret(nonEmpty(flag)(text));
}

/** The Kafka security options of both commands (one entry per setting). */
export const KAFKA_SECURITY_OPTIONS = {
  kafkaConfig: {
    flag: "--kafka-config <file>",
    env: "GATEWAY_KAFKA_CONFIG",
    help: "Kafka client properties in Java keys (security.protocol, sasl.mechanism, " +
      "sasl.jaas.config, ssl.truststore.*, ssl.keystore.*, bootstrap.servers), as for Kafka's " +
      "--command-config; flags override it",
  },
  securityProtocol: {
    flag: "--security-protocol <protocol>",
    env: "GATEWAY_SECURITY_PROTOCOL",
    help: `Kafka security.protocol: ${SECURITY_PROTOCOLS.join(", ")} (default PLAINTEXT)`,
    parse: upperOneOf("--security-protocol", SECURITY_PROTOCOLS),
  },
  saslMechanism: {
    flag: "--sasl-mechanism <mechanism>",
    env: "GATEWAY_SASL_MECHANISM",
    help: `Kafka sasl.mechanism: ${SASL_MECHANISMS.join(", ")}`,
    parse: upperOneOf("--sasl-mechanism", SASL_MECHANISMS),
  },
  saslUsername: {
    flag: "--sasl-username <name>",
    env: "GATEWAY_SASL_USERNAME",
    help: "Kafka SASL user (PLAIN, SCRAM)",
    parse: nonEmpty("--sasl-username"),
  },
  saslPassword: {
    flag: "--sasl-password <secret>",
    env: "GATEWAY_SASL_PASSWORD",
    help: "Kafka SASL password (prefer the environment variable, e.g. from an EnvironmentFile)",
    parse: secretText("--sasl-password"),
    secret: true,
  },
  saslOauthTokenFile: {
    flag: "--sasl-oauth-token-file <file>",
    env: "GATEWAY_SASL_OAUTH_TOKEN_FILE",
    help: "OAUTHBEARER: file holding the current token, read again at every (re)authentication " +
      "so whatever refreshes it is picked up",
    parse: nonEmpty("--sasl-oauth-token-file"),
  },
  sslCa: {
    flag: "--ssl-ca <pem file>",
    env: "GATEWAY_SSL_CA",
    help: "CA certificate(s) the brokers' certificates are checked against (default: the system's)",
    parse: nonEmpty("--ssl-ca"),
  },
  sslCert: {
    flag: "--ssl-cert <pem file>",
    env: "GATEWAY_SSL_CERT",
    help: "client certificate for mutual TLS (with --ssl-key)",
    parse: nonEmpty("--ssl-cert"),
  },
  sslKey: {
    flag: "--ssl-key <pem file>",
    env: "GATEWAY_SSL_KEY",
    help: "client private key for mutual TLS (PEM; may also hold the certificate)",
    parse: nonEmpty("--ssl-key"),
  },
  sslKeyPassword: {
    flag: "--ssl-key-password <secret>",
    env: "GATEWAY_SSL_KEY_PASSWORD",
    help: "passphrase of an encrypted --ssl-key",
    parse: secretText("--ssl-key-password"),
    secret: true,
  },
} satisfies Record<string, OptionSpec<string>>;

/** The settings as given (flags, or a file's keys): every field optional. */
export interface KafkaSecurityInput {
  protocol?: SecurityProtocol;
  mechanism?: SaslMechanism;
  username?: string;
  password?: string;
  oauthTokenFile?: string;
  /** CA file, or inline PEM (`ssl.truststore.certificates`). */
  caFile?: string;
  caPem?: string;
  certFile?: string;
  certPem?: string;
  keyFile?: string;
  keyPem?: string;
  keyPassword?: string;
  /** False when `ssl.endpoint.identification.algorithm` is empty. */
  checkHostname?: boolean;
  /** `bootstrap.servers` of a client properties file. */
  brokers?: string;
}

/** The resolved settings. */
export interface KafkaSecurity extends KafkaSecurityInput {
  protocol: SecurityProtocol;
  /** Where each setting came from, for messages ("--kafka-config client.properties"). */
  origin?: string;
}

/** The flag values of a command (as commander gives them) → the input they make. */
export function kafkaSecurityFromFlags(
  values: Partial<Record<keyof typeof KAFKA_SECURITY_OPTIONS, string | undefined>>,
): KafkaSecurityInput {
  const out: KafkaSecurityInput = {
    protocol: values.securityProtocol as SecurityProtocol | undefined,
    mechanism: values.saslMechanism as SaslMechanism | undefined,
    username: values.saslUsername,
    password: registerSecret(values.saslPassword),
    oauthTokenFile: values.saslOauthTokenFile,
    caFile: values.sslCa,
    certFile: values.sslCert,
    keyFile: values.sslKey,
    keyPassword: registerSecret(values.sslKeyPassword),
  };
  return prune(out);
}

/** The flag keys commander uses for the options above. */
export const KAFKA_SECURITY_KEYS = Object.fromEntries(
  Object.entries(KAFKA_SECURITY_OPTIONS).map(([k, spec]) => [k, optionKey(spec)]),
) as Record<keyof typeof KAFKA_SECURITY_OPTIONS, string>;

function prune<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** What a properties map said about Kafka security. */
export interface KafkaPropertiesResult {
  input: KafkaSecurityInput;
  /** Keys read (so the caller does not report them as unused). */
  used: Set<string>;
  problems: string[];
  warnings: string[];
}

/** The Java client keys this module reads (after an optional prefix). */
export const KAFKA_SECURITY_KEYS_READ = [
  "security.protocol",
  "sasl.mechanism",
  "sasl.jaas.config",
  "ssl.truststore.location",
  "ssl.truststore.type",
  "ssl.truststore.certificates",
  "ssl.truststore.password",
  "ssl.keystore.location",
  "ssl.keystore.type",
  "ssl.keystore.password",
  "ssl.keystore.certificate.chain",
  "ssl.keystore.key",
  "ssl.key.password",
  "ssl.endpoint.identification.algorithm",
] as const;

/**
 * Reads the Java client security keys of `props` (each key after `prefix`, e.g.
 * `consumer.override.`). `where` names the file in messages. Values are never quoted back in
 * a message when they are secrets.
 */
export function kafkaSecurityFromProperties(
  props: ReadonlyMap<string, string>,
  where: string,
  prefix = "",
  sniff: (path: string) => string | undefined = sniffFile,
): KafkaPropertiesResult {
  const used = new Set<string>();
  const problems: string[] = [];
  const warnings: string[] = [];
  const at = where ? `${where}: ` : "";
  const get = (key: string): string | undefined => {
    const v = props.get(prefix + key);
    if (v === undefined) return undefined;
    used.add(prefix + key);
    return v.trim();
  };
  const input: KafkaSecurityInput = {};
  const protocol = get("security.protocol");
  if (protocol) {
    const p = protocol.toUpperCase();
    if ((SECURITY_PROTOCOLS as readonly string[]).includes(p)) {
      input.protocol = p as SecurityProtocol;
    } else {
      problems.push(
        `${at}${prefix}security.protocol=${protocol} is not one of ${
          SECURITY_PROTOCOLS.join(", ")
        }`,
      );
    }
  }
  const mechanism = get("sasl.mechanism");
  if (mechanism) {
    const m = mechanism.toUpperCase();
    if ((SASL_MECHANISMS as readonly string[]).includes(m)) input.mechanism = m as SaslMechanism;
    else {
      problems.push(
        `${at}${prefix}sasl.mechanism=${mechanism} is not one of ${
          SASL_MECHANISMS.join(", ")
        } (GSSAPI/Kerberos is not supported)`,
      );
    }
  }
  const jaas = get("sasl.jaas.config");
  if (jaas !== undefined && jaas !== "") {
    const parsed = parseJaasConfig(jaas);
    if ("problem" in parsed) {
      problems.push(`${at}${prefix}sasl.jaas.config: ${parsed.problem}`);
    } else {
      if (parsed.username !== undefined) input.username = parsed.username;
      if (parsed.password !== undefined) input.password = registerSecret(parsed.password);
      if (parsed.module === "oauthbearer") input.mechanism ??= "OAUTHBEARER";
      if (
        parsed.module === "scram" && input.mechanism && !input.mechanism.startsWith("SCRAM")
      ) {
        problems.push(
          `${at}${prefix}sasl.jaas.config uses ScramLoginModule but sasl.mechanism is ${input.mechanism}`,
        );
      }
      if (parsed.module === "plain" && input.mechanism && input.mechanism !== "PLAIN") {
        problems.push(
          `${at}${prefix}sasl.jaas.config uses PlainLoginModule but sasl.mechanism is ${input.mechanism}`,
        );
      }
    }
  }

  // Trust store: PEM file or inline PEM; JKS/PKCS12 need exporting first.
  const trustLocation = get("ssl.truststore.location");
  const trustType = get("ssl.truststore.type")?.toUpperCase();
  const trustInline = get("ssl.truststore.certificates");
  if (get("ssl.truststore.password")) {
    warnings.push(`${prefix}ssl.truststore.password: not needed for a PEM trust store; not used`);
  }
  if (trustInline) {
    if (!/-----BEGIN CERTIFICATE-----/.test(trustInline)) {
      problems.push(
        `${at}${prefix}ssl.truststore.certificates holds no "-----BEGIN CERTIFICATE-----" block`,
      );
    } else input.caPem = trustInline;
  }
  if (trustLocation) {
    const type = trustType ?? (sniff(trustLocation) === "PEM" ? "PEM" : "JKS");
    if (type === "PEM") input.caFile = trustLocation;
    else {problems.push(
        storeProblem(at, `${prefix}ssl.truststore`, trustLocation, type, "trust"),
      );}
  }

  // Key store: one PEM file with the key and the certificate chain, or inline PEM.
  const keyLocation = get("ssl.keystore.location");
  const keyType = get("ssl.keystore.type")?.toUpperCase();
  const chain = get("ssl.keystore.certificate.chain");
  const inlineKey = get("ssl.keystore.key");
  const keyPassword = get("ssl.key.password");
  const storePassword = get("ssl.keystore.password");
  if (keyLocation) {
    const type = keyType ?? (sniff(keyLocation) === "PEM" ? "PEM" : "JKS");
    if (type === "PEM") {
      input.keyFile = keyLocation;
      input.certFile = keyLocation;
    } else problems.push(storeProblem(at, `${prefix}ssl.keystore`, keyLocation, type, "key"));
  }
  if (chain) input.certPem = chain;
  if (inlineKey) input.keyPem = inlineKey;
  if (keyPassword) input.keyPassword = registerSecret(keyPassword);
  else if (storePassword && keyLocation) input.keyPassword = registerSecret(storePassword);

  const endpoint = props.get(prefix + "ssl.endpoint.identification.algorithm");
  if (endpoint !== undefined) {
    used.add(prefix + "ssl.endpoint.identification.algorithm");
    if (endpoint.trim() === "") input.checkHostname = false;
    else if (endpoint.trim().toUpperCase() !== "HTTPS") {
      problems.push(
        `${at}${prefix}ssl.endpoint.identification.algorithm=${endpoint} must be https or empty`,
      );
    }
  }
  if (prefix === "") {
    const servers = props.get("bootstrap.servers");
    if (servers !== undefined && servers.trim() !== "") {
      used.add("bootstrap.servers");
      input.brokers = servers.trim();
    }
  }
  return { input: prune(input), used, problems, warnings };
}

function storeProblem(
  where: string,
  key: string,
  path: string,
  type: string,
  kind: "trust" | "key",
): string {
  const p12 = type === "PKCS12";
  const how = kind === "trust"
    ? p12
      ? `openssl pkcs12 -in ${path} -nokeys -out ca.pem`
      : `keytool -exportcert -rfc -keystore ${path} -alias <alias> -file ca.pem`
    : p12
    ? `openssl pkcs12 -in ${path} -out client.pem (key and certificate in one PEM file)`
    : `keytool -importkeystore -srckeystore ${path} -destkeystore client.p12 -deststoretype PKCS12, ` +
      `then openssl pkcs12 -in client.p12 -out client.pem`;
  return `${where}${key}.location=${path} is a ${type} store, which a gateway (Node's TLS) cannot ` +
    `read: export it to PEM with \`${how}\` and set ${key}.location to the PEM file with ${key}.type=PEM`;
}

function sniffFile(path: string): string | undefined {
  try {
    const head = new TextDecoder().decode(Deno.readFileSync(path).subarray(0, 4096));
    return head.includes("-----BEGIN") ? "PEM" : "binary";
  } catch {
    return undefined;
  }
}

/** A parsed `sasl.jaas.config` value. */
export type JaasConfig =
  | { module: "plain" | "scram" | "oauthbearer"; username?: string; password?: string }
  | { problem: string };

/**
 * Parses `org.apache.kafka.common.security.plain.PlainLoginModule required username="u"
 * password="p";` (and ScramLoginModule, OAuthBearerLoginModule). Messages never quote the value.
 */
export function parseJaasConfig(text: string): JaasConfig {
  const m = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b([\s\S]*)$/.exec(text);
  if (!m) {
    return {
      problem: 'expected `<LoginModule class> required username="..." password="...";`',
    };
  }
  const cls = m[1];
  const module = /PlainLoginModule$/.test(cls)
    ? "plain"
    : /ScramLoginModule$/.test(cls)
    ? "scram"
    : /OAuthBearerLoginModule$/.test(cls)
    ? "oauthbearer"
    : undefined;
  if (!module) {
    return {
      problem: `login module ${cls} is not supported (PlainLoginModule, ScramLoginModule, ` +
        "OAuthBearerLoginModule are)",
    };
  }
  let rest = m[3].trim();
  const options: Record<string, string> = {};
  while (rest !== "" && rest !== ";") {
    const o = /^([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s;"']+))\s*/
      .exec(rest);
    if (!o) {
      return { problem: 'cannot read the options after the login module (name="value" ...;)' };
    }
    const quoted = o[2] ?? o[3];
    options[o[1]] = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : o[4];
    rest = rest.slice(o[0].length);
  }
  if (rest !== ";") return { problem: "must end with ';'" };
  if (
    module !== "oauthbearer" && (options.username === undefined || options.password === undefined)
  ) {
    return { problem: `${cls} needs username="..." and password="..."` };
  }
  const out: JaasConfig = { module };
  if (options.username !== undefined) out.username = options.username;
  if (options.password !== undefined) out.password = options.password;
  return out;
}

/**
 * Flags over file: the resolved settings, checked. Throws an Error naming what is missing
 * (the CLI turns it into a usage error).
 */
export function resolveKafkaSecurity(
  flags: KafkaSecurityInput,
  file?: KafkaSecurityInput,
  origin?: string,
): KafkaSecurity {
  const merged: KafkaSecurity = {
    ...prune({ ...file }),
    ...prune({ ...flags }),
    protocol: flags.protocol ?? file?.protocol ?? "PLAINTEXT",
  };
  if (origin) merged.origin = origin;
  const sasl = merged.protocol.startsWith("SASL_");
  const tls = merged.protocol === "SSL" || merged.protocol === "SASL_SSL";
  const problems: string[] = [];
  if (sasl) {
    if (!merged.mechanism) {
      problems.push(
        `security protocol ${merged.protocol} needs --sasl-mechanism (${
          SASL_MECHANISMS.join(", ")
        })`,
      );
    } else if (merged.mechanism === "OAUTHBEARER") {
      if (!merged.oauthTokenFile) {
        problems.push("SASL mechanism OAUTHBEARER needs --sasl-oauth-token-file");
      }
    } else {
      if (!merged.username) problems.push(`SASL ${merged.mechanism} needs --sasl-username`);
      if (!merged.password) {
        problems.push(
          `SASL ${merged.mechanism} needs --sasl-password (or GATEWAY_SASL_PASSWORD)`,
        );
      }
    }
  } else {
    const given = [
      merged.mechanism && "--sasl-mechanism",
      merged.username && "--sasl-username",
      merged.password && "--sasl-password",
    ].filter(Boolean);
    if (given.length > 0) {
      problems.push(
        `${given.join(", ")} given, but the security protocol is ${merged.protocol}: ` +
          "set --security-protocol SASL_SSL (or SASL_PLAINTEXT) so the credentials are used",
      );
    }
  }
  if (!tls) {
    const given = [
      merged.caFile && "--ssl-ca",
      merged.certFile && "--ssl-cert",
      merged.keyFile && "--ssl-key",
    ].filter(Boolean);
    if (given.length > 0) {
      problems.push(
        `${given.join(", ")} given, but the security protocol is ${merged.protocol}: ` +
          "set --security-protocol SSL (or SASL_SSL) to use TLS",
      );
    }
  }
  if ((merged.certFile || merged.certPem) && !(merged.keyFile || merged.keyPem)) {
    problems.push("--ssl-cert needs --ssl-key (the client certificate's private key)");
  }
  if ((merged.keyFile || merged.keyPem) && !(merged.certFile || merged.certPem)) {
    problems.push("--ssl-key needs --ssl-cert (or a PEM file holding both)");
  }
  if (problems.length > 0) {
    throw new Error(
      (origin ? `Kafka security (${origin}): ` : "Kafka security: ") + problems.join("; "),
    );
  }
  return merged;
}

/** kafkajs's `ssl` and `sasl` options. */
export interface KafkaJsSecurity {
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions;
}

/** Reads a PEM file, saying which setting named it when it cannot. */
function readPem(path: string, what: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    throw new Error(`cannot read ${what} ${resolve(path)}: ${(error as Error).message}`);
  }
}

function pemBlocks(text: string, label: RegExp): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)) {
    if (label.test(m[1])) out.push(m[0]);
  }
  return out;
}

/**
 * The kafkajs options for resolved settings: files are read now (a missing file fails at start,
 * naming its flag). OAUTHBEARER reads its token file at every authentication.
 */
export function kafkaJsSecurity(sec: KafkaSecurity): KafkaJsSecurity {
  const out: KafkaJsSecurity = {};
  if (sec.protocol === "SSL" || sec.protocol === "SASL_SSL") {
    const ssl: ConnectionOptions = {};
    const cas: string[] = [];
    if (sec.caFile) {
      const text = readPem(sec.caFile, "--ssl-ca");
      const blocks = pemBlocks(text, /CERTIFICATE$/);
      if (blocks.length === 0) {
        throw new Error(
          `--ssl-ca ${sec.caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
        );
      }
      cas.push(...blocks);
    }
    if (sec.caPem) cas.push(...pemBlocks(sec.caPem, /CERTIFICATE$/));
    if (cas.length > 0) ssl.ca = cas;
    const certText = sec.certPem ??
      (sec.certFile ? readPem(sec.certFile, "--ssl-cert") : undefined);
    const keyText = sec.keyPem ?? (sec.keyFile ? readPem(sec.keyFile, "--ssl-key") : undefined);
    if (certText !== undefined && keyText !== undefined) {
      const certs = pemBlocks(certText, /CERTIFICATE$/);
      const keys = pemBlocks(keyText, /PRIVATE KEY$/);
      if (certs.length === 0) throw new Error("--ssl-cert holds no PEM certificate");
      if (keys.length === 0) throw new Error("--ssl-key holds no PEM private key");
      ssl.cert = certs.join("\n");
      ssl.key = keys[0];
      if (sec.keyPassword) ssl.passphrase = sec.keyPassword;
    }
    if (sec.checkHostname === false) ssl.checkServerIdentity = () => undefined;
    out.ssl = Object.keys(ssl).length > 0 ? ssl : true;
  }
  if (sec.protocol === "SASL_PLAINTEXT" || sec.protocol === "SASL_SSL") {
    switch (sec.mechanism) {
      case "PLAIN":
        out.sasl = { mechanism: "plain", username: sec.username!, password: sec.password! };
        break;
      case "SCRAM-SHA-256":
        out.sasl = { mechanism: "scram-sha-256", username: sec.username!, password: sec.password! };
        break;
      case "SCRAM-SHA-512":
        out.sasl = { mechanism: "scram-sha-512", username: sec.username!, password: sec.password! };
        break;
      case "OAUTHBEARER": {
        const file = sec.oauthTokenFile!;
        out.sasl = {
          mechanism: "oauthbearer",
          oauthBearerProvider: async () => ({ value: await readToken(file) }),
        };
        break;
      }
    }
  }
  return out;
}

/** The token in `file` (trimmed), registered as a secret. */
export async function readToken(file: string): Promise<string> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    throw new Error(
      `cannot read --sasl-oauth-token-file ${resolve(file)}: ${(error as Error).message}`,
    );
  }
  const token = text.trim();
  if (token === "") throw new Error(`--sasl-oauth-token-file ${file} is empty`);
  return registerSecret(token);
}

/** One line for the start-up log (never a secret). */
export function describeKafkaSecurity(sec: KafkaSecurity): Record<string, string> {
  const out: Record<string, string> = { security: sec.protocol };
  if (sec.mechanism && sec.protocol.startsWith("SASL_")) out.sasl = sec.mechanism;
  if (sec.username && sec.protocol.startsWith("SASL_")) out.user = sec.username;
  if (sec.caFile) out.ca = sec.caFile;
  if (sec.certFile) out.cert = sec.certFile;
  return out;
}
