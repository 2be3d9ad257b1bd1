import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  type GatewayProcess,
  runGateway,
  uniqueName,
  waitFor,
} from "../_support/gateway_process.ts";
import { REGISTRY } from "../_support/kafka.ts";
import { logFields, sleep, startSimulatedProducer } from "../_support/produce.ts";
import { RegistryClient } from "../../src/avro/registry_client.ts";

Deno.test("a malformed BD address is refused, naming the bad address and its position", async () => {
  const r = await runGateway(["produce", "B0:B4:48:BE:5E:00", "B0:B4:48:ZZ:5E:00"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /B0:B4:48:ZZ:5E:00/);
  assert.match(r.stderr, /2|second/i, "names the position of the bad address");
});

Deno.test("an unknown sensor name is refused, listing the valid sensors", async () => {
  const r = await runGateway(["produce", "--simulate", "1", "--sensors", "ir,thermometer"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /thermometer/);
  assert.match(r.stderr, /humidity/);
});

Deno.test("an unknown option and a bad value are errors saying what is wrong", async () => {
  const unknown = await runGateway(["produce", "--simulate", "1", "--intervall", "3"]);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /--intervall/);
  const bad = await runGateway(["produce", "--simulate", "1", "--interval", "soon"]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--interval.*soon/);
  const none = await runGateway(["produce"]);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /BD address|--simulate/);
});

/** Readings in a spool file no process owns any more (a running gateway holds it exclusively). */
function spooledCount(spool: string): number {
  const db = new DatabaseSync(spool, { readOnly: true });
  const n = (db.prepare("SELECT count(*) AS n FROM readings").get() as { n: number }).n;
  db.close();
  return Number(n);
}

/** Readings spooled now, as the running gateway's last stats line says. */
function spooledNow(proc: GatewayProcess): number {
  const line = proc.lines.filter((l) => / INFO +stats /.test(l)).pop();
  return line ? Number(logFields(line).spooled) : 0;
}

Deno.test({
  name:
    "a broker unreachable at start does not stop readings: they are spooled and the reason is logged",
  sanitizeResources: false,
  fn: async () => {
    const run = await startSimulatedProducer(uniqueName("unreachable"), 1, [
      "--brokers",
      "127.0.0.1:1",
    ]);
    await run.proc.waitForLine(
      /cannot deliver readings yet.*127\.0\.0\.1:1|cannot deliver readings yet/,
      60_000,
    );
    await waitFor(
      "readings in the spool",
      () => (spooledNow(run.proc) >= 5 ? true : undefined),
      30_000,
    );
    await sleep(1000);
    assert.equal(
      run.proc.lines.filter((l) => /Error: |panicked|Uncaught/.test(l)).length,
      0,
      "no crash",
    );
    assert.equal(await run.proc.stop(), 0, "stops cleanly while the broker is away");
    assert.ok(spooledCount(run.spool) >= 5, "readings kept on disk for later");
  },
});

Deno.test({
  name: "a registry unreachable at start is reported clearly and readings wait in the spool",
  sanitizeResources: false,
  fn: async () => {
    const run = await startSimulatedProducer(uniqueName("noregistry"), 1, [
      "--registry",
      "http://127.0.0.1:1",
    ]);
    const line = await run.proc.waitForLine(/cannot deliver readings yet/, 60_000);
    assert.match(line, /schema registry unreachable at http:\/\/127\.0\.0\.1:1/);
    await waitFor(
      "readings in the spool",
      () => (spooledNow(run.proc) >= 5 ? true : undefined),
      30_000,
    );
    assert.equal(await run.proc.stop(), 0);
    assert.ok(spooledCount(run.spool) >= 5);
  },
});

Deno.test({
  name:
    "a registry whose latest schema cannot carry the readings: they are quarantined, named by field",
  sanitizeResources: false,
  fn: async () => {
    const topic = uniqueName("badschema");
    const registry = new RegistryClient({ url: REGISTRY });
    await registry.register(
      `${topic}-value`,
      JSON.stringify({
        type: "record",
        name: "Other",
        fields: [{ name: "bid", type: "string" }, { name: "serial_number", type: "string" }],
      }),
    );
    const run = await startSimulatedProducer(topic, 1, ["--schema-strategy", "latest"]);
    const line = await run.proc.waitForLine(/readings refused for good/, 60_000);
    assert.match(line, /serial_number/);
    assert.match(line, /side=schema/);
    await waitFor("3 readings quarantined", () => {
      const stats = run.proc.lines.filter((l) => / INFO +stats /.test(l)).pop();
      return stats && Number(logFields(stats).quarantined) >= 3 ? true : undefined;
    }, 30_000);
    assert.equal(await run.proc.stop(), 0);
    assert.equal(
      run.proc.lines.filter((l) => /readings refused for good/.test(l)).length,
      1,
      "logged once for the cause",
    );
    const listed = await runGateway(["spool", "--spool", run.spool]);
    assert.match(listed.stdout, /quarantined: [1-9]\d*/);
    assert.match(
      listed.stdout,
      /× the latest schema of subject .* requires field\(s\) serial_number/,
    );
  },
});

Deno.test({
  name: "--schema-strategy latest on a subject not registered says what to use instead",
  sanitizeResources: false,
  fn: async () => {
    const topic = uniqueName("nosubject");
    const run = await startSimulatedProducer(topic, 1, ["--schema-strategy", "latest"]);
    const line = await run.proc.waitForLine(/cannot deliver readings yet/, 60_000);
    assert.match(
      line,
      new RegExp(
        `subject ${topic}-value is not registered: use --schema-strategy register or auto`,
      ),
    );
    await waitFor("the stats to name the schema", () => {
      const stats = run.proc.lines.filter((l) => / INFO +stats /.test(l)).pop();
      return stats && logFields(stats).failing === "schema" ? logFields(stats) : undefined;
    }, 30_000);
    assert.equal(await run.proc.stop(), 0);
    assert.ok(
      spooledCount(run.spool) >= 1,
      "the readings wait: registering the subject lets them go",
    );
  },
});
