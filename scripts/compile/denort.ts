/**
 * Where `deno compile` gets the base runtime (denort) for a target:
 *
 * 1. `DENORT_BIN_X86_64` / `DENORT_BIN_AARCH64`: an unzipped denort for that target;
 * 2. `DENORT_BIN`: an unzipped denort, only when building a single target;
 * 3. `<DENO_DIR>/dl/release/v<version>/denort-<triple>.zip` already in Deno's cache;
 * 4. otherwise deno downloads that zip into the cache (unless offline).
 */
import { Buffer } from "node:buffer";
import { isAbsolute, join, resolve } from "node:path";
import type { Target } from "./targets.ts";

export type DenortSource =
  | { kind: "env"; variable: string; path: string }
  | { kind: "cache"; zip: string }
  | { kind: "download"; zip: string; url: string };

export class DenortError extends Error {
  override name = "DenortError";
}

export interface DenortContext {
  env: Record<string, string | undefined>;
  /** Deno's cache directory (`deno info --json` → denoDir). */
  denoDir: string;
  /** Version of the deno doing the compile (its denort must be the same version). */
  version: string;
  /** How many targets this run builds: plain DENORT_BIN only fits one. */
  targetCount: number;
  cwd: string;
}

export function cachedZipPath(denoDir: string, version: string, target: Target): string {
  return join(denoDir, "dl", "release", `v${version}`, `denort-${target.triple}.zip`);
}

export function downloadUrl(version: string, target: Target): string {
  return `https://dl.deno.land/release/v${version}/denort-${target.triple}.zip`;
}

export function resolveDenort(target: Target, ctx: DenortContext): DenortSource {
  const fromEnv = (variable: string): DenortSource => {
    const value = ctx.env[variable] as string;
    const path = isAbsolute(value) ? value : resolve(ctx.cwd, value);
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(path);
    } catch {
      throw new DenortError(`${variable}=${value}: no such file`);
    }
    if (!info.isFile) throw new DenortError(`${variable}=${value}: not a file`);
    return { kind: "env", variable, path };
  };
  if (ctx.env[target.denortEnv]) return fromEnv(target.denortEnv);
  if (ctx.env.DENORT_BIN) {
    if (ctx.targetCount > 1) {
      throw new DenortError(
        "DENORT_BIN names one base runtime, but this run builds several targets: " +
          "pick one with --target, or set DENORT_BIN_X86_64 and DENORT_BIN_AARCH64 instead",
      );
    }
    return fromEnv("DENORT_BIN");
  }
  const zip = cachedZipPath(ctx.denoDir, ctx.version, target);
  try {
    if (Deno.statSync(zip).isFile) return { kind: "cache", zip };
  } catch {
    // not cached
  }
  return { kind: "download", zip, url: downloadUrl(ctx.version, target) };
}

export function describeSource(source: DenortSource): string {
  switch (source.kind) {
    case "env":
      return `${source.variable}=${source.path}`;
    case "cache":
      return `cached ${source.zip}`;
    case "download":
      return `download ${source.url}`;
  }
}

/** What to tell someone whose build has no base runtime and cannot fetch one. */
export function missingDenortHelp(target: Target, version: string, zip: string): string {
  return [
    `no Deno base runtime (denort ${version}) for ${target.triple}, and it cannot be downloaded here.`,
    `Provide it in either of these ways, then run the build again:`,
    `  - put denort-${target.triple}.zip (a Deno v${version} release asset, ${
      downloadUrl(version, target)
    })`,
    `    unchanged at ${zip}`,
    `  - or unzip it and set ${target.denortEnv}=/path/to/denort` +
    ` (or DENORT_BIN=/path/to/denort with --target ${target.arch})`,
  ].join("\n");
}

/** The `denort` zip or binary must be the runtime, not the deno CLI (which would ignore the app). */
export async function looksLikeDenoCli(path: string): Promise<boolean> {
  // A clap help text of `deno compile`: present in the CLI, absent from denort.
  const marker = new TextEncoder().encode("Compile the script into a self contained executable");
  const bytes = await Deno.readFile(path);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(marker) >= 0;
}

/**
 * Every place looked at for `target`'s base runtime, in order, each with what was found there:
 * what a failed target's report lists, so the missing file can be put where it is looked for.
 */
export function placesLooked(
  target: Target,
  ctx: DenortContext,
  download: "failed" | "not tried (--offline)",
): string[] {
  const zip = cachedZipPath(ctx.denoDir, ctx.version, target);
  return [
    `${target.denortEnv}: not set`,
    ctx.targetCount > 1 ? "DENORT_BIN: only for a single --target" : "DENORT_BIN: not set",
    `${zip}: not there`,
    `download ${downloadUrl(ctx.version, target)}: ${download}`,
  ];
}
