/**
 * `deno task bench:ble [--duration SECONDS] [--rows 3x8x1,24x8x10]`: the gateway's real BLE
 * stack (noble's HCI layer over `--hci tcp:`) against N emulated SensorTags on one emulated
 * controller with K connection slots (tests/_support/ble_emulator, Bumble in the test venv), each
 * read every I seconds for T seconds. Per row it prints:
 * - share: readings taken / readings expected (N × T / I);
 * - first reading: seconds from the gateway's start to its first reading;
 * - recovery: seconds from dropping one tag's link (HCI 0x08, halfway through) to that tag's next
 *   reading;
 * - CPU: the gateway's CPU time over the wall time from its first reading to the end, % of a core;
 * - peak RSS of the gateway process (VmHWM).
 * Rows default to 3 tags / 8 slots / 1 s for 60 s and 24 tags / 8 slots / 10 s for 300 s;
 * --duration sets T for every row (a quick run).
 */
import { parseArgs } from "node:util";
import { ensurePythonTestDeps } from "./python_deps.ts";
import { cpuNs, peakRssMiBOf } from "./bench/process_usage.ts";
import { printTable, type Row } from "./bench/table.ts";
import { startEmulator } from "../tests/_support/ble_emulator.ts";
import { startEmulatedProduce } from "../tests/_support/emulated_produce.ts";

interface Spec {
  tags: number;
  slots: number;
  intervalS: number;
  durationS: number;
}

const { values } = parseArgs({
  args: Deno.args,
  options: { duration: { type: "string" }, rows: { type: "string" } },
});
const duration = values.duration === undefined ? undefined : Number(values.duration);
if (duration !== undefined && !(duration > 0)) {
  console.error(`--duration must be a positive number of seconds, got "${values.duration}"`);
  Deno.exit(2);
}
const specs: Spec[] = (values.rows ?? "3x8x1x60,24x8x10x300").split(",").map((r) => {
  const [tags, slots, intervalS, durationS] = r.split("x").map(Number);
  if (![tags, slots, intervalS].every((n) => n > 0)) {
    console.error(`--rows: TAGSxSLOTSxINTERVAL[xSECONDS], got "${r}"`);
    Deno.exit(2);
  }
  return { tags, slots, intervalS, durationS: duration ?? durationS ?? 60 };
});

await ensurePythonTestDeps();

async function runRow(s: Spec): Promise<Row> {
  const cc2541 = Math.floor(s.tags / 3);
  const emulator = await startEmulator({ cc2650: s.tags - cc2541, cc2541, slots: s.slots });
  const addresses = emulator.tags.map((t) => t.address);
  const started = Date.now();
  const run = await startEmulatedProduce(emulator, addresses, [
    "--sensors",
    "ir,humidity,barometer",
    "--interval",
    String(s.intervalS),
    "--connect-timeout",
    "15",
  ]);
  const pid = run.proc.child.pid;
  let firstAt: number | undefined;
  let cpuAtFirst = 0;
  let droppedAt: number | undefined;
  let dropped = addresses[0];
  const end = started + s.durationS * 1000;
  while (Date.now() < end) {
    if (firstAt === undefined && run.taken() > 0) {
      firstAt = Date.now();
      cpuAtFirst = cpuNs(pid);
    }
    if (droppedAt === undefined && Date.now() > started + (s.durationS * 1000) / 2) {
      // A tag that holds a link now (with fewer slots than tags, not every one does).
      const state = await emulator.command("state");
      const linked = (state.connections as string[]).map((a) => a.replace(/\/.*$/, ""));
      dropped = linked.find((a) => addresses.includes(a)) ?? dropped;
      droppedAt = Date.now();
      await emulator.command(`drop ${dropped} 08`).catch(() => (droppedAt = NaN));
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stoppedAt = Date.now();
  const cpu = cpuNs(pid);
  const peak = peakRssMiBOf(pid);
  await run.proc.stop();
  await emulator.stop();
  const records = await run.records();
  const takenMs = records.map((r) => Number(r.time_ms));
  const expected = (s.tags * (stoppedAt - started)) / 1000 / s.intervalS;
  const firstMs = takenMs.length ? Math.min(...takenMs) : NaN;
  const after = records
    .filter((r) => r.bid === dropped && Number(r.time_ms) > (droppedAt ?? Infinity))
    .map((r) => Number(r.time_ms));
  const recovered = after.length ? Math.min(...after) - droppedAt! : NaN;
  const cpuPct = firstAt === undefined
    ? NaN
    : ((cpu - cpuAtFirst) / 1e6 / (stoppedAt - firstAt)) * 100;
  return {
    tags: s.tags,
    slots: s.slots,
    "interval s": s.intervalS,
    "run s": Math.round((stoppedAt - started) / 1000),
    readings: records.length,
    "share %": Number(((records.length / expected) * 100).toFixed(1)),
    "first reading s": Number(((firstMs - started) / 1000).toFixed(2)),
    "recovery s": Number((recovered / 1000).toFixed(2)),
    "CPU % core": Number(cpuPct.toFixed(2)),
    "peak RSS MiB": Number(peak.toFixed(1)),
  };
}

const rows: Row[] = [];
for (const s of specs) rows.push(await runRow(s));
printTable(
  "BLE over the emulated radio (noble HCI stack, --hci tcp:, Bumble controller)",
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))),
);
