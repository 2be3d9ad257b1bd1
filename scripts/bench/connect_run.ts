/**
 * Starts one Kafka Connect standalone worker running the MongoDB sink connector (I/O edge of
 * `connect_config.ts`): writes its files into `dir` and spawns `java`.
 */
import { join } from "node:path";
import { formatProperties } from "../services/properties.ts";
import type { ConnectInstall } from "./connect_install.ts";
import {
  connectJvmArgs,
  connectorProperties,
  type ConnectRunSpec,
  log4jConfig,
  workerProperties,
} from "./connect_config.ts";
import { type LoggedProcess, spawnLogged } from "./spawn_logged.ts";

/** The spec fields `startConnect` fills in itself. */
export type ConnectStartSpec = Omit<ConnectRunSpec, "pluginPath" | "offsetsFile">;

/** A running worker: its process, its console log, and its Log4j log. */
export interface ConnectProcess extends LoggedProcess {
  log4jFile: string;
}

/** Writes the worker's files into `dir` (which must exist) and starts it. */
export async function startConnect(
  install: ConnectInstall,
  spec: ConnectStartSpec,
  dir: string,
): Promise<ConnectProcess> {
  const full: ConnectRunSpec = {
    ...spec,
    pluginPath: install.plugins,
    offsetsFile: join(dir, "connect.offsets"),
  };
  const log4jFile = join(dir, "connect-log4j.log");
  const files = {
    log4jFile: join(dir, "log4j2.properties"),
    workerFile: join(dir, "worker.properties"),
    connectorFile: join(dir, "connector.properties"),
  };
  await Deno.writeTextFile(files.log4jFile, log4jConfig(log4jFile));
  await Deno.writeTextFile(files.workerFile, formatProperties(workerProperties(full)));
  await Deno.writeTextFile(files.connectorFile, formatProperties(connectorProperties(full)));
  const spawned = await spawnLogged(
    "java",
    connectJvmArgs({ libs: install.libs, ...files }),
    dir,
    "connect-console",
  );
  return { ...spawned, log4jFile };
}
