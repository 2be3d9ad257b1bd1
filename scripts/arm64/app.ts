/**
 * Running the app as an aarch64 process: the arm64 Deno under qemu, on a copy
 * of the app whose node_modules that Deno installed itself (own DENO_DIR), so
 * that Node-API addons resolve their linux-arm64 prebuilds.
 */
import { dirname, join, relative } from "node:path";
import { foreignPrebuildDirs } from "../compile/prebuilds.ts";
import { TARGETS } from "../compile/targets.ts";
import { ensureArm64Deno } from "./deno_arm64.ts";
import { ARM64_APP, ARM64_DENO_DIR, PROJECT_ROOT } from "./paths.ts";
import { ensureQemu, type Qemu } from "./qemu.ts";

/** What the copy holds: the app's sources, its config and lockfile, and the BLE probe. */
export const APP_FILES = ["main.ts", "deno.json", "deno.lock", "src", "schemas", "scripts/arm64"];

export interface Arm64 {
  qemu: Qemu;
  /** The arm64 deno binary. */
  deno: string;
  /** The app copy it runs in. */
  app: string;
  denoDir: string;
}

export interface Arm64CommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  stdout?: "piped" | "inherit" | "null";
  stderr?: "piped" | "inherit" | "null";
}

/** `deno <args>` as an aarch64 process under qemu, in the app copy. */
export function arm64Deno(a: Arm64, args: string[], o: Arm64CommandOptions = {}): Deno.Command {
  return new Deno.Command(a.qemu.qemu, {
    args: ["-L", a.qemu.sysroot, a.deno, ...args],
    cwd: o.cwd ?? a.app,
    env: { DENO_DIR: a.denoDir, NO_COLOR: "1", ...o.env },
    stdin: "null",
    stdout: o.stdout ?? "inherit",
    stderr: o.stderr ?? "inherit",
  });
}

async function copyTree(from: string, to: string): Promise<void> {
  const info = await Deno.stat(from);
  if (info.isFile) {
    await Deno.mkdir(dirname(to), { recursive: true });
    await Deno.copyFile(from, to);
    return;
  }
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    await copyTree(join(from, e.name), join(to, e.name));
  }
}

/** Refreshes the app copy from the working tree (node_modules is kept). */
export async function syncApp(app = ARM64_APP): Promise<void> {
  await Deno.mkdir(app, { recursive: true });
  for (const f of APP_FILES) {
    await Deno.remove(join(app, f), { recursive: true }).catch(() => {});
    await copyTree(join(PROJECT_ROOT, f), join(app, f));
  }
}

/**
 * qemu, the arm64 Deno, and a synced app copy with node_modules installed by
 * the arm64 Deno. Throws QemuUnavailable when qemu cannot be had.
 */
export async function setupArm64(log: (line: string) => void = console.error): Promise<Arm64> {
  const qemu = await ensureQemu(log);
  const deno = await ensureArm64Deno(log);
  const a: Arm64 = { qemu, deno, app: ARM64_APP, denoDir: ARM64_DENO_DIR };
  await syncApp(a.app);
  log(`arm64: deno install in ${relative(PROJECT_ROOT, a.app)} (under qemu)`);
  const status = await arm64Deno(a, ["install", "--quiet"], { stdout: "null" }).spawn().status;
  if (!status.success) throw new Error(`arm64 deno install failed (exit ${status.code})`);
  // Same addon layout as the compiled aarch64 binary, which embeds only linux-arm64 prebuilds.
  for (const dir of await foreignPrebuildDirs(a.app, TARGETS.aarch64)) {
    await Deno.remove(join(a.app, dir), { recursive: true });
  }
  return a;
}
