/**
 * `deno task compile --target all` builds both binaries and they embed what the
 * gateway needs at run time: main.ts, schemas/sensortag.avsc, the Bluetooth
 * addon prebuilt for the binary's CPU (and no other platform's prebuilds), plus
 * the permissions it runs with.
 *
 * The base runtime here is the x86_64 deno CLI (no denort can be fetched on this
 * machine): the outputs then run as plain deno, so this proves the pipeline and
 * the embedded contents, not running the outputs (the aarch64 tests run the app).
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { readElf, sectionBytes } from "../../scripts/compile/elf.ts";
import { readStandalone } from "../../scripts/compile/standalone.ts";
import { TARGETS } from "../../scripts/compile/targets.ts";
import { blePrebuildDir } from "../../scripts/compile/verify.ts";
import { REPO } from "../_support/gateway_process.ts";

const HOST_DENO = Deno.execPath();

async function compileAll(outDir: string) {
  const out = await new Deno.Command(HOST_DENO, {
    args: ["task", "compile", "--target", "all", "--out-dir", outDir],
    cwd: REPO,
    env: { DENORT_BIN_X86_64: HOST_DENO, DENORT_BIN_AARCH64: HOST_DENO, NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function prebuilds(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(join(REPO, dir))) {
    if (e.name.endsWith(".node")) names.push(`${dir}/${e.name}`);
  }
  return names.sort();
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle) >= 0;
}

Deno.test("deno task compile builds both targets, each embedding the schema and only its own BLE addon", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "gateway-compile-" });
  try {
    const run = await compileAll(outDir);
    assert.equal(run.code, 0, `compile failed:\n${run.stdout}\n${run.stderr}`);
    // The script warns that a deno CLI base runtime makes outputs that do not run as the app.
    assert.match(run.stderr, /DENORT_BIN_AARCH64 is the deno CLI, not denort/);
    assert.match(run.stderr, /is an x86_64 executable, not aarch64/);
    assert.doesNotMatch(run.stderr, /for other platforms are embedded/);

    const schema = await Deno.readFile(join(REPO, "schemas/sensortag.avsc"));
    const sizes: string[] = [];
    for (const target of Object.values(TARGETS)) {
      const path = join(outDir, target.output);
      const binary = await Deno.readFile(path);
      sizes.push(`${target.output} ${(binary.length / 2 ** 20).toFixed(1)} MiB`);
      const image = readStandalone(binary);
      assert.equal(image.metadata.entrypoint_key, "main.ts");
      assert.ok(image.files.has("main.ts"));
      // Commands are loaded by dynamic import when they run: each is still embedded,
      // with what it loads (the sink and its MongoDB driver included).
      for (const c of ["produce", "scan", "sink", "decode", "kcql"]) {
        assert.ok(image.files.has(`src/cli/${c}_command.ts`), `${c} command embedded`);
      }
      assert.ok(image.files.has("src/sink/io/run_sink.ts"), "the sink's modules are embedded");
      assert.ok(
        [...image.files.keys()].some((p) =>
          /\/mongodb@[^/]+\/node_modules\/mongodb\/lib\//.test(p)
        ),
        "the MongoDB driver is embedded",
      );
      assert.deepEqual(
        image.read("schemas/sensortag.avsc"),
        schema,
        "schema embedded byte for byte",
      );

      const perms = image.metadata.permissions as Record<string, unknown>;
      for (
        const k of ["allow_net", "allow_read", "allow_write", "allow_env", "allow_sys", "allow_ffi"]
      ) {
        assert.deepEqual(perms[k], [], `${target.arch}: ${k} granted without a list`);
      }
      assert.equal(perms.allow_run, null, `${target.arch}: no subprocesses`);

      const own = blePrebuildDir(REPO, target);
      assert.match(own, new RegExp(`bluetooth-hci-socket/prebuilds/${target.prebuildDir}$`));
      const addons = await prebuilds(own);
      assert.ok(addons.length > 0, `the package ships ${target.prebuildDir} prebuilds`);
      const payload = sectionBytes(binary, readElf(binary), ".note.sui")!;
      for (const addon of addons) {
        const local = await Deno.readFile(join(REPO, addon));
        assert.deepEqual(image.read(addon), local, `${target.arch}: ${addon} embedded`);
        // Cross-check without the VFS reader: the addon's bytes are in the payload section.
        assert.ok(contains(payload, local), `${target.arch}: ${addon} bytes in .note.sui`);
      }
      // Only this CPU's prebuilt addons: the other platforms' are left out.
      const prebuilt = [...image.files.keys()].filter((p) => p.includes("/prebuilds/"));
      assert.ok(prebuilt.length >= addons.length);
      for (const p of prebuilt) {
        assert.ok(p.includes(`/prebuilds/${target.prebuildDir}/`), `${target.arch} embeds ${p}`);
      }
    }
    console.log(sizes.join(", "));
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
