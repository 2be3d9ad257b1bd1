/**
 * `deno task gateway` asks for what the gateway needs, no more: no -A, no subprocesses, FFI only
 * for the BLE addons' folders (which must exist, so a version bump of noble is caught here), write
 * only under the default spool folder.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO } from "./_support/gateway_process.ts";

const config = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
const task: string = config.tasks.gateway;
const flags = task.split(/\s+/).filter((f) => f.startsWith("-"));

Deno.test("deno task gateway: no -A, no --allow-run, no --allow-all", () => {
  assert.ok(!flags.some((f) => f === "-A" || f === "--allow-all" || f.startsWith("--allow-run")));
  for (const f of ["--allow-net", "--allow-read", "--allow-env", "--allow-sys"]) {
    assert.ok(flags.includes(f), `${f} granted`);
  }
});

Deno.test("deno task gateway: FFI only for the BLE addons' prebuilt folders, and they exist", async () => {
  const ffi = flags.find((f) => f.startsWith("--allow-ffi="));
  assert.ok(ffi, "--allow-ffi is limited to paths");
  const dirs = ffi.slice("--allow-ffi=".length).split(",");
  assert.equal(dirs.length, 2);
  for (const dir of dirs) {
    assert.match(dir, /^\.\/node_modules\/.*\/prebuilds$/);
    const addons: string[] = [];
    for await (const e of Deno.readDir(join(REPO, dir, "linux-x64"))) addons.push(e.name);
    assert.ok(addons.some((n) => n.endsWith(".node")), `${dir} holds a linux-x64 addon`);
  }
});

Deno.test("deno task gateway: write only under the default spool folder", () => {
  const write = flags.filter((f) => f.startsWith("--allow-write"));
  assert.deepEqual(write, ["--allow-write=$HOME/.local/state/sensortag-gateway"]);
});
