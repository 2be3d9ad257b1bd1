/** The two Linux targets the gateway is built for, and how `--target` names them. */

export type Arch = "x86_64" | "aarch64";

export interface Target {
  arch: Arch;
  /** The Rust target triple `deno compile --target` takes. */
  triple: string;
  /** File name under the output directory. */
  output: string;
  /** The `prebuilds/<dir>` a Node-API addon loads from on this target (node-gyp-build naming). */
  prebuildDir: string;
  /** ELF `e_machine` of binaries for this target. */
  elfMachine: number;
  /** Environment variable naming an unzipped denort for this target. */
  denortEnv: string;
}

export const TARGETS: Readonly<Record<Arch, Target>> = {
  x86_64: {
    arch: "x86_64",
    triple: "x86_64-unknown-linux-gnu",
    output: "gateway-x86_64-linux",
    prebuildDir: "linux-x64",
    elfMachine: 62, // EM_X86_64
    denortEnv: "DENORT_BIN_X86_64",
  },
  aarch64: {
    arch: "aarch64",
    triple: "aarch64-unknown-linux-gnu",
    output: "gateway-aarch64-linux",
    prebuildDir: "linux-arm64",
    elfMachine: 183, // EM_AARCH64
    denortEnv: "DENORT_BIN_AARCH64",
  },
};

const ALIASES: Record<string, Arch[]> = {
  all: ["x86_64", "aarch64"],
  x86_64: ["x86_64"],
  x64: ["x86_64"],
  amd64: ["x86_64"],
  [TARGETS.x86_64.triple]: ["x86_64"],
  aarch64: ["aarch64"],
  arm64: ["aarch64"],
  [TARGETS.aarch64.triple]: ["aarch64"],
};

/** `x86_64`, `aarch64` (or `x64`/`amd64`/`arm64`, or a full triple) or `all`. */
export function parseTargets(value: string): Target[] {
  const arches = ALIASES[value.trim().toLowerCase()];
  if (!arches) {
    throw new RangeError(
      `unknown target "${value}": use x86_64, aarch64 or all (or ${TARGETS.x86_64.triple}, ${TARGETS.aarch64.triple})`,
    );
  }
  return arches.map((a) => TARGETS[a]);
}

/** A human name of an ELF machine number. */
export function machineName(machine: number): string {
  const known = Object.values(TARGETS).find((t) => t.elfMachine === machine);
  return known ? known.arch : `ELF machine ${machine}`;
}
