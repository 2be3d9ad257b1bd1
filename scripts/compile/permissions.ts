/**
 * The permissions baked into the compiled gateway (a compiled binary never
 * prompts: whatever is not granted here is denied).
 *
 * - net: Kafka brokers, the schema registry, MongoDB.
 * - read/write: the schema file, KCQL/properties files, the SQLite spool.
 * - env: `GATEWAY_*` settings, HOME / XDG_STATE_HOME for the default spool path.
 * - sys: `os.hostname()` (client ids) and the Node compatibility layer's OS queries.
 * - ffi: loading Node-API addons (the Bluetooth HCI socket transport of noble), and the C
 *   library for `--hci uart:` (Deno opens no file under /dev without every permission, so the
 *   serial device is opened with open(2) through FFI: src/ble/hci/tty_stream.ts).
 *
 * Not granted: run (no subprocesses) and import (everything is embedded).
 *
 * Why no paths: Deno fixes a compiled binary's permissions when it is built, on the build
 * machine. The spool is wherever `--spool` / `HOME` / `XDG_STATE_HOME` put it on the Pi, and the
 * BLE addon is opened from the binary's virtual folder `$TMPDIR/deno-compile-<binary's file
 * name>/...`, both decided when it runs; a build-time path would break a renamed binary, another
 * TMPDIR or another spool. Deno cannot narrow a global grant later either (revoking one path of
 * it changes nothing), so the narrowing is done by giving permissions up at run time
 * (src/cli/permission_scope.ts): write is kept only by produce, spool and install-service; ffi
 * only by produce and scan over the radio, and only until noble's addon is loaded.
 * (`./gateway` names paths for both: see that launcher and tests/unit/gateway_launcher_permissions.test.ts.)
 * The aarch64 test runs the app under exactly this list, so a missing entry fails there.
 */
export const APP_PERMISSIONS: readonly string[] = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-ffi",
];

/** The metadata keys of a compiled binary that must be granted (non-null) and that must not be. */
export const GRANTED_KEYS = [
  "allow_net",
  "allow_read",
  "allow_write",
  "allow_env",
  "allow_sys",
  "allow_ffi",
] as const;
export const DENIED_KEYS = ["allow_run", "allow_import"] as const;
