/**
 * Checks a compiled gateway: the entry point, the permissions, the Avro schema
 * and the Bluetooth addon for its CPU are embedded, byte for byte equal to the
 * project's files.
 */
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { DENIED_KEYS, GRANTED_KEYS } from "./permissions.ts";
import { GATEWAY_V8_FLAGS } from "./runtime_flags.ts";
import type { StandaloneImage } from "./standalone.ts";
import { machineName, type Target } from "./targets.ts";

/** Directories embedded besides the module graph (the app reads its schema and, for install-service, its systemd units from there). */
export const INCLUDE_DIRS = ["schemas", "deploy"];
export const SCHEMA_FILES = ["schemas/sensortag.avsc"];
export const ENTRYPOINT = "main.ts";

export interface Check {
  what: string;
  ok: boolean;
  detail: string;
}

export interface Verdict {
  checks: Check[];
  /** Things that do not stop the build but make the output unfit to run on the target. */
  warnings: string[];
  ok: boolean;
}

/** Where the BLE transport addon's prebuilds for `target` live, relative to `root`. */
export function blePrebuildDir(root: string, target: Target): string {
  const fromRoot = createRequire(join(root, "deno.json"));
  const noble = fromRoot.resolve("@stoprocent/noble/package.json");
  const hci = createRequire(noble).resolve("@stoprocent/bluetooth-hci-socket/package.json");
  return relative(root, join(dirname(hci), "prebuilds", target.prebuildDir)).replaceAll("\\", "/");
}

export async function verifyImage(
  image: StandaloneImage,
  target: Target,
  root: string,
): Promise<Verdict> {
  const checks: Check[] = [];
  const warnings: string[] = [];

  const entry = image.metadata.entrypoint_key;
  checks.push({
    what: `entry point ${ENTRYPOINT}`,
    ok: entry === ENTRYPOINT && image.files.has(ENTRYPOINT),
    detail: `entrypoint_key=${JSON.stringify(entry)}`,
  });

  const perms = (image.metadata.permissions ?? {}) as Record<string, unknown>;
  const missing = GRANTED_KEYS.filter((k) => perms[k] === null || perms[k] === undefined);
  const extra = DENIED_KEYS.filter((k) => Array.isArray(perms[k]) && (perms[k] as []).length === 0);
  checks.push({
    what: "permissions",
    ok: missing.length === 0 && extra.length === 0,
    detail: missing.length + extra.length === 0
      ? `granted ${GRANTED_KEYS.map((k) => k.slice(6)).join(",")}`
      : `${missing.length ? `not granted: ${missing.join(",")} ` : ""}${
        extra.length ? `granted without limit: ${extra.join(",")}` : ""
      }`.trim(),
  });

  const v8Flags = Array.isArray(image.metadata.v8_flags) ? image.metadata.v8_flags as string[] : [];
  const missingFlags = GATEWAY_V8_FLAGS.filter((f) => !v8Flags.includes(f));
  checks.push({
    what: "runtime flags",
    ok: missingFlags.length === 0 && image.metadata.code_cache_key === null,
    detail: missingFlags.length > 0
      ? `V8 flags missing: ${missingFlags.join(" ")}`
      : image.metadata.code_cache_key === null
      ? `V8 ${GATEWAY_V8_FLAGS.join(" ")}, no code cache`
      : "a V8 code cache is embedded (expected --no-code-cache)",
  });

  for (const file of SCHEMA_FILES) {
    checks.push(await sameBytes(image, root, file, `schema ${file}`));
  }

  const prebuilds = blePrebuildDir(root, target);
  const addons: string[] = [];
  for await (const e of Deno.readDir(join(root, prebuilds))) {
    if (e.isFile && e.name.endsWith(".node")) addons.push(`${prebuilds}/${e.name}`);
  }
  if (addons.length === 0) {
    checks.push({
      what: `BLE addon ${target.prebuildDir}`,
      ok: false,
      detail: `none in ${prebuilds}`,
    });
  }
  for (const addon of addons.sort()) {
    checks.push(
      await sameBytes(image, root, addon, `BLE addon ${addon.split("/").slice(-2).join("/")}`),
    );
  }

  const foreign = [...image.files.values()].filter((f) =>
    /\/prebuilds\/[^/]+\//.test(f.path) && !f.path.includes(`/prebuilds/${target.prebuildDir}/`)
  );
  if (foreign.length > 0) {
    const mb = foreign.reduce((n, f) => n + f.length, 0) / 2 ** 20;
    warnings.push(
      `${foreign.length} prebuilt files for other platforms are embedded (${mb.toFixed(1)} MiB ` +
        `that ${target.arch} never loads)`,
    );
  }
  if (image.machine !== target.elfMachine) {
    warnings.push(
      `the binary is an ${machineName(image.machine)} executable, not ${target.arch}: ` +
        `its base runtime (denort) was built for another CPU, so it will not run on ${target.arch}`,
    );
  }
  return { checks, warnings, ok: checks.every((c) => c.ok) };
}

async function sameBytes(image: StandaloneImage, root: string, path: string, what: string) {
  const embedded = image.read(path);
  if (!embedded) return { what, ok: false, detail: `${path} is not embedded` };
  const local = await Deno.readFile(join(root, path));
  const equal = local.length === embedded.length && local.every((b, i) => b === embedded[i]);
  return {
    what,
    ok: equal,
    detail: equal
      ? `${embedded.length} bytes, identical to ${path}`
      : `${path} embedded but differs from the project's file`,
  };
}
