/** Runs `deno compile` for one target and checks what it embedded. */
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import {
  DenortError,
  type DenortSource,
  describeSource,
  looksLikeDenoCli,
  missingDenortHelp,
} from "./denort.ts";
import { APP_PERMISSIONS } from "./permissions.ts";
import { foreignPrebuildDirs } from "./prebuilds.ts";
import { unusedPackageDirs } from "./unused_packages.ts";
import { GATEWAY_RUNTIME_FLAGS } from "./runtime_flags.ts";
import { readStandalone } from "./standalone.ts";
import type { Target } from "./targets.ts";
import { ENTRYPOINT, INCLUDE_DIRS, type Verdict, verifyImage } from "./verify.ts";

export interface BuildOptions {
  target: Target;
  source: DenortSource;
  /** The project directory (holds deno.json, main.ts, schemas/). */
  root: string;
  outDir: string;
  version: string;
  /** Skip type-checking (`deno task check` does it). */
  noCheck?: boolean;
  /** Echo deno's own output (the embedded files tree). */
  echo?: (text: string) => void;
}

export interface BuildResult {
  target: Target;
  output: string;
  bytes: number;
  seconds: number;
  verdict: Verdict;
}

/** The `deno compile` arguments for `target` writing `output`. */
export function compileArgs(
  target: Target,
  output: string,
  o: { noCheck?: boolean; exclude?: string[] } = {},
): string[] {
  return [
    "compile",
    ...(o.noCheck ? ["--no-check"] : []),
    ...APP_PERMISSIONS,
    ...GATEWAY_RUNTIME_FLAGS,
    ...INCLUDE_DIRS.flatMap((dir) => ["--include", dir]),
    ...(o.exclude ?? []).flatMap((path) => ["--exclude", path]),
    "--target",
    target.triple,
    "--output",
    output,
    ENTRYPOINT,
  ];
}

/** The environment for deno compile: only the chosen base runtime is visible to it. */
export function compileEnv(source: DenortSource): Record<string, string> {
  const env = Deno.env.toObject();
  for (const k of Object.keys(env)) if (k.startsWith("DENORT_BIN")) delete env[k];
  if (source.kind === "env") env.DENORT_BIN = source.path;
  return env;
}

export async function buildTarget(o: BuildOptions): Promise<BuildResult> {
  const output = join(o.outDir, o.target.output);
  const warnings: string[] = [];
  if (o.source.kind === "env" && await looksLikeDenoCli(o.source.path)) {
    warnings.push(
      `${o.source.variable} is the deno CLI, not denort: the output embeds the app ` +
        `but runs as plain deno, not as the gateway`,
    );
  }
  await Deno.mkdir(o.outDir, { recursive: true });
  const started = performance.now();
  const exclude = [
    ...await foreignPrebuildDirs(o.root, o.target),
    ...await unusedPackageDirs(o.root, ENTRYPOINT),
  ];
  const child = new Deno.Command(Deno.execPath(), {
    args: compileArgs(o.target, output, { noCheck: o.noCheck, exclude }),
    cwd: o.root,
    env: compileEnv(o.source),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const echo = o.echo ?? ((t: string) => Deno.stderr.writeSync(new TextEncoder().encode(t)));
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    let text = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      echo(chunk);
    }
    return text;
  };
  const [out, err, status] = await Promise.all([
    collect(child.stdout),
    collect(child.stderr),
    child.status,
  ]);
  const seconds = (performance.now() - started) / 1000;
  if (!status.success) {
    const text = stripVTControlCharacters(out + err);
    if (/Setting up base binary|denort-/.test(text)) {
      if (o.source.kind === "download") {
        throw new DenortError(missingDenortHelp(o.target, o.version, o.source.zip));
      }
      throw new DenortError(
        `deno compile could not use the base runtime (${describeSource(o.source)}) for ` +
          `${o.target.triple}: replace it with denort ${o.version} for that target`,
      );
    }
    throw new Error(`deno compile for ${o.target.triple} failed (exit code ${status.code})`);
  }
  const binary = await Deno.readFile(output);
  const verdict = await verifyImage(readStandalone(binary), o.target, o.root);
  verdict.warnings.unshift(...warnings);
  return { target: o.target, output, bytes: binary.length, seconds, verdict };
}
