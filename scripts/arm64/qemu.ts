/** qemu user-mode emulation of aarch64 Linux, installed from Debian packages when missing. */
import { join } from "node:path";
import { APT_PACKAGES, SYSROOT, SYSROOT_FILES } from "./paths.ts";

export class QemuUnavailable extends Error {
  override name = "QemuUnavailable";
}

export interface Qemu {
  /** Path of qemu-aarch64-static. */
  qemu: string;
  sysroot: string;
  /** True when this call installed packages. */
  installed: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function findQemu(): Promise<string | undefined> {
  const dirs = (Deno.env.get("PATH") ?? "").split(":").concat(["/usr/bin", "/usr/local/bin"]);
  for (const dir of dirs) {
    const candidate = join(dir || ".", "qemu-aarch64-static");
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

async function missingSysrootFiles(): Promise<string[]> {
  const missing: string[] = [];
  for (const f of SYSROOT_FILES) if (!(await exists(join(SYSROOT, f)))) missing.push(f);
  return missing;
}

async function run(cmd: string[], log: (line: string) => void): Promise<boolean> {
  log(`$ ${cmd.join(" ")}`);
  try {
    const out = await new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdin: "null",
      env: { DEBIAN_FRONTEND: "noninteractive" },
    }).output();
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join("\n");
      log(`  exit ${out.code}: ${err}`);
    }
    return out.success;
  } catch (error) {
    log(`  ${(error as Error).message}`);
    return false;
  }
}

/** qemu-aarch64-static and the arm64 sysroot, installing them with apt-get if needed. */
export async function ensureQemu(log: (line: string) => void = console.error): Promise<Qemu> {
  let qemu = await findQemu();
  if (qemu && (await missingSysrootFiles()).length === 0) {
    return { qemu, sysroot: SYSROOT, installed: false };
  }
  const root = Deno.uid() === 0;
  const sudo = root ? [] : ["sudo", "-n"];
  const install = [
    ...sudo,
    "apt-get",
    "install",
    "-y",
    "--no-install-recommends",
    "-o",
    "DPkg::Lock::Timeout=300",
    ...APT_PACKAGES,
  ];
  const ok = await run(install, log) ||
    (await run([...sudo, "apt-get", "update", "-o", "DPkg::Lock::Timeout=300"], log) &&
      await run(install, log));
  qemu = await findQemu();
  const missing = await missingSysrootFiles();
  if (!ok || !qemu || missing.length > 0) {
    throw new QemuUnavailable(
      `cannot run aarch64 binaries here: install ${APT_PACKAGES.join(" ")} ` +
        `(apt-get ${ok ? "succeeded" : "failed"}${root ? "" : ", not root"}; ` +
        `${qemu ? "" : "qemu-aarch64-static not found; "}` +
        `${missing.length ? `missing in ${SYSROOT}: ${missing.join(", ")}` : ""})`,
    );
  }
  return { qemu, sysroot: SYSROOT, installed: true };
}
