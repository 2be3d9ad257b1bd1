/**
 * Node-API addons ship prebuilt binaries for many platforms under
 * `<package>/prebuilds/<platform>-<arch>/`, and node-gyp-build loads only the
 * one matching the running process. A binary for one target needs only its own:
 * the others (about 8.5 MB here: win32, darwin, android, other Linux CPUs) are
 * excluded from the build.
 */
import { join } from "node:path";
import type { Target } from "./targets.ts";

async function dirs(path: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) if (e.isDirectory) names.push(e.name);
  } catch {
    // absent
  }
  return names.sort();
}

/** Every `prebuilds/<platform>` directory of the installed npm packages, relative to `root`. */
export async function prebuildDirs(root: string): Promise<string[]> {
  const store = "node_modules/.deno";
  const out: string[] = [];
  for (const entry of await dirs(join(root, store))) {
    const modules = `${store}/${entry}/node_modules`;
    for (const name of await dirs(join(root, modules))) {
      const packages = name.startsWith("@")
        ? (await dirs(join(root, modules, name))).map((n) => `${name}/${n}`)
        : [name];
      for (const pkg of packages) {
        const prebuilds = `${modules}/${pkg}/prebuilds`;
        for (const platform of await dirs(join(root, prebuilds))) {
          out.push(`${prebuilds}/${platform}`);
        }
      }
    }
  }
  return out;
}

/** The prebuild directories a binary for `target` never loads. */
export async function foreignPrebuildDirs(root: string, target: Target): Promise<string[]> {
  return (await prebuildDirs(root)).filter((d) => !d.endsWith(`/prebuilds/${target.prebuildDir}`));
}
