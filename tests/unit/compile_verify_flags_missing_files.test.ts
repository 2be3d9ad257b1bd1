/**
 * The post-build check fails a binary that lacks what the gateway loads at run
 * time: the addon for its own CPU, the exact schema, the ffi permission.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { GATEWAY_V8_FLAGS } from "../../scripts/compile/runtime_flags.ts";
import type { EmbeddedFile, StandaloneImage } from "../../scripts/compile/standalone.ts";
import { TARGETS } from "../../scripts/compile/targets.ts";
import { blePrebuildDir, verifyImage } from "../../scripts/compile/verify.ts";
import { REPO } from "../_support/gateway_process.ts";

const GRANTED = { allow_net: [], allow_read: [], allow_write: [], allow_env: [], allow_sys: [] };

/** An in-memory image holding the given project files (or replacement bytes). */
async function image(
  files: Record<string, Uint8Array | true>,
  permissions: Record<string, unknown>,
  machine: number,
): Promise<StandaloneImage> {
  const data = new Map<string, Uint8Array>();
  for (const [path, v] of Object.entries(files)) {
    data.set(path, v === true ? await Deno.readFile(join(REPO, path)) : v);
  }
  const entries = new Map<string, EmbeddedFile>(
    [...data].map(([path, bytes]) => [path, { path, offset: 0, length: bytes.length }]),
  );
  return {
    machine,
    // As deno compile writes them with the gateway's runtime flags: V8 flags, no code cache.
    metadata: {
      entrypoint_key: "main.ts",
      permissions,
      v8_flags: ["UNUSED_BUT_NECESSARY_ARG0", ...GATEWAY_V8_FLAGS],
      code_cache_key: null,
    },
    files: entries,
    symlinks: new Map(),
    read: (path) => data.get(path),
  };
}

function addons(dir: string): string[] {
  return [...Deno.readDirSync(join(REPO, dir))].filter((e) => e.name.endsWith(".node"))
    .map((e) => `${dir}/${e.name}`);
}

Deno.test("an aarch64 binary carrying only the x86_64 addon fails the check", async () => {
  const x64 = addons(blePrebuildDir(REPO, TARGETS.x86_64));
  const img = await image(
    {
      "main.ts": true,
      "schemas/sensortag.avsc": true,
      ...Object.fromEntries(x64.map((a) => [a, true])),
    },
    { ...GRANTED, allow_ffi: [] },
    TARGETS.aarch64.elfMachine,
  );
  const v = await verifyImage(img, TARGETS.aarch64, REPO);
  assert.equal(v.ok, false);
  const failed = v.checks.filter((c) => !c.ok).map((c) => c.what);
  assert.ok(failed.length > 0 && failed.every((w) => w.includes("linux-arm64")), failed.join());
  assert.deepEqual(v.warnings, [
    `${x64.length} prebuilt files for other platforms are embedded (0.3 MiB that aarch64 never loads)`,
  ]);
});

Deno.test("a changed schema, a missing ffi grant and a foreign CPU are all reported", async () => {
  const arm = addons(blePrebuildDir(REPO, TARGETS.aarch64));
  const img = await image(
    {
      "main.ts": true,
      "schemas/sensortag.avsc": new TextEncoder().encode('{"type":"string"}'),
      ...Object.fromEntries(arm.map((a) => [a, true])),
    },
    { ...GRANTED, allow_ffi: null, allow_run: [] },
    TARGETS.x86_64.elfMachine,
  );
  const v = await verifyImage(img, TARGETS.aarch64, REPO);
  assert.equal(v.ok, false);
  const byWhat = new Map(v.checks.map((c) => [c.what, c]));
  assert.match(byWhat.get("schema schemas/sensortag.avsc")!.detail, /differs/);
  assert.match(byWhat.get("permissions")!.detail, /not granted: allow_ffi.*allow_run/);
  assert.ok(v.checks.filter((c) => c.what.startsWith("BLE addon")).every((c) => c.ok));
  assert.match(v.warnings.join("\n"), /x86_64 executable, not aarch64/);
});

Deno.test("a binary built without the gateway's runtime flags fails the check", async () => {
  const arm = addons(blePrebuildDir(REPO, TARGETS.aarch64));
  const img = await image(
    {
      "main.ts": true,
      "schemas/sensortag.avsc": true,
      ...Object.fromEntries(arm.map((a) => [a, true])),
    },
    { ...GRANTED, allow_ffi: [] },
    TARGETS.aarch64.elfMachine,
  );
  assert.equal((await verifyImage(img, TARGETS.aarch64, REPO)).ok, true);
  img.metadata.v8_flags = ["UNUSED_BUT_NECESSARY_ARG0"];
  const v = await verifyImage(img, TARGETS.aarch64, REPO);
  assert.equal(v.ok, false);
  assert.deepEqual(v.checks.filter((c) => !c.ok).map((c) => c.what), ["runtime flags"]);
  img.metadata.v8_flags = ["UNUSED_BUT_NECESSARY_ARG0", ...GATEWAY_V8_FLAGS];
  img.metadata.code_cache_key = "123";
  assert.equal(
    (await verifyImage(img, TARGETS.aarch64, REPO)).ok,
    false,
    "a code cache is refused",
  );
});
