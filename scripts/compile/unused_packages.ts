/**
 * What a binary does not need of `node_modules/`, which `deno compile` otherwise embeds as it is:
 * - packages the app never loads (the tests install puppeteer-core and its ~40 dependencies for
 *   the browser test): every installed package the app's module graph (`deno info --json main.ts`:
 *   its npm roots and their declared dependencies) does not reach;
 * - the `test/` and `tests/` folders at the top of a package. Measured here: with bintrees' test
 *   data (prom-client's dependency) embedded, deno compile 2.9.6 dies of a stack overflow
 *   ("tokio-runtime-worker has overflowed its stack"); without it the build succeeds.
 */
import { join } from "node:path";

/** What `deno info --json` says that matters here. */
export interface DenoInfo {
  modules: { npmPackage?: string }[];
  npmPackages: Record<string, { dependencies?: string[] }>;
}

/** The npm package ids (`name@version[_peer...]`) the module graph reaches. */
export function reachablePackages(info: DenoInfo): Set<string> {
  const seen = new Set<string>();
  const stack = info.modules.flatMap((m) => (m.npmPackage ? [m.npmPackage] : []));
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(info.npmPackages[id]?.dependencies ?? []));
  }
  return seen;
}

/** The folder name under `node_modules/.deno/` of a package id (`@a/b@1.0.0_x@2` → `@a+b@1.0.0`). */
export function storeFolder(id: string): string {
  const at = id.indexOf("@", 1);
  const peer = at < 0 ? -1 : id.indexOf("_", at);
  return (peer < 0 ? id : id.slice(0, peer)).replace("/", "+");
}

/** The store folders of installed packages that `reachable` does not hold, relative to the root. */
export function unusedFolders(installed: readonly string[], reachable: Set<string>): string[] {
  const used = new Set([...reachable].map(storeFolder));
  return installed.filter((f) => f !== "node_modules" && !used.has(f)).sort()
    .map((f) => `node_modules/.deno/${f}`);
}

/** Runs `deno info --json` on `entry` and lists the installed package folders it does not need. */
export async function unusedPackageDirs(root: string, entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno info ${entry} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as DenoInfo;
  const installed: string[] = [];
  try {
    for await (const e of Deno.readDir(join(root, "node_modules/.deno"))) {
      if (e.isDirectory) installed.push(e.name);
    }
  } catch {
    return [];
  }
  const unused = unusedFolders(installed, reachablePackages(info));
  const tests: string[] = [];
  for (const folder of installed.filter((f) => !unused.includes(`node_modules/.deno/${f}`))) {
    tests.push(...await packageTestDirs(root, `node_modules/.deno/${folder}/node_modules`));
  }
  return [...unused, ...tests];
}

/** The top-level `test`/`tests` folders of the packages under `modules` (relative to `root`). */
async function packageTestDirs(root: string, modules: string): Promise<string[]> {
  const out: string[] = [];
  const packages: string[] = [];
  for (const name of await folders(join(root, modules))) {
    if (name.startsWith("@")) {
      for (const sub of await folders(join(root, modules, name))) packages.push(`${name}/${sub}`);
    } else packages.push(name);
  }
  for (const pkg of packages) {
    for (const name of await folders(join(root, modules, pkg))) {
      if (name === "test" || name === "tests") out.push(`${modules}/${pkg}/${name}`);
    }
  }
  return out;
}

async function folders(path: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) if (e.isDirectory) names.push(e.name);
  } catch {
    // absent
  }
  return names.sort();
}
