/**
 * Who owns a spool. The lock itself is SQLite's (the spool is opened in EXCLUSIVE locking mode,
 * released by the OS when the process dies, even by SIGKILL); this side file only names the
 * owner so that a second process can say which one holds it.
 */

/** A second process tried to open a spool another one owns. */
export class SpoolInUseError extends Error {
  override name = "SpoolInUseError";
  constructor(readonly path: string, readonly ownerPid: number | undefined) {
    super(
      `spool ${path} is in use by another gateway process (pid ${ownerPid ?? "unknown"}): ` +
        `one process owns a spool; stop that one, or give this one its own --spool`,
    );
  }
}

/** The side file naming the owner of `spoolPath`. */
export function ownerFile(spoolPath: string): string {
  return `${spoolPath}.owner`;
}

/** Records this process as the owner. */
export function writeOwner(spoolPath: string): void {
  Deno.writeTextFileSync(
    ownerFile(spoolPath),
    JSON.stringify({ pid: Deno.pid, since: new Date().toISOString() }) + "\n",
  );
}

/** The pid recorded as owner, if any. */
export function readOwnerPid(spoolPath: string): number | undefined {
  try {
    const pid = JSON.parse(Deno.readTextFileSync(ownerFile(spoolPath))).pid;
    return Number.isSafeInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the owner file if it still names this process. */
export function clearOwner(spoolPath: string): void {
  if (readOwnerPid(spoolPath) !== Deno.pid) return;
  try {
    Deno.removeSync(ownerFile(spoolPath));
  } catch {
    // already gone
  }
}
