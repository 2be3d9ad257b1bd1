/**
 * Real small file systems for spool tests: a tmpfs of a given size that fills, can be filled by
 * another file, and remounted read-only. Mounting needs root (CI runs as root).
 */
import { join } from "node:path";

export interface SmallDisk {
  dir: string;
  /** Fills what is left of the disk with a file of zeros (another program taking the space). */
  fill(): Promise<void>;
  /** Removes the filler file: space returns. */
  unfill(): Promise<void>;
  /** Remounts read-only (`ro`) or writable again (`rw`). */
  remount(mode: "ro" | "rw"): Promise<void>;
  /** Bytes free, as `df` says. */
  freeBytes(): number;
  /** Unmounts and removes the mount point. */
  unmount(): Promise<void>;
}

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${out.code}): ${
        new TextDecoder().decode(out.stderr).trim()
      }${Deno.uid() === 0 ? "" : " — mounting a tmpfs needs root (CI runs as root)"}`,
    );
  }
}

/** Mounts a fresh tmpfs of `size` (e.g. `1m`) on a new temporary folder. */
export async function mountSmallDisk(size: string): Promise<SmallDisk> {
  const dir = await Deno.makeTempDir({ prefix: "gateway-small-disk-" });
  await run("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", dir]);
  const filler = join(dir, "filler");
  return {
    dir,
    async fill() {
      // dd ends with "No space left on device" (exit 1): that is the point.
      await new Deno.Command("dd", {
        args: ["if=/dev/zero", `of=${filler}`, "bs=4k"],
        stdout: "null",
        stderr: "null",
      }).output();
    },
    async unfill() {
      await Deno.remove(filler).catch(() => {});
    },
    async remount(mode) {
      await run("mount", ["-o", `remount,${mode}`, dir]);
    },
    freeBytes() {
      const out = new Deno.Command("df", { args: ["-B1", "--output=avail", dir] }).outputSync();
      return Number(new TextDecoder().decode(out.stdout).trim().split("\n").pop());
    },
    async unmount() {
      await run("umount", ["-l", dir]).catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
