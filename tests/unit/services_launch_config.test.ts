import { deepEqual, throws } from "node:assert/strict";
import {
  FERRETDB_DEFAULTS,
  ferretDbArgs,
  sqliteUrl,
} from "../../scripts/services/ferretdb_config.ts";
import { ferretDbPostgresUrl } from "../../scripts/services/postgres_backend.ts";
import { artifactSpec, dependencyPom } from "../../scripts/services/pom.ts";
import {
  REGISTRY_DEFAULTS,
  registryJvmArgs,
  registrySystemProperties,
} from "../../scripts/services/registry_config.ts";
import { KAFKA_BROKERS, MONGO_URL, REGISTRY_URL } from "../../scripts/services/mod.ts";

Deno.test("services endpoints: the exported constants name the local services", () => {
  deepEqual(KAFKA_BROKERS, "127.0.0.1:9092");
  deepEqual(REGISTRY_URL, "http://127.0.0.1:8081/apis/ccompat/v7");
  deepEqual(MONGO_URL, "mongodb://127.0.0.1:27017");
});

Deno.test("services registry config: loopback 8081, embedded H2 file, BACKWARD like Confluent", () => {
  const p = registrySystemProperties({ ...REGISTRY_DEFAULTS, dataDir: "/s/registry/data" });
  deepEqual(p["quarkus.http.host"], "127.0.0.1");
  deepEqual(p["quarkus.http.port"], "8081");
  deepEqual(p["quarkus.management.host"], "127.0.0.1");
  deepEqual(p["apicurio.storage.kind"], "sql");
  deepEqual(p["apicurio.storage.sql.kind"], "h2");
  deepEqual(p["apicurio.datasource.url"], "jdbc:h2:file:/s/registry/data/registry");
  deepEqual(p["apicurio.rules.global.compatibility"], "BACKWARD");
  deepEqual(p["quarkus.otel.sdk.disabled"], "true");
});

Deno.test("services registry config: the runner jar comes last, after -D options", () => {
  const args = registryJvmArgs({ ...REGISTRY_DEFAULTS, dataDir: "/d" }, "/i/quarkus-run.jar");
  deepEqual(args.slice(-2), ["-jar", "/i/quarkus-run.jar"]);
  deepEqual(args.includes("-Dquarkus.http.port=8081"), true);
});

Deno.test("services registry config: relative or unsafe data dirs and clashing ports are refused", () => {
  throws(
    () => registrySystemProperties({ ...REGISTRY_DEFAULTS, dataDir: "data" }),
    /dataDir must be absolute/,
  );
  throws(
    () => registrySystemProperties({ ...REGISTRY_DEFAULTS, dataDir: "/a b" }),
    /may not contain/,
  );
  throws(
    () => registrySystemProperties({ ...REGISTRY_DEFAULTS, managementPort: 8081, dataDir: "/d" }),
    /both 8081/,
  );
});

Deno.test("services ferretdb config: SQLite handler on loopback, telemetry and debug HTTP off", () => {
  const args = ferretDbArgs({ ...FERRETDB_DEFAULTS, dataDir: "/s/mongo/data", stateDir: "/s/st" });
  deepEqual(args, [
    "--handler=sqlite",
    "--sqlite-url=file:/s/mongo/data/?_txlock=immediate",
    "--state-dir=/s/st",
    "--listen-addr=127.0.0.1:27017",
    "--telemetry=disable",
    "--debug-addr=-",
    "--log-level=info",
    "--log-format=text",
  ]);
});

Deno.test("services ferretdb config: PostgreSQL handler when a PostgreSQL URL is given", () => {
  const args = ferretDbArgs(
    { ...FERRETDB_DEFAULTS, dataDir: "/s/mongo/data", stateDir: "/s/st" },
    ferretDbPostgresUrl(),
  );
  deepEqual(args.slice(0, 2), [
    "--handler=pg",
    "--postgresql-url=postgres://postgres@127.0.0.1:5433/ferretdb?pool_max_conns=1000",
  ]);
  deepEqual(args.slice(2, 4), ["--state-dir=/s/st", "--listen-addr=127.0.0.1:27017"]);
});

Deno.test("services ferretdb config: the SQLite URL ends in one slash and is URI-encoded", () => {
  deepEqual(sqliteUrl("/a/b//"), "file:/a/b/?_txlock=immediate");
  deepEqual(sqliteUrl("/with space"), "file:/with%20space/?_txlock=immediate");
  throws(() => sqliteUrl("rel"), /must be absolute/);
  throws(
    () => ferretDbArgs({ ...FERRETDB_DEFAULTS, port: 70000, dataDir: "/d", stateDir: "/s" }),
    /port must be 1..65535, got 70000/,
  );
});

Deno.test("services pom: dependencies are listed with type and classifier when given", () => {
  const pom = dependencyPom({ groupId: "g", artifactId: "a", version: "1" }, [
    { groupId: "org.apache.kafka", artifactId: "kafka_2.13", version: "4.4.0" },
    {
      groupId: "io.apicurio",
      artifactId: "app",
      version: "3.3.3",
      type: "tar.gz",
      classifier: "all",
    },
  ]);
  deepEqual(
    pom.includes("<artifactId>kafka_2.13</artifactId>\n      <version>4.4.0</version>"),
    true,
  );
  deepEqual(pom.includes("<type>tar.gz</type>\n      <classifier>all</classifier>"), true);
  deepEqual(pom.includes("<packaging>pom</packaging>"), true);
});

Deno.test("services pom: a malformed coordinate is refused naming the dependency", () => {
  throws(
    () =>
      dependencyPom({ groupId: "g", artifactId: "a", version: "1" }, [
        { groupId: "org.x", artifactId: "bad</artifactId>", version: "1" },
      ]),
    /org\.x:bad<\/artifactId> has an invalid artifactId/,
  );
});

Deno.test("services pom: artifact specs follow mvn's group:artifact:version[:type[:classifier]]", () => {
  deepEqual(artifactSpec({ groupId: "g", artifactId: "a", version: "1" }), "g:a:1");
  deepEqual(
    artifactSpec({
      groupId: "g",
      artifactId: "a",
      version: "1",
      type: "tar.gz",
      classifier: "all",
    }),
    "g:a:1:tar.gz:all",
  );
  deepEqual(
    artifactSpec({ groupId: "g", artifactId: "a", version: "1", classifier: "c" }),
    "g:a:1:jar:c",
  );
});
