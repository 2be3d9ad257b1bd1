/**
 * `deno task compile [--target x86_64|aarch64|all] [--out-dir dist] [--offline] [--no-check]`
 *
 * Builds the single-file gateway for Linux x86_64 and aarch64 (Raspberry Pi OS
 * 64-bit) into dist/gateway-<arch>-linux, then opens each output and checks that
 * it embeds the entry point, the Avro schema and the Bluetooth addon built for
 * its CPU, with the permissions the gateway needs. A failed check removes the
 * output. Every requested target is tried and its state reported at the end
 * (built, or why not: for a missing base runtime, every place looked at); the
 * exit code is 1 when any target failed.
 *
 * The base runtime (denort) per target comes from DENORT_BIN_X86_64 /
 * DENORT_BIN_AARCH64 (an unzipped denort), or DENORT_BIN for a single --target,
 * or Deno's cache <DENO_DIR>/dl/release/v<version>/denort-<triple>.zip, or a
 * download into that cache (not with --offline). Without any, the message says
 * which file to put where.
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { isAbsolute, resolve } from "node:path";
import { type BuildResult, buildTarget } from "./compile/build.ts";
import {
  cachedZipPath,
  DenortError,
  type DenortSource,
  describeSource,
  missingDenortHelp,
  placesLooked,
  resolveDenort,
} from "./compile/denort.ts";
import { parseTargets, type Target } from "./compile/targets.ts";

const USAGE =
  `usage: deno task compile [--target x86_64|aarch64|all] [--out-dir dir] [--offline] [--no-check]

  --target   x86_64, aarch64 (also x64, amd64, arm64, or a full triple) or all (default)
  --out-dir  where gateway-<arch>-linux is written (default: dist)
  --offline  never download a base runtime; fail with what to provide instead
  --no-check skip type-checking (deno task check does it)

Base runtime (denort, same version as this deno) per target, first found wins:
  DENORT_BIN_X86_64 / DENORT_BIN_AARCH64   an unzipped denort for that target
  DENORT_BIN                                an unzipped denort (only with one --target)
  <DENO_DIR>/dl/release/v<version>/denort-<triple>.zip   Deno's own cache
  otherwise deno downloads that zip (unless --offline)`;

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Deno's cache directory as the deno running the build sees it. */
export async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdin: "null",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("`deno info --json` failed");
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir as string;
}

/** node_modules must exist before the build: the other platforms' prebuilds are excluded from it. */
async function ensureNodeModules(): Promise<void> {
  try {
    await Deno.stat(`${PROJECT_ROOT}node_modules/.deno`);
  } catch {
    console.error("compile: deno install (node_modules)");
    const status = await new Deno.Command(Deno.execPath(), {
      args: ["install", "--quiet"],
      cwd: PROJECT_ROOT,
      stdin: "null",
    }).spawn().status;
    if (!status.success) throw new Error(`deno install failed (exit ${status.code})`);
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export async function main(args: string[]): Promise<number> {
  let targets: Target[];
  let outDir: string;
  let offline: boolean;
  let noCheck: boolean;
  try {
    const { values } = parseArgs({
      args,
      options: {
        target: { type: "string", default: "all" },
        "out-dir": { type: "string", default: "dist" },
        offline: { type: "boolean", default: false },
        "no-check": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    targets = parseTargets(values.target);
    const dir = values["out-dir"];
    outDir = isAbsolute(dir) ? dir : resolve(Deno.cwd(), dir);
    offline = values.offline;
    noCheck = values["no-check"];
  } catch (error) {
    console.error(`compile: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }

  const version = Deno.version.deno;
  const ctx = {
    env: Deno.env.toObject(),
    denoDir: await denoDir(),
    version,
    targetCount: targets.length,
    cwd: Deno.cwd(),
  };
  const plan: { target: Target; source: DenortSource }[] = [];
  try {
    for (const target of targets) plan.push({ target, source: resolveDenort(target, ctx) });
  } catch (error) {
    console.error(`compile: ${(error as Error).message}`);
    return 2;
  }
  await ensureNodeModules();
  // Every requested target is tried, and every one's state reported: a target without its base
  // runtime does not hide whether the others built.
  const report: { target: Target; ok: boolean; line: string }[] = [];
  for (const { target, source } of plan) {
    const missing = (download: "failed" | "not tried (--offline)") => {
      console.error(
        `compile: ${
          missingDenortHelp(target, version, cachedZipPath(ctx.denoDir, version, target))
        }`,
      );
      report.push({
        target,
        ok: false,
        line: `no base runtime (denort ${version}); looked at: ` +
          placesLooked(target, ctx, download).join("; "),
      });
    };
    if (offline && source.kind === "download") {
      missing("not tried (--offline)");
      continue;
    }
    console.error(`compile: ${target.triple} with base runtime ${describeSource(source)}`);
    let result: BuildResult;
    try {
      result = await buildTarget({
        target,
        source,
        root: PROJECT_ROOT,
        outDir,
        version,
        noCheck,
      });
    } catch (error) {
      if (error instanceof DenortError && source.kind === "download") {
        missing("failed");
      } else {
        const message = (error as Error).message;
        console.error(
          `compile: ${error instanceof DenortError ? "" : `${target.triple}: `}${message}`,
        );
        report.push({ target, ok: false, line: message.split("\n")[0] });
      }
      continue;
    }
    for (const c of result.verdict.checks) {
      console.error(`  ${c.ok ? "ok  " : "FAIL"} ${c.what}: ${c.detail}`);
    }
    for (const w of result.verdict.warnings) console.error(`  warning: ${w}`);
    if (!result.verdict.ok) {
      await Deno.remove(result.output).catch(() => {});
      console.error(`compile: ${result.output} failed its checks and was removed`);
      report.push({ target, ok: false, line: `${result.output} failed its checks (removed)` });
      continue;
    }
    console.log(
      `${result.output}  ${mib(result.bytes)}  ${target.triple}  built in ${
        result.seconds.toFixed(1)
      } s`,
    );
    report.push({ target, ok: true, line: `built ${result.output} (${mib(result.bytes)})` });
  }
  console.error("compile: targets:");
  for (const r of report) {
    console.error(`  ${r.target.arch.padEnd(8)} ${r.ok ? "ok    " : "FAILED"} ${r.line}`);
  }
  const failed = report.filter((r) => !r.ok);
  if (failed.length > 0) {
    console.error(
      `compile: ${failed.length} of ${report.length} targets failed: ` +
        failed.map((r) => r.target.arch).join(", "),
    );
    return 1;
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
