/**
 * Each command keeps only the permissions it uses. The compiled binary is granted write and ffi
 * without paths (`deno compile` fixes grants at build time, while the spool path and the BLE
 * addon's extracted path are only known at run time; and Deno cannot narrow a global grant to a
 * path later: revoking one path of a global grant changes nothing). What can be done at run time
 * is to give them up: a command that writes nothing revokes write as it starts, one that loads no
 * BLE addon revokes ffi, and the BLE commands revoke ffi as soon as noble's addon is loaded
 * ({@linkcode dropFfiAfterAddonLoaded}). A revoked permission stays revoked for the process.
 */

/** What a command (the first word of the command line) still needs once it runs. */
export interface CommandNeeds {
  /** Files it writes: the spool (produce, spool) or the unit and settings (install-service). */
  write: boolean;
  /** noble's BLE addon (Node-API, loaded through ffi), unless the tags are simulated. */
  ffi: boolean;
}

/** Every command's needs; a command not listed keeps nothing of either. */
export const COMMAND_NEEDS: Readonly<Record<string, CommandNeeds>> = {
  produce: { write: true, ffi: true },
  scan: { write: false, ffi: true },
  spool: { write: true, ffi: false },
  "install-service": { write: true, ffi: false },
  sink: { write: false, ffi: false },
  decode: { write: false, ffi: false },
  kcql: { write: false, ffi: false },
  status: { write: false, ffi: false },
};

/** How a run reaches the tags, as far as permissions go. */
export interface RadioUse {
  /** `--simulate`: no radio, so no addon. */
  simulate?: boolean;
}

/** The permissions `command` gives up as it starts. */
export function permissionsToDrop(command: string, radio: RadioUse = {}): ("write" | "ffi")[] {
  const needs = COMMAND_NEEDS[command] ?? { write: false, ffi: false };
  const drop: ("write" | "ffi")[] = [];
  if (!needs.write) drop.push("write");
  if (!needs.ffi || radio.simulate) drop.push("ffi");
  return drop;
}

/** Revokes `name` for the rest of the process (a no-op where it is not granted). */
export function dropPermission(name: "write" | "ffi"): void {
  Deno.permissions.revokeSync({ name });
}

/**
 * Called once noble's Node-API addon is loaded (and, for `--hci uart:`, the C library the serial
 * device is opened through): nothing else is ever loaded through ffi, and calls into a library
 * already loaded need no permission.
 */
export function dropFfiAfterAddonLoaded(): void {
  dropPermission("ffi");
}
