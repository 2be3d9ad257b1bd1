/**
 * The local broker's secured listeners (scripts/services/kafka_security.ts) for the tests: their
 * addresses, the account, the CA file, and a check that the running broker serves them.
 */
import { join } from "node:path";
import { BROKER_ACCOUNT, SECURED_PORTS, tlsFiles } from "../../scripts/services/kafka_security.ts";
import { statePaths } from "../../scripts/services/paths.ts";
import { down, up } from "../../scripts/services/control.ts";
import { type GatewayProcess, REPO, startGateway } from "./gateway_process.ts";

// GATEWAY_TEST_SECURED_BROKERS=<sasl_plaintext>,<sasl_ssl> and GATEWAY_TEST_KAFKA_CA point the
// tests at another broker (with GATEWAY_TEST_BROKERS for its plaintext listener).
const override = Deno.env.get("GATEWAY_TEST_SECURED_BROKERS")?.split(",");
export const SASL_PLAINTEXT_BROKER = override?.[0] ?? `127.0.0.1:${SECURED_PORTS.saslPlaintext}`;
export const SASL_SSL_BROKER = override?.[1] ?? `127.0.0.1:${SECURED_PORTS.saslSsl}`;
export const MUTUAL_TLS_BROKER = override?.[2] ?? `127.0.0.1:${SECURED_PORTS.mutualTls}`;
export const ACCOUNT = BROKER_ACCOUNT;

function stateRoot(): string {
  return Deno.env.get("GATEWAY_SERVICES_STATE_ROOT")?.trim() || REPO;
}

/** The client certificate and key the mutual-TLS listener accepts. */
export function clientCertFiles(): { cert: string; key: string } {
  const dir = Deno.env.get("GATEWAY_TEST_KAFKA_CA");
  const f = tlsFiles(dir ? join(dir, "..", "..") : statePaths(stateRoot()).serviceDir("kafka"));
  return { cert: f.clientCert, key: f.clientKey };
}

/** The CA that signed the broker's certificate. */
export function caFile(): string {
  const ca = Deno.env.get("GATEWAY_TEST_KAFKA_CA");
  if (ca) return ca;
  return tlsFiles(statePaths(stateRoot()).serviceDir("kafka")).caCert;
}

async function listening(port: number): Promise<boolean> {
  try {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    c.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure the broker serves the secured listeners. A broker started by an older checkout of
 * the services script has only the plaintext one: it is restarted once with this checkout's.
 */
export async function ensureSecuredListeners(): Promise<void> {
  if (override) return;
  if (
    await listening(SECURED_PORTS.saslPlaintext) && await listening(SECURED_PORTS.saslSsl) &&
    await listening(SECURED_PORTS.mutualTls)
  ) {
    return;
  }
  const log = (line: string) => console.error(`[secured kafka] ${line}`);
  if (await listening(9092)) {
    log("the broker runs without the secured listeners: restarting it with them");
    await down(["kafka"], { log });
  }
  await up(["kafka"], { log });
  if (!(await listening(SECURED_PORTS.saslPlaintext))) {
    throw new Error(
      `the broker does not listen on ${SASL_PLAINTEXT_BROKER}: it was started by another checkout ` +
        "(its own .services state) with an older services script; restart it from this one " +
        "(GATEWAY_SERVICES_STATE_ROOT=<that checkout> ./denow task services restart kafka)",
    );
  }
}

/** A CA (and nothing it signed) that the broker's certificate does not chain to. */
export async function foreignCa(dir: string): Promise<string> {
  const cert = join(dir, "foreign-ca.pem");
  const out = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      join(dir, "foreign-ca-key.pem"),
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      "/CN=not the broker's CA",
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return cert;
}

/** Flags for the SASL_PLAINTEXT listener with SCRAM-SHA-512 as {@linkcode ACCOUNT}, with `password`. */
export function scram512Args(password: string): string[] {
  return [
    "--brokers",
    SASL_PLAINTEXT_BROKER,
    "--security-protocol",
    "SASL_PLAINTEXT",
    "--sasl-mechanism",
    "SCRAM-SHA-512",
    "--sasl-username",
    ACCOUNT.username,
    "--sasl-password",
    password,
  ];
}

/** Every line that holds one of `secrets`. */
export function linesWithSecrets(lines: string[], secrets: string[]): string[] {
  return lines.filter((l) => secrets.some((s) => l.includes(s)));
}

/** `gateway produce --simulate 2` with exactly `args` (no default --brokers), a private spool. */
export async function startSecuredProducer(
  topic: string,
  args: string[],
  env: Record<string, string> = {},
  spool?: string,
): Promise<{ proc: GatewayProcess; spool: string }> {
  const path = spool ?? join(await Deno.makeTempDir({ prefix: "gateway-spool-" }), "spool.sqlite");
  const proc = startGateway([
    "produce",
    "--simulate",
    "2",
    "--interval",
    "0.2",
    "--topic",
    topic,
    "--registry",
    "http://127.0.0.1:8081",
    "--schema-strategy",
    "register",
    "--spool",
    path,
    "--stats-interval",
    "1",
    ...args,
  ], env);
  return { proc, spool: path };
}

/** Writes a properties file from lines; returns its path. */
export async function propertiesFile(name: string, lines: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "gateway-props-" });
  const file = join(dir, name);
  await Deno.writeTextFile(file, lines.join("\n") + "\n");
  return file;
}
