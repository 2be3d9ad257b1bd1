/** A small tmpfs of its own for a test's spool (Linux; root, as CI runs). */

/** Mounts a tmpfs of `size` (e.g. "4m") at a new temporary directory; returns the directory. */
export async function mountTmpfs(size: string, prefix = "gateway-tmpfs-"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  const out = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    await Deno.remove(dir).catch(() => {});
    throw new Error(
      `mount -t tmpfs -o size=${size} at ${dir} failed (the test needs root): ${
        new TextDecoder().decode(out.stderr).trim()
      }`,
    );
  }
  return dir;
}

/** Unmounts and removes a directory {@linkcode mountTmpfs} made. */
export async function unmountTmpfs(dir: string): Promise<void> {
  await new Deno.Command("umount", { args: [dir], stdout: "null", stderr: "null" }).output();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}

/**
 * Fills the filesystem of `dir` until a write fails for lack of space, with a file named
 * `name`; returns its path (remove it to give the space back).
 */
export async function fillFilesystem(dir: string, name = "filler"): Promise<string> {
  const path = `${dir}/${name}`;
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const chunk = new Uint8Array(4096);
  try {
    for (;;) await file.write(chunk);
  } catch (error) {
    if (!/no space|ENOSPC|os error 28/i.test((error as Error).message)) throw error;
  } finally {
    file.close();
  }
  return path;
}
