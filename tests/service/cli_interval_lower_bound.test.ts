/**
 * `--interval` refuses what the sensors cannot honour: below the fastest
 * sensor period (100 ms) it is a usage error (exit 2) saying the bound, and
 * `--help` states the bound.
 */
import assert from "node:assert/strict";
import { InvalidArgumentError } from "commander";
import { intervalSeconds, MIN_INTERVAL_MS } from "../../src/cli/interval_option.ts";
import { SENSOR_GATT } from "../../src/sensortag/gatt.ts";
import { runGateway } from "../_support/gateway_process.ts";

Deno.test("the interval bound is the smallest minimum period in the sensors' GATT tables", () => {
  assert.equal(MIN_INTERVAL_MS, 100);
  const periods = Object.values(SENSOR_GATT).flatMap((m) =>
    Object.values(m).flatMap((l) => (l ?? []).map((g) => g.minPeriodMs))
  ).filter((p): p is number => p !== undefined);
  assert.ok(periods.every((p) => p >= MIN_INTERVAL_MS));
  assert.ok(periods.includes(MIN_INTERVAL_MS));
});

Deno.test("intervalSeconds accepts the bound and above, refuses below and non-numbers", () => {
  const parse = intervalSeconds("--interval");
  assert.equal(parse("0.1"), 0.1);
  assert.equal(parse("10"), 10);
  assert.equal(parse("2.5"), 2.5);
  for (const bad of ["0.099", "0.001", "0", "-1", "", "abc", "1e-9", "Infinity"]) {
    assert.throws(() => parse(bad), InvalidArgumentError, `"${bad}" refused`);
  }
  assert.throws(() => parse("0.05"), /at least 0\.1 s .*100 ms.*got 0\.05/);
});

Deno.test("gateway produce --interval 0.001 is a usage error (exit 2) naming the bound", async () => {
  const r = await runGateway(["produce", "--simulate", "1", "--interval", "0.001"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--interval must be at least 0\.1 s/);
  const env = await runGateway(["produce", "--simulate", "1"], { GATEWAY_INTERVAL: "0.05" });
  assert.equal(env.code, 2, env.stderr);
  assert.match(env.stderr, /--interval must be at least 0\.1 s/);
});

Deno.test("gateway produce --help states the interval's lower bound", async () => {
  const r = await runGateway(["produce", "--help"]);
  assert.equal(r.code, 0);
  assert.match(
    r.stdout.replace(/\s+/g, " "),
    /--interval <seconds> .*at least 0\.1; the fastest sensors measure every 100 ms/,
  );
});
