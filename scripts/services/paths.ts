/** Where installs (shared cache) and runtime state (per checkout) live. Pure path arithmetic. */
import { isAbsolute, join, resolve } from "node:path";
import type { ServiceName } from "./names.ts";

/** The environment variables that decide the install cache. */
export interface CacheEnv {
  GATEWAY_SERVICES_HOME?: string;
  XDG_CACHE_HOME?: string;
  HOME?: string;
}

/**
 * The install cache: `$GATEWAY_SERVICES_HOME`, else `$XDG_CACHE_HOME/sensortag-gateway/services`,
 * else `$HOME/.cache/sensortag-gateway/services`. A relative XDG_CACHE_HOME is ignored, as the
 * XDG spec says. Throws when none of them gives a place.
 */
export function servicesHome(env: CacheEnv): string {
  const own = env.GATEWAY_SERVICES_HOME?.trim();
  if (own) return resolve(own);
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (xdg && isAbsolute(xdg)) return join(xdg, "sensortag-gateway", "services");
  const home = env.HOME?.trim();
  if (home) return join(home, ".cache", "sensortag-gateway", "services");
  throw new Error(
    "cannot place the services cache: set GATEWAY_SERVICES_HOME, XDG_CACHE_HOME or HOME",
  );
}

/** Runtime state of one checkout: `<repo>/.services/`. */
export interface StatePaths {
  root: string;
  logsDir: string;
  pidsDir: string;
  logFile(name: ServiceName): string;
  pidFile(name: ServiceName): string;
  /** Held while one process starts the service, so concurrent `up`s start it once. */
  lockFile(name: ServiceName): string;
  /** Working folder of a service (its config files and data). */
  serviceDir(name: ServiceName): string;
}

/** The state folders of the checkout rooted at `repoRoot`. */
export function statePaths(repoRoot: string): StatePaths {
  const root = join(repoRoot, ".services");
  const logsDir = join(root, "logs");
  const pidsDir = join(root, "pids");
  return {
    root,
    logsDir,
    pidsDir,
    logFile: (name) => join(logsDir, `${name}.log`),
    pidFile: (name) => join(pidsDir, `${name}.pid`),
    lockFile: (name) => join(pidsDir, `${name}.start.lock`),
    serviceDir: (name) => join(root, name),
  };
}

/** The repository holding this script (two folders up from `scripts/services/`). */
export function repoRootOf(moduleUrl: string): string {
  return resolve(new URL("../..", moduleUrl).pathname);
}
