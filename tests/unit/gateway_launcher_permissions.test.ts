/**
 * `./gateway` asks for what the gateway needs, no more: no -A, no subprocesses, FFI only for the
 * BLE addons' folders (which must exist, so a version bump of noble is caught here), write only
 * under the default spool folder (install-service alone writes where --root points).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO } from "../_support/gateway_process.ts";
import { LIBC_PATHS, libcCandidates } from "../../src/ble/hci/libc.ts";

const launcher = await Deno.readTextFile(join(REPO, "gateway"));
/** The permission words of the launcher, with `$here`/`$addons` spelled out. */
const block = /^permissions=\(\n([\s\S]*?)\n\)/m.exec(launcher)?.[1] ?? "";
const flags = [...block.matchAll(/"?(--allow-[^"\s]*)"?/g)].map((m) =>
  m[1].replaceAll("$addons", join(REPO, "node_modules/.deno"))
);

Deno.test("./gateway: no -A, no --allow-run, no --allow-all", () => {
  assert.ok(flags.length >= 5, block);
  assert.ok(!/(^|\s)-A(\s|$)|--allow-all|--allow-run/.test(launcher));
  for (const f of ["--allow-net", "--allow-read", "--allow-env", "--allow-sys"]) {
    assert.ok(flags.includes(f), `${f} granted`);
  }
});

Deno.test("./gateway: FFI only for the BLE addons' prebuilt folders, and they exist", async () => {
  const ffi = flags.find((f) => f.startsWith("--allow-ffi="));
  assert.ok(ffi, "--allow-ffi is limited to paths");
  const dirs = ffi.slice("--allow-ffi=".length).split(",").filter((p) => p !== "$libc");
  assert.equal(dirs.length, 2);
  for (const dir of dirs) {
    assert.match(dir, /\/node_modules\/.*\/prebuilds$/);
    const addons: string[] = [];
    for await (const e of Deno.readDir(join(dir, "linux-x64"))) addons.push(e.name);
    assert.ok(addons.some((n) => n.endsWith(".node")), `${dir} holds a linux-x64 addon`);
  }
});

Deno.test("./gateway: FFI for the C library (uart:) at exactly the paths the gateway loads it from", () => {
  const ffi = flags.find((f) => f.startsWith("--allow-ffi="))!;
  assert.ok(ffi.split(",").includes("$libc"), ffi);
  const libc = /^libc="([^"]*)"$/m.exec(launcher)?.[1];
  assert.deepEqual(libc?.split(","), LIBC_PATHS);
  assert.ok(libcCandidates("x86_64").every((p) => LIBC_PATHS.includes(p)));
  assert.ok(libcCandidates("aarch64").every((p) => LIBC_PATHS.includes(p)));
  for (const p of LIBC_PATHS) assert.match(p, /^(\/usr)?\/lib\/[a-z0-9_]+-linux-gnu\/libc\.so\.6$/);
});

Deno.test("./gateway: write only under the default spool folder, but for install-service", () => {
  const writes = [...launcher.matchAll(/--allow-write[^\s")]*/g)].map((m) => m[0]);
  assert.deepEqual(writes, ["--allow-write", "--allow-write=$state"]);
  assert.match(
    launcher,
    /^state="\$\{XDG_STATE_HOME:-\$\{HOME:-[^}]*\}\/\.local\/state\}\/sensortag-gateway"$/m,
  );
  assert.match(
    launcher,
    /if \[ "\$\{1:-\}" = install-service \]; then permissions\+=\(--allow-write\); else permissions\+=\("--allow-write=\$state"\); fi/,
  );
});
