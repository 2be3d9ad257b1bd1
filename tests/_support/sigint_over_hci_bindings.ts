/**
 * A child process for ble_signals_sigint_like_sigterm.test.ts: a TagManager over noble's real HCI
 * bindings (the host's, here with no adapter) and the gateway's stop signal handling. Prints
 * `ready` once noble's bindings have started (and registered their SIGINT listener), then
 * `stopping` and exits 0 when the stop signal arrives.
 */
import { hostNoble } from "../../src/ble/noble.ts";
import { TagManager } from "../../src/ble/tag_manager.ts";
import { silentLogger } from "../../src/util/log.ts";
import { onStopSignal } from "../../src/util/signals.ts";

const signal = onStopSignal(silentLogger);
const noble = hostNoble();
const manager = new TagManager(noble, ["B0:B4:48:00:00:01"], {
  sensors: ["ir"],
  mode: "poll",
  intervalMs: 1000,
  accelRange: 8,
  connectTimeoutMs: 1000,
}, silentLogger);
manager.start(() => {}).catch(() => {}); // no adapter here: it fails after its wait; no matter
const bindings = (noble as unknown as { _bindings: { _hci?: unknown } })._bindings;
while (!bindings._hci) await new Promise((r) => setTimeout(r, 10));
console.log("ready");
await new Promise((r) => signal.addEventListener("abort", r, { once: true }));
console.log("stopping");
noble.stop();
Deno.exit(0);
