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

export interface FailingDisk {
  dir: string;
  /**
   * Makes the file system fail as a worn SD card does: ext4 records an error and, mounted with
   * `errors=remount-ro`, turns read-only at once, under files open for writing.
   */
  fail(): Promise<void>;
  /** Shuts the file system down (ext4's EXT4_IOC_SHUTDOWN): every write and open fails with EIO. */
  shutdown(): Promise<void>;
  unmount(): Promise<void>;
}

/** EXT4_IOC_SHUTDOWN = _IOR('X', 125, __u32); flag EXT4_GOING_FLAGS_NOLOGFLUSH. */
const SHUTDOWN = `
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.ioctl(fd, 0x8004587D, struct.pack("I", 2))
`;

/** An ext4 file system of `sizeMiB` on a loop device, mounted with `errors=remount-ro`. */
export async function mountFailingDisk(sizeMiB = 16): Promise<FailingDisk> {
  const dir = await Deno.makeTempDir({ prefix: "gateway-failing-disk-" });
  const image = `${dir}.img`;
  await run("truncate", ["-s", `${sizeMiB}M`, image]);
  await run("mkfs.ext4", ["-q", "-F", image]);
  await run("mount", ["-o", "loop,errors=remount-ro", image, dir]);
  const source = new TextDecoder().decode(
    new Deno.Command("findmnt", { args: ["-n", "-o", "SOURCE", dir] }).outputSync().stdout,
  ).trim();
  const device = source.split("/").pop()!;
  return {
    dir,
    async fail() {
      await Deno.writeTextFile(`/sys/fs/ext4/${device}/trigger_fs_error`, "gateway test\n");
    },
    async shutdown() {
      await run("python3", ["-c", SHUTDOWN, dir]);
    },
    async unmount() {
      await run("umount", ["-l", dir]).catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      await Deno.remove(image).catch(() => {});
    },
  };
}
