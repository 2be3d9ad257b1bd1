/**
 * The gateway as an aarch64 process (the arm64 Deno under qemu user-mode
 * emulation, with the compiled binary's permission list and, like it, only the
 * linux-arm64 prebuilt addons): the Bluetooth addon loads its linux-arm64
 * prebuild, and `produce --simulate` delivers readings to
 * the real Kafka that decode with the Avro schema. Skipped, with the reason
 * printed, only when qemu cannot be installed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Arm64, arm64Deno, setupArm64 } from "../../scripts/arm64/app.ts";
import { QemuUnavailable } from "../../scripts/arm64/qemu.ts";
import { APP_PERMISSIONS } from "../../scripts/compile/permissions.ts";
import { parseConfluentFrame } from "../../src/avro/confluent_frame.ts";
import { decodeRecord, loadWriterSchema } from "../../src/avro/writer_schema.ts";
import { simulatedAddresses } from "../../src/ble/virtual/simulated_noble.ts";
import { uniqueName } from "../_support/gateway_process.ts";
import { BROKERS, decodeConfluent, readTopic, REGISTRY } from "../_support/kafka.ts";
import { finalCounters } from "../_support/produce.ts";

const setupStarted = performance.now();
const setup: { arm64?: Arm64; error?: unknown } = await setupArm64((l) => console.log(l)).then(
  (arm64) => ({ arm64 }),
  (error) => ({ error }),
);
const skip = setup.error instanceof QemuUnavailable ? setup.error.message : undefined;
if (skip) console.log(`aarch64 tests skipped: ${skip}`);
else if (setup.arm64) {
  console.log(`aarch64: qemu + arm64 deno + app install ready in ${secondsSince(setupStarted)} s`);
}

function secondsSince(t: number): string {
  return ((performance.now() - t) / 1000).toFixed(1);
}

function arm64(): Arm64 {
  if (setup.error) throw setup.error;
  return setup.arm64 as Arm64;
}

/** A child whose output lines are collected and can be waited for. */
function spawnLines(cmd: Deno.Command) {
  const child = cmd.spawn();
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        for (const w of [...waiters]) {
          if (w.re.test(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    }
    if (rest) lines.push(rest);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const exited = child.status.then(async (s) => (await pumps, s.code));
  const tail = () => lines.slice(-20).join("\n");
  return {
    lines,
    exited,
    waitFor(re: RegExp, timeoutMs: number): Promise<string> {
      const found = lines.find((l) => re.test(l));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.findIndex((w) => w.re === re), 1);
          reject(
            new Error(`no line matching ${re} within ${timeoutMs} ms; last lines:\n${tail()}`),
          );
        }, timeoutMs);
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`exited before a line matching ${re}; last lines:\n${tail()}`));
        });
      });
    },
    async stop(graceMs: number): Promise<number> {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

Deno.test({
  name: "under aarch64 emulation the BLE addon loads its linux-arm64 prebuild",
  ignore: skip !== undefined,
  async fn() {
    const started = performance.now();
    const probe = spawnLines(
      arm64Deno(arm64(), ["run", ...APP_PERMISSIONS, "scripts/arm64/ble_probe.ts"], {
        stdout: "piped",
        stderr: "piped",
      }),
    );
    const code = await probe.exited;
    const report = Object.assign(
      {},
      ...probe.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)),
    );
    console.log(`aarch64: BLE probe ${JSON.stringify(report)} in ${secondsSince(started)} s`);
    assert.equal(code, 0, `probe failed:\n${probe.lines.join("\n")}`);
    assert.equal(report.arch, "arm64", "the process is an arm64 one");
    assert.match(report.prebuild, /\/prebuilds\/linux-arm64\/[^/]+\.node$/);
    assert.ok(report.addonExports.includes("BluetoothHciSocket"), "the addon's class is exported");
    assert.ok(
      ["unsupported", "poweredOff", "poweredOn", "unauthorized", "resetting"].includes(
        report.state,
      ),
      `noble reports an adapter state, got ${report.state}`,
    );
  },
});

Deno.test({
  name: "an aarch64 gateway delivers simulated readings to Kafka that decode with the Avro schema",
  ignore: skip !== undefined,
  async fn() {
    const topic = uniqueName("arm64-produce");
    const spoolDir = await Deno.makeTempDir({ prefix: "gateway-arm64-spool-" });
    const tags = simulatedAddresses(2);
    const started = performance.now();
    const proc = spawnLines(
      arm64Deno(arm64(), [
        "run",
        ...APP_PERMISSIONS,
        "main.ts",
        "produce",
        "--simulate",
        String(tags.length),
        "--interval",
        "0.5",
        "--topic",
        topic,
        "--brokers",
        BROKERS.join(","),
        "--registry",
        REGISTRY,
        "--schema-strategy",
        "register",
        "--spool",
        join(spoolDir, "spool.sqlite"),
        "--stats-interval",
        "1",
      ], { stdout: "piped", stderr: "piped" }),
    );
    let code: number;
    try {
      await proc.waitFor(/ INFO {2}producing /, 240_000);
      const producing = secondsSince(started);
      // Some readings acknowledged by Kafka, then stop: the run stays short under emulation.
      await proc.waitFor(/ INFO {2}stats .*\bsent=([6-9]|\d\d+)\b/, 180_000);
      console.log(
        `aarch64: producing after ${producing} s, 6+ sent after ${secondsSince(started)} s`,
      );
    } finally {
      code = await proc.stop(60_000);
    }
    console.log(`aarch64: produce run stopped after ${secondsSince(started)} s in all`);
    assert.equal(
      code,
      0,
      `gateway exits 0 on SIGTERM; last lines:\n${proc.lines.slice(-20).join("\n")}`,
    );
    const c = finalCounters(proc.lines);
    assert.ok(c.taken >= 6, `at least 6 readings taken, got ${c.taken}`);
    assert.equal(c.sent, c.taken, "everything taken was sent before exit");
    assert.equal(c.leftInSpool, 0);

    const records = await readTopic(topic, (r) => r.length >= c.taken, 120_000);
    assert.equal(records.length, c.taken, "one record per reading");
    const viaRegistry = await decodeConfluent(records);
    const writer = await loadWriterSchema();
    const seen = new Set<string>();
    viaRegistry.forEach((v, i) => {
      const bid = v.bid as string;
      seen.add(bid);
      assert.equal(records[i].key, bid, "Kafka key is the tag's address");
      const local = decodeRecord(
        writer,
        parseConfluentFrame(new Uint8Array(records[i].value!)).body,
      );
      assert.deepEqual(
        { ...local },
        { ...v },
        "the body decodes the same with the project's schema file",
      );
      for (const f of ["ambient", "objecttemp", "humidity", "rh"]) {
        assert.ok(Number.isFinite(v[f] as number), `${f} is a finite number`);
      }
    });
    assert.deepEqual([...seen].sort(), [...tags].sort(), "records from every simulated tag");
    await Deno.remove(spoolDir, { recursive: true });
  },
});
