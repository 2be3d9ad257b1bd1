/**
 * With `--log-format json`, noble's adapter warning (three console lines advising
 * `NOBLE_HCI_DEVICE_ID=x node ...`, which does not apply to the gateway) is one warning in the
 * gateway's words, once, however often noble repeats it.
 */
import assert from "node:assert/strict";
import { nobleWarningRewriter } from "../../src/ble/adapter_state.ts";
import { addConsoleRewriter, routeConsoleToLog } from "../../src/util/console_to_log.ts";
import { createLogger } from "../../src/util/log.ts";
import { runGateway } from "../_support/gateway_process.ts";

/** What noble 2.8's hci-socket bindings print (lib/hci-socket/bindings.js, onStateChange). */
const NOBLE_UNSUPPORTED = [
  "noble warning: adapter does not support Bluetooth Low Energy (BLE, Bluetooth Smart).",
  "               Try to run with environment variable:",
  "               [sudo] NOBLE_HCI_DEVICE_ID=x node ...",
];
const NOBLE_UNAUTHORIZED = [
  "noble warning: adapter state unauthorized, please run as root or with sudo",
  "               or see README for information on running without root/sudo:",
  "               https://github.com/sandeepmistry/noble#running-on-linux",
];

Deno.test("noble's adapter warnings through the JSON log: one warning per state, in the gateway's words", () => {
  const lines: string[] = [];
  const log = createLogger({ format: "json", level: "debug", write: (l) => lines.push(l) });
  addConsoleRewriter(nobleWarningRewriter());
  const restore = routeConsoleToLog(log);
  try {
    for (let i = 0; i < 3; i++) for (const l of NOBLE_UNSUPPORTED) console.log(l);
    for (const l of NOBLE_UNAUTHORIZED) console.log(l);
    console.log("another library's line");
  } finally {
    restore();
  }
  const objects = lines.map((l) => JSON.parse(l));
  assert.equal(objects.length, 3, lines.join("\n"));
  assert.deepEqual(objects.map((o) => o.level), ["warn", "warn", "info"]);
  assert.match(objects[0].msg, /^Bluetooth adapter unsupported: no usable Bluetooth LE adapter/);
  assert.match(objects[1].msg, /^Bluetooth adapter unauthorized: .*setcap cap_net_raw/);
  assert.equal(objects[2].msg, "another library's line");
  assert.ok(!lines.some((l) => /NOBLE_HCI_DEVICE_ID|node \.\.\.|sandeepmistry/.test(l)));
});

Deno.test("gateway produce --log-format json on a machine without a usable adapter: no noble advice", async () => {
  const r = await runGateway([
    "produce",
    "B0:B4:48:BE:5E:00",
    "--log-format",
    "json",
    "--brokers",
    "127.0.0.1:1",
    "--http",
    "off",
  ]);
  const lines = (r.stdout + r.stderr).split("\n").filter((l) => l.trim() !== "");
  for (const l of lines) JSON.parse(l);
  assert.ok(!lines.some((l) => /NOBLE_HCI_DEVICE_ID|noble warning/.test(l)), lines.join("\n"));
  const said = lines.filter((l) => /"msg":"Bluetooth adapter (unsupported|unauthorized):/.test(l));
  assert.equal(said.length, 1, lines.join("\n"));
  assert.notEqual(r.code, 0, "no adapter: produce stops, saying why");
});
