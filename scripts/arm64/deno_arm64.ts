/** The aarch64 Linux build of the pinned Deno, from npm `@deno/linux-arm64-glibc`. */
import { join } from "node:path";
import { ARM64_DENO, ARM64_DENO_HOME, DENO_VERSION } from "./paths.ts";

const PACKAGE = "@deno/linux-arm64-glibc";

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdin: "null" }).output();
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${out.code}): ${
        new TextDecoder().decode(out.stderr).trim()
      }`,
    );
  }
}

/**
 * Path of the arm64 deno, fetched the first time. `npm pack` rather than
 * `npm install`: the package declares cpu arm64, which npm refuses on x86_64.
 */
export async function ensureArm64Deno(log: (line: string) => void = console.error) {
  try {
    await Deno.stat(ARM64_DENO);
    return ARM64_DENO;
  } catch {
    // not installed yet
  }
  log(`arm64: fetching ${PACKAGE}@${DENO_VERSION} from npm into ${ARM64_DENO_HOME}`);
  const tmp = await Deno.makeTempDir({ prefix: "deno-arm64-" });
  try {
    await run("npm", [
      "pack",
      "--silent",
      "--pack-destination",
      tmp,
      `${PACKAGE}@${DENO_VERSION}`,
    ]);
    const tgz = [...Deno.readDirSync(tmp)].find((e) => e.name.endsWith(".tgz"));
    if (!tgz) throw new Error(`npm pack left no tarball in ${tmp}`);
    const dest = join(ARM64_DENO, "..");
    await Deno.mkdir(dest, { recursive: true });
    await run("tar", ["-xzf", join(tmp, tgz.name), "-C", dest, "--strip-components=1"]);
    await Deno.chmod(ARM64_DENO, 0o755);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  return ARM64_DENO;
}
