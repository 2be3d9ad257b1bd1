/**
 * Where `deno task compile` takes the base runtime (denort) from, and what it
 * says when there is none: a zip pre-seeded in Deno's cache is used offline;
 * with nothing at hand, --offline names the exact file and path to provide;
 * DENORT_BIN fits one target only.
 */
import assert from "node:assert/strict";
import { crc32 } from "node:zlib";
import { join } from "node:path";
import { readStandalone } from "../../scripts/compile/standalone.ts";
import { TARGETS } from "../../scripts/compile/targets.ts";
import { REPO } from "../_support/gateway_process.ts";

const HOST_DENO = Deno.execPath();
const VERSION = Deno.version.deno;

/** Runs the task with only the given base-runtime variables (none inherited). */
async function compile(args: string[], env: Record<string, string>) {
  const inherited = Object.entries(Deno.env.toObject()).filter(([k]) =>
    !k.startsWith("DENORT_BIN") && k !== "DENO_DIR"
  );
  const out = await new Deno.Command(HOST_DENO, {
    args: ["task", "compile", ...args],
    cwd: REPO,
    env: { ...Object.fromEntries(inherited), NO_COLOR: "1", ...env },
    clearEnv: true,
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The host's Deno cache, shared for npm packages so a scratch DENO_DIR starts warm. */
async function hostDenoDir(): Promise<string> {
  const out = await new Deno.Command(HOST_DENO, { args: ["info", "--json"] }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir;
}

/** A scratch DENO_DIR: its own dl/ cache, the host's npm cache. */
async function scratchDenoDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "gateway-deno-dir-" });
  const npm = join(await hostDenoDir(), "npm");
  try {
    await Deno.stat(npm);
    await Deno.symlink(npm, join(dir, "npm"));
  } catch {
    // no npm cache yet: the scratch dir fills its own
  }
  return dir;
}

/** A zip archive (stored, no compression) holding one executable file. */
function zipOne(name: string, data: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const crc = crc32(data);
  const local = new DataView(new ArrayBuffer(30));
  local.setUint32(0, 0x04034b50, true);
  local.setUint16(4, 20, true);
  local.setUint16(12, 0x21, true); // 1980-01-01
  local.setUint32(14, crc, true);
  local.setUint32(18, data.length, true);
  local.setUint32(22, data.length, true);
  local.setUint16(26, nameBytes.length, true);
  const central = new DataView(new ArrayBuffer(46));
  central.setUint32(0, 0x02014b50, true);
  central.setUint16(4, 0x031e, true); // made on Unix
  central.setUint16(6, 20, true);
  central.setUint16(14, 0x21, true);
  central.setUint32(16, crc, true);
  central.setUint32(20, data.length, true);
  central.setUint32(24, data.length, true);
  central.setUint16(28, nameBytes.length, true);
  central.setUint32(38, (0o100755 << 16) >>> 0, true);
  const centralAt = 30 + nameBytes.length + data.length;
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, 1, true);
  end.setUint16(10, 1, true);
  end.setUint32(12, 46 + nameBytes.length, true);
  end.setUint32(16, centralAt, true);
  const parts = [
    new Uint8Array(local.buffer),
    nameBytes,
    data,
    new Uint8Array(central.buffer),
    nameBytes,
    new Uint8Array(end.buffer),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("a denort zip pre-seeded in DENO_DIR is used without any download", async () => {
  const denoDir = await scratchDenoDir();
  const outDir = await Deno.makeTempDir({ prefix: "gateway-compile-" });
  try {
    const zip = join(
      denoDir,
      "dl",
      "release",
      `v${VERSION}`,
      `denort-${TARGETS.aarch64.triple}.zip`,
    );
    await Deno.mkdir(join(zip, ".."), { recursive: true });
    // Stands in for the real asset: the host deno, so the output's CPU shows where it came from.
    await Deno.writeFile(zip, zipOne("denort", await Deno.readFile(HOST_DENO)));
    const run = await compile([
      "--target",
      "aarch64",
      "--out-dir",
      outDir,
      "--no-check",
      "--offline",
    ], {
      DENO_DIR: denoDir,
    });
    assert.equal(run.code, 0, `compile failed:\n${run.stderr}`);
    assert.ok(run.stderr.includes(`base runtime cached ${zip}`), run.stderr);
    const binary = await Deno.readFile(join(outDir, TARGETS.aarch64.output));
    const image = readStandalone(binary);
    assert.equal(image.machine, TARGETS.x86_64.elfMachine, "built on the zip's runtime");
    assert.ok(image.files.has("schemas/sensortag.avsc"));
  } finally {
    await Deno.remove(outDir, { recursive: true });
    await Deno.remove(denoDir, { recursive: true });
  }
});

Deno.test("with no denort at hand, --offline names the file to provide and where", async () => {
  const denoDir = await scratchDenoDir();
  try {
    const run = await compile(["--target", "aarch64", "--offline", "--out-dir", denoDir], {
      DENO_DIR: denoDir,
    });
    assert.equal(run.code, 1);
    const zip = join(
      denoDir,
      "dl",
      "release",
      `v${VERSION}`,
      "denort-aarch64-unknown-linux-gnu.zip",
    );
    assert.ok(run.stderr.includes(`unchanged at ${zip}`), run.stderr);
    assert.match(run.stderr, /DENORT_BIN_AARCH64=\/path\/to\/denort/);
    assert.ok(run.stderr.includes(`denort ${VERSION}`), "names the Deno version needed");
    await assert.rejects(Deno.stat(join(denoDir, TARGETS.aarch64.output)), "nothing was built");
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
});

Deno.test("plain DENORT_BIN is refused for several targets, and a missing file is named", async () => {
  const several = await compile(["--target", "all", "--no-check"], { DENORT_BIN: HOST_DENO });
  assert.equal(several.code, 2);
  assert.match(several.stderr, /DENORT_BIN names one base runtime.*--target.*DENORT_BIN_X86_64/s);

  const missing = await compile(["--target", "x86_64", "--no-check"], {
    DENORT_BIN_X86_64: "/nonexistent/denort",
  });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /DENORT_BIN_X86_64=\/nonexistent\/denort: no such file/);
});

Deno.test("the default build tries every target and reports each: one built, the Pi's missing runtime and where it was looked for", async () => {
  const denoDir = await scratchDenoDir();
  const outDir = await Deno.makeTempDir({ prefix: "gateway-compile-" });
  try {
    const release = join(denoDir, "dl", "release", `v${VERSION}`);
    await Deno.mkdir(release, { recursive: true });
    // x86_64's runtime is at hand (the host deno stands in for it); aarch64's is not.
    await Deno.writeFile(
      join(release, `denort-${TARGETS.x86_64.triple}.zip`),
      zipOne("denort", await Deno.readFile(HOST_DENO)),
    );
    const run = await compile(["--out-dir", outDir, "--no-check", "--offline"], {
      DENO_DIR: denoDir,
    });
    assert.equal(run.code, 1, "a requested target failed");
    await Deno.stat(join(outDir, TARGETS.x86_64.output)); // built all the same
    await assert.rejects(Deno.stat(join(outDir, TARGETS.aarch64.output)));
    const report = run.stderr.slice(run.stderr.lastIndexOf("compile: targets:"));
    assert.match(report, new RegExp(`x86_64 +ok +built .*${TARGETS.x86_64.output}`));
    const aarch64 = report.split("\n").find((l) => /^\s+aarch64 /.test(l)) ?? "";
    assert.match(aarch64, /FAILED no base runtime \(denort /);
    for (
      const place of [
        "DENORT_BIN_AARCH64: not set",
        `${join(release, `denort-${TARGETS.aarch64.triple}.zip`)}: not there`,
        `denort-${TARGETS.aarch64.triple}.zip: not tried (--offline)`,
      ]
    ) assert.ok(aarch64.includes(place), `${place} in: ${aarch64}`);
    assert.match(report, /1 of 2 targets failed: aarch64/);
  } finally {
    await Deno.remove(outDir, { recursive: true });
    await Deno.remove(denoDir, { recursive: true });
  }
});
