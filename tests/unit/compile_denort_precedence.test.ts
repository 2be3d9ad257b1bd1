/** Which base runtime each target gets, in order: per-target variable, DENORT_BIN, cache, download. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cachedZipPath, DenortError, resolveDenort } from "../../scripts/compile/denort.ts";
import { parseTargets, TARGETS } from "../../scripts/compile/targets.ts";

const version = "2.9.6";

async function fixture() {
  const dir = await Deno.makeTempDir({ prefix: "gateway-denort-" });
  const a = join(dir, "denort-a");
  const b = join(dir, "denort-b");
  await Deno.writeTextFile(a, "a");
  await Deno.writeTextFile(b, "b");
  return { dir, a, b, denoDir: join(dir, "deno_dir") };
}

Deno.test("a per-target DENORT_BIN_<ARCH> wins over DENORT_BIN and the cache", async () => {
  const f = await fixture();
  try {
    const zip = cachedZipPath(f.denoDir, version, TARGETS.aarch64);
    await Deno.mkdir(join(zip, ".."), { recursive: true });
    await Deno.writeTextFile(zip, "zip");
    const env = { DENORT_BIN_AARCH64: f.a, DENORT_BIN: f.b };
    const ctx = { env, denoDir: f.denoDir, version, targetCount: 1, cwd: f.dir };
    assert.deepEqual(resolveDenort(TARGETS.aarch64, ctx), {
      kind: "env",
      variable: "DENORT_BIN_AARCH64",
      path: f.a,
    });
    // x86_64 has no variable of its own: plain DENORT_BIN applies to a single target.
    assert.deepEqual(resolveDenort(TARGETS.x86_64, ctx), {
      kind: "env",
      variable: "DENORT_BIN",
      path: f.b,
    });
    // Without variables the cached zip is used; relative paths resolve from cwd.
    const cached = { ...ctx, env: {} };
    assert.deepEqual(resolveDenort(TARGETS.aarch64, cached), { kind: "cache", zip });
    const relative = { ...ctx, env: { DENORT_BIN_X86_64: "denort-a" } };
    assert.equal((resolveDenort(TARGETS.x86_64, relative) as { path: string }).path, f.a);
  } finally {
    await Deno.remove(f.dir, { recursive: true });
  }
});

Deno.test("without a runtime at hand the plan is a download into the cache path", async () => {
  const f = await fixture();
  try {
    const ctx = { env: {}, denoDir: f.denoDir, version, targetCount: 2, cwd: f.dir };
    assert.deepEqual(resolveDenort(TARGETS.x86_64, ctx), {
      kind: "download",
      zip: join(f.denoDir, "dl", "release", "v2.9.6", "denort-x86_64-unknown-linux-gnu.zip"),
      url: "https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip",
    });
    // Plain DENORT_BIN with two targets is ambiguous.
    assert.throws(
      () => resolveDenort(TARGETS.x86_64, { ...ctx, env: { DENORT_BIN: f.a } }),
      DenortError,
    );
    // A directory is not a runtime.
    assert.throws(
      () => resolveDenort(TARGETS.x86_64, { ...ctx, env: { DENORT_BIN_X86_64: f.dir } }),
      /not a file/,
    );
  } finally {
    await Deno.remove(f.dir, { recursive: true });
  }
});

Deno.test("--target accepts arch names, aliases, triples and all", () => {
  assert.deepEqual(parseTargets("all").map((t) => t.arch), ["x86_64", "aarch64"]);
  assert.deepEqual(parseTargets("arm64").map((t) => t.arch), ["aarch64"]);
  assert.deepEqual(parseTargets("AMD64").map((t) => t.arch), ["x86_64"]);
  assert.deepEqual(parseTargets("aarch64-unknown-linux-gnu").map((t) => t.output), [
    "gateway-aarch64-linux",
  ]);
  assert.throws(() => parseTargets("armv7"), /unknown target "armv7"/);
});
