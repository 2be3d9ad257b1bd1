/** Launch settings of Apicurio Registry 3.x (pure). */

/** Where the registry listens and keeps its embedded H2 database. */
export interface RegistryLayout {
  host: string;
  port: number;
  managementPort: number;
  dataDir: string;
  /** Confluent's default is BACKWARD; Apicurio has no global rule unless configured. */
  compatibility: Compatibility;
}

/** Compatibility levels shared by Confluent and Apicurio. */
export type Compatibility =
  | "NONE"
  | "BACKWARD"
  | "BACKWARD_TRANSITIVE"
  | "FORWARD"
  | "FORWARD_TRANSITIVE"
  | "FULL"
  | "FULL_TRANSITIVE";

/** Defaults: API on 127.0.0.1:8081, health/metrics on 127.0.0.1:9081, BACKWARD like Confluent. */
export const REGISTRY_DEFAULTS: Omit<RegistryLayout, "dataDir"> = {
  host: "127.0.0.1",
  port: 8081,
  managementPort: 9081,
  compatibility: "BACKWARD",
};

/** Path of the Confluent-compatible API under the registry root. */
export const CCOMPAT_PATH = "/apis/ccompat/v7";

/**
 * Java system properties for the Quarkus app: loopback only, embedded H2 file storage (schema
 * ids survive restarts, like Kafka's data does), a small connection pool, OpenTelemetry export
 * off (nothing listens for it), and a global COMPATIBILITY rule.
 */
export function registrySystemProperties(layout: RegistryLayout): Record<string, string> {
  if (layout.port === layout.managementPort) {
    throw new Error(`registry config: port and managementPort are both ${layout.port}`);
  }
  if (!layout.dataDir.startsWith("/")) {
    throw new Error(`registry config: dataDir must be absolute, got "${layout.dataDir}"`);
  }
  if (/[;\s]/.test(layout.dataDir)) {
    throw new Error(`registry config: dataDir may not contain ';' or spaces: "${layout.dataDir}"`);
  }
  return {
    "quarkus.http.host": layout.host,
    "quarkus.http.port": String(layout.port),
    "quarkus.management.host": layout.host,
    "quarkus.management.port": String(layout.managementPort),
    "quarkus.otel.sdk.disabled": "true",
    "quarkus.console.color": "false",
    "apicurio.storage.kind": "sql",
    "apicurio.storage.sql.kind": "h2",
    "apicurio.datasource.url": `jdbc:h2:file:${layout.dataDir}/registry`,
    "apicurio.datasource.jdbc.initial-size": "2",
    "apicurio.datasource.jdbc.min-size": "2",
    "apicurio.datasource.jdbc.max-size": "20",
    "apicurio.rules.global.compatibility": layout.compatibility,
  };
}

/** The full JVM command line after `java`. */
export function registryJvmArgs(layout: RegistryLayout, runnerJar: string): string[] {
  const props = Object.entries(registrySystemProperties(layout)).map(([k, v]) => `-D${k}=${v}`);
  return [
    "-Xms64m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
    ...props,
    "-jar",
    runnerJar,
  ];
}
