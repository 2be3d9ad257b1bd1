/** The sink's one merge rule: flags (command line or environment) over the file over defaults. */
import assert from "node:assert/strict";
import {
  resolveSinkOptions,
  SINK_OPTIONS,
  sinkFileOverrides,
} from "../../src/config/sink_options.ts";

Deno.test("flags over file over defaults, option by option", () => {
  const values = { errorPolicy: "RETRY", maxRetries: 20, database: "flag-db", dates: "date" };
  const given = (name: string) => name === "errorPolicy" || name === "database";
  const file = {
    errorPolicy: "NOOP" as const,
    maxRetries: 5,
    database: "file-db",
    mongoUri: "mongodb://f",
  };
  const out = resolveSinkOptions(values, given, file);
  assert.equal(out.errorPolicy, "RETRY", "the flag wins over the file");
  assert.equal(out.database, "flag-db");
  assert.equal(out.maxRetries, 5, "the file wins over a default");
  assert.equal(out.mongo, "mongodb://f");
  assert.equal(out.retryInterval, 60_000, "the default when neither sets it");
  assert.equal(out.dates, "date");
  assert.equal(out.group, undefined);
});

Deno.test("only flags the user gave override the file's settings", () => {
  const overrides = sinkFileOverrides(
    { kcql: "INSERT INTO a SELECT * FROM b", maxRetries: 20, jsonDatetimeFields: "a, b.c" },
    (name) => name !== "maxRetries",
  );
  assert.deepEqual(overrides, {
    kcql: "INSERT INTO a SELECT * FROM b",
    jsonDatetimeFields: ["a", "b.c"],
  });
});

Deno.test("every sink option has one GATEWAY_* variable, and no two share one", () => {
  const envs = Object.values(SINK_OPTIONS).map((s) => s.env);
  assert.ok(envs.every((e) => /^GATEWAY_[A-Z_]+$/.test(e)));
  assert.equal(new Set(envs).size, envs.length);
});
