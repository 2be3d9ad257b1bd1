/** Where the aarch64 tooling lives: everything under .tools/ (gitignored). */
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DENO_VERSION = Deno.version.deno;
/** Debian's multiarch sysroot of libc6-arm64-cross and friends (`qemu -L`). */
export const SYSROOT = "/usr/aarch64-linux-gnu";
/** Debian packages that make aarch64 Linux binaries run here. */
export const APT_PACKAGES = ["qemu-user-static", "libc6-arm64-cross", "libstdc++6-arm64-cross"];
/** Files the emulated deno and the BLE addon need from the sysroot. */
export const SYSROOT_FILES = ["lib/ld-linux-aarch64.so.1", "lib/libc.so.6", "lib/libstdc++.so.6"];

const tools = join(PROJECT_ROOT, ".tools");
/** The arm64 Deno, installed from npm `@deno/linux-arm64-glibc`. */
export const ARM64_DENO_HOME = join(tools, `deno-${DENO_VERSION}-arm64`);
export const ARM64_DENO = join(
  ARM64_DENO_HOME,
  "node_modules",
  "@deno",
  "linux-arm64-glibc",
  "deno",
);
/** A copy of the app whose node_modules the arm64 Deno installs itself, and its DENO_DIR. */
export const ARM64_APP = join(tools, "arm64", "app");
export const ARM64_DENO_DIR = join(tools, "arm64", "deno_dir");
