/**
 * Kafka Connect standalone for the sink benchmark, installed once into the services cache
 * (`~/.cache/sensortag-gateway/services/kafka-connect-…`), resolved from Maven Central with mvn
 * the way `scripts/services/install.ts` installs the broker: Connect's runtime and JSON converter
 * at the broker's version on the classpath, and two plugin folders, the MongoDB Kafka connector's
 * `all` jar and Apicurio's 2.6 converter with its dependencies. Built in a temporary folder and
 * renamed into place when complete, so an interrupted install leaves nothing half-made.
 */
import { join } from "node:path";
import { artifactSpec, type Coordinates, dependencyPom } from "../services/pom.ts";
import { servicesHome } from "../services/paths.ts";
import { runTool } from "../services/run.ts";
import { DEPENDENCY_PLUGIN, KAFKA, LOG4J_VERSION } from "../services/versions.ts";

/** Kafka Connect's runtime (its `ConnectStandalone` main), the broker's version. */
export const CONNECT_RUNTIME: Coordinates = {
  groupId: "org.apache.kafka",
  artifactId: "connect-runtime",
  version: KAFKA.version,
};

/** Connect's JsonConverter. */
export const CONNECT_JSON: Coordinates = {
  groupId: "org.apache.kafka",
  artifactId: "connect-json",
  version: KAFKA.version,
};

/** The MongoDB Kafka connector, its self-contained `all` jar. */
export const MONGO_CONNECTOR: Coordinates = {
  groupId: "org.mongodb.kafka",
  artifactId: "mongo-kafka-connect",
  version: "2.0.1",
  classifier: "all",
};

/**
 * Apicurio's Connect converters, 2.6.x (the 3.x ones do not resolve from Maven Central); they
 * read Confluent-framed records with `as-confluent=true` through the registry's v2 API.
 */
export const APICURIO_CONVERTER: Coordinates = {
  groupId: "io.apicurio",
  artifactId: "apicurio-registry-utils-converter",
  version: "2.6.13.Final",
};

/** What a complete install holds. */
export interface ConnectInstall {
  dir: string;
  /** Classpath folder: connect-runtime, connect-json and their runtime dependencies. */
  libs: string;
  /** Connect's `plugin.path`: one folder per plugin. */
  plugins: string;
}

const MARKER = ".installed";
const MVN_ARGS = ["-q", "-B", "-ntp"];

/** The versioned install folder under `home` (a version bump installs afresh beside it). */
export function connectInstallDir(home: string): string {
  const mongo = MONGO_CONNECTOR.version;
  const apicurio = APICURIO_CONVERTER.version;
  return join(home, `kafka-connect-${KAFKA.version}-mongo-${mongo}-apicurio-${apicurio}`);
}

function layout(dir: string): ConnectInstall {
  return { dir, libs: join(dir, "libs"), plugins: join(dir, "plugins") };
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

/** Installs Connect and the two plugins unless already installed; `log` gets progress lines. */
export async function ensureConnectInstalled(
  log: (line: string) => void,
  home = servicesHome(Deno.env.toObject()),
): Promise<ConnectInstall> {
  const dir = connectInstallDir(home);
  if (await exists(join(dir, MARKER))) return layout(dir);
  await Deno.mkdir(home, { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: home, prefix: ".partial-kafka-connect-" });
  const started = performance.now();
  log(
    `installing Kafka Connect ${KAFKA.version} and its plugins (Maven Central, via mvn) ` +
      `into ${dir}`,
  );
  try {
    await build(layout(tmp), log);
    await Deno.writeTextFile(join(tmp, MARKER), new Date().toISOString() + "\n");
    if (await exists(join(dir, MARKER))) { // another process finished first: keep theirs
      await Deno.remove(tmp, { recursive: true });
      return layout(dir);
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {}); // unmarked leftovers only
    await Deno.rename(tmp, dir);
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    if (await exists(join(dir, MARKER))) return layout(dir);
    throw err;
  }
  log(`installed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return layout(dir);
}

async function build(at: ConnectInstall, log: (line: string) => void): Promise<void> {
  const self = { groupId: "local.gateway.bench", version: "1" };
  // Classpath: the runtime and the JSON converter, with a Log4j 2 backend for their SLF4J logs.
  const runtimePom = join(at.dir, "runtime-pom.xml");
  await Deno.writeTextFile(
    runtimePom,
    dependencyPom({ ...self, artifactId: "connect-runtime" }, [
      CONNECT_RUNTIME,
      CONNECT_JSON,
      { groupId: "org.apache.logging.log4j", artifactId: "log4j-core", version: LOG4J_VERSION },
      {
        groupId: "org.apache.logging.log4j",
        artifactId: "log4j-slf4j-impl",
        version: LOG4J_VERSION,
      },
    ]),
  );
  log(`resolving ${artifactSpec(CONNECT_RUNTIME)} and ${artifactSpec(CONNECT_JSON)}`);
  await mvn([
    "-f",
    runtimePom,
    `${DEPENDENCY_PLUGIN}:copy-dependencies`,
    "-DincludeScope=runtime",
    `-DoutputDirectory=${at.libs}`,
  ], "kafka connect install");
  for (const c of [CONNECT_RUNTIME, CONNECT_JSON]) {
    const jar = join(at.libs, `${c.artifactId}-${c.version}.jar`);
    if (!(await exists(jar))) throw new Error(`kafka connect install: ${jar} missing after mvn`);
  }

  log(`downloading ${artifactSpec(MONGO_CONNECTOR)}`);
  const mongoDir = join(at.plugins, "mongo-kafka-connect");
  await mvn([
    "-f",
    runtimePom,
    `${DEPENDENCY_PLUGIN}:copy`,
    `-Dartifact=${artifactSpec(MONGO_CONNECTOR)}`,
    `-DoutputDirectory=${mongoDir}`,
  ], "kafka connect install (mongo connector)");

  // The converter with its dependencies in its own plugin folder; Kafka's and SLF4J's own
  // classes come from Connect's classpath (Connect loads them from the parent anyway).
  const converterPom = join(at.dir, "converter-pom.xml");
  await Deno.writeTextFile(
    converterPom,
    dependencyPom({ ...self, artifactId: "apicurio-converter" }, [APICURIO_CONVERTER]),
  );
  log(`resolving ${artifactSpec(APICURIO_CONVERTER)} and its dependencies`);
  await mvn([
    "-f",
    converterPom,
    `${DEPENDENCY_PLUGIN}:copy-dependencies`,
    "-DincludeScope=runtime",
    "-DexcludeGroupIds=org.apache.kafka,org.slf4j",
    `-DoutputDirectory=${join(at.plugins, "apicurio-converter")}`,
  ], "kafka connect install (apicurio converter)");
  for (const path of [runtimePom, converterPom]) await Deno.remove(path);
}

function mvn(args: string[], what: string): Promise<void> {
  return runTool("mvn", [...MVN_ARGS, ...args], { what });
}

if (import.meta.main) {
  const at = await ensureConnectInstalled((line) => console.log(line));
  console.log(at.dir);
}
