/**
 * Loads the Bluetooth stack the way the gateway does on a real device and
 * prints JSON lines: which prebuilt addon node-gyp-build picked for this CPU,
 * that it loaded, and the adapter state noble then reports ("unsupported"
 * when there is no radio, as on a build machine). Exit 0 when the addon loaded.
 * Run by scripts/arm64 under qemu; works on any host.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import process from "node:process";

const require = createRequire(import.meta.url);
const noblePkg = require.resolve("@stoprocent/noble/package.json");
const hciPkg = createRequire(noblePkg).resolve("@stoprocent/bluetooth-hci-socket/package.json");
const gyp = createRequire(hciPkg)("node-gyp-build") as {
  (dir: string): Record<string, unknown>;
  resolve(dir: string): string;
};
const prebuild = gyp.resolve(dirname(hciPkg));
const addon = gyp(dirname(hciPkg));
console.log(JSON.stringify({
  arch: process.arch,
  prebuild,
  addonExports: Object.keys(addon),
}));

const { withBindings } = require("@stoprocent/noble") as {
  withBindings(t: string): {
    state: string;
    once(e: string, f: (s: string) => void): void;
    stop(): void;
  };
};
const noble = withBindings("default");
const waitMs = Number(Deno.env.get("BLE_PROBE_WAIT_MS") ?? 30_000);
const state = await new Promise<string>((resolve) => {
  const timer = setTimeout(() => resolve(noble.state), waitMs);
  noble.once("stateChange", (s) => {
    clearTimeout(timer);
    resolve(s);
  });
});
console.log(JSON.stringify({ state }));
noble.stop();
Deno.exit(0);
