/**
 * A sink setting given as a flag (or its variable) and as a connector-file key accepts the same
 * values and falls back to the same default: both read the option table's spec.
 */
import assert from "node:assert/strict";
import { Command, CommanderError } from "commander";
import { SINK_OPTIONS, type SinkOptionSpec } from "../src/config/sink_options.ts";
import { toOption } from "../src/config/option_spec.ts";
import { SinkConfigError, sinkSettingsFromProperties } from "../src/sink/config/sink_settings.ts";

const BASE = [
  "connect.mongo.kcql=INSERT INTO sensortag SELECT * FROM sensortag-avro",
  "connect.mongo.db=connect-db",
  "connect.mongo.connection=mongodb://mongo:27017",
];

/** The value of one sink flag as commander parses it (a bad value throws a CommanderError). */
function flag(spec: SinkOptionSpec<unknown>, value: string): unknown {
  const cmd = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  const option = toOption(spec);
  cmd.addOption(option);
  cmd.parse([option.long!, value], { from: "user" });
  return cmd.opts()[option.attributeName()];
}

/** The file's value for `key=value`, or its problems. */
function file(
  key: string,
  value: string,
): { settings?: Record<string, unknown>; problems?: string[] } {
  try {
    const { settings } = sinkSettingsFromProperties([...BASE, `${key}=${value}`].join("\n"));
    return { settings: settings as unknown as Record<string, unknown> };
  } catch (error) {
    assert.ok(error instanceof SinkConfigError, String(error));
    return { problems: error.problems };
  }
}

Deno.test("--max-retries 0 and connect.mongo.max.retries=0 are both accepted: no retries", () => {
  assert.equal(flag(SINK_OPTIONS.maxRetries, "0"), 0);
  assert.equal(file("connect.mongo.max.retries", "0").settings?.maxRetries, 0);
});

Deno.test("--retry-interval 0 and connect.mongo.retry.interval=0 are both accepted: retry at once", () => {
  assert.equal(flag(SINK_OPTIONS.retryInterval, "0"), 0);
  assert.equal(file("connect.mongo.retry.interval", "0").settings?.retryIntervalMs, 0);
});

Deno.test("flag and file key take and refuse the same values, setting by setting", () => {
  const cases: [SinkOptionSpec<unknown>, string, string, unknown][] = [
    [SINK_OPTIONS.maxRetries, "connect.mongo.max.retries", "5", 5],
    [SINK_OPTIONS.maxRetries, "connect.mongo.max.retries", "2147483647", 2147483647],
    [SINK_OPTIONS.maxRetries, "connect.mongo.max.retries", "-1", undefined],
    [SINK_OPTIONS.maxRetries, "connect.mongo.max.retries", "2147483648", undefined],
    [SINK_OPTIONS.maxRetries, "connect.mongo.max.retries", "lots", undefined],
    [SINK_OPTIONS.retryInterval, "connect.mongo.retry.interval", "1500", 1500],
    [SINK_OPTIONS.retryInterval, "connect.mongo.retry.interval", "10s", 10_000],
    [SINK_OPTIONS.retryInterval, "connect.mongo.retry.interval", "25h", undefined],
    [SINK_OPTIONS.retryInterval, "connect.mongo.retry.interval", "-1", undefined],
    [SINK_OPTIONS.errorPolicy, "connect.mongo.error.policy", "retry", "RETRY"],
    [SINK_OPTIONS.errorPolicy, "connect.mongo.error.policy", "Noop", "NOOP"],
    [SINK_OPTIONS.errorPolicy, "connect.mongo.error.policy", "IGNORE", undefined],
    [
      SINK_OPTIONS.dlqReplicationFactor,
      "errors.deadletterqueue.topic.replication.factor",
      "3",
      3,
    ],
    [
      SINK_OPTIONS.dlqReplicationFactor,
      "errors.deadletterqueue.topic.replication.factor",
      "0",
      undefined,
    ],
    [
      SINK_OPTIONS.dlqReplicationFactor,
      "errors.deadletterqueue.topic.replication.factor",
      "40000",
      undefined,
    ],
  ];
  for (const [spec, key, value, expected] of cases) {
    const field = spec.file!;
    const fromFile = file(key, value);
    if (expected === undefined) {
      assert.throws(() => flag(spec, value), CommanderError, `${spec.flag} ${value}`);
      assert.equal(fromFile.problems?.length, 1, `${key}=${value}: ${fromFile.problems}`);
      assert.match(fromFile.problems![0], new RegExp(`^${key.replaceAll(".", "\\.")}`));
    } else {
      assert.equal(flag(spec, value), expected, `${spec.flag} ${value}`);
      assert.equal(fromFile.settings?.[field], expected, `${key}=${value}`);
    }
  }
});

Deno.test("a file that does not set a setting gets the flag's default", () => {
  const { settings } = sinkSettingsFromProperties(BASE.join("\n"));
  assert.equal(settings.errorPolicy, SINK_OPTIONS.errorPolicy.default);
  assert.equal(settings.maxRetries, SINK_OPTIONS.maxRetries.default);
  assert.equal(settings.retryIntervalMs, SINK_OPTIONS.retryInterval.default);
});

Deno.test("every connector key in the table is read by the file, into the option's setting", () => {
  const values: Record<string, string> = {
    kcql: "INSERT INTO other SELECT * FROM sensortag-avro",
    mongoUri: "mongodb://elsewhere:27017",
    database: "other-db",
    username: "u",
    password: "p",
    authMechanism: "SCRAM-SHA-256",
    errorPolicy: "NOOP",
    maxRetries: "7",
    retryIntervalMs: "250",
    deadLetterTopic: "dead",
    deadLetterReplicationFactor: "2",
    jsonDatetimeFields: "a,b",
  };
  let keys = 0;
  for (const spec of Object.values(SINK_OPTIONS) as SinkOptionSpec<unknown>[]) {
    for (const key of spec.keys ?? []) {
      keys++;
      const field = spec.file!;
      const value = values[field];
      assert.ok(value !== undefined, `a test value for ${field}`);
      const lines = [...BASE.filter((l) => !l.startsWith(`${key}=`)), `${key}=${value}`];
      // An older alias of a required key replaces the newer one in BASE.
      const kept = lines.filter((l) => !spec.keys!.some((k) => k !== key && l.startsWith(`${k}=`)));
      // Credentials come in pairs: a user name needs its password.
      if (field !== "username") kept.push("connect.mongo.username=u");
      if (field !== "password") kept.push("connect.mongo.password=p");
      const { settings } = sinkSettingsFromProperties(kept.join("\n"));
      const got = (settings as unknown as Record<string, unknown>)[field];
      assert.equal(
        Array.isArray(got) ? got.join(",") : String(got),
        value,
        `${key}=${value} sets ${field}`,
      );
    }
  }
  assert.ok(keys >= 14, `${keys} keys`);
});
