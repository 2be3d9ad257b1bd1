/**
 * Every duration option of every command (produce, scan, sink, spool send, status, …) and its
 * GATEWAY_* variable: a unit suffix is accepted, the value keeps the option's plain unit, and a
 * value above the stated maximum is a usage error (exit 2) — never a timer that fires at once.
 */
import assert from "node:assert/strict";
import { type Command, CommanderError, type Option } from "commander";
import { buildProgram } from "../../src/cli/program.ts";
import { runGateway } from "../_support/gateway_process.ts";

interface DurationOption {
  path: string[];
  command: Command;
  option: Option;
  unit: "s" | "ms";
}

/** Every option at every depth whose help says it takes a duration. */
async function durationOptions(): Promise<
  { all: [string[], Option][]; durations: DurationOption[] }
> {
  const program = await buildProgram();
  const all: [string[], Option][] = [];
  const durations: DurationOption[] = [];
  const walk = (c: Command, path: string[]) => {
    c.configureOutput({ outputError: () => {}, writeErr: () => {}, writeOut: () => {} });
    for (const o of c.options) {
      all.push([path, o]);
      const m = /(seconds|milliseconds), or 500ms, 10s, 2m, 1h/.exec(o.description);
      if (m) {
        durations.push({ path, command: c, option: o, unit: m[1] === "seconds" ? "s" : "ms" });
      }
    }
    for (const sub of c.commands) walk(sub, [...path, sub.name()]);
  };
  for (const c of program.commands) walk(c, [c.name()]);
  return { all, durations };
}

/** Parses `args` for the command at `path` without running it; its option values. */
async function parse(
  path: string[],
  args: string[],
  env: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const program = await buildProgram([path[0]]);
  let leaf: Command = program;
  for (const name of path) leaf = leaf.commands.find((c) => c.name() === name)!;
  const silence = (c: Command) => {
    c.configureOutput({ outputError: () => {}, writeErr: () => {}, writeOut: () => {} });
    c.commands.forEach(silence);
  };
  silence(program);
  let values: Record<string, unknown> = {};
  leaf.action((...a: unknown[]) => {
    values = (a.at(-1) as Command).opts();
  });
  for (const [k, v] of Object.entries(env)) Deno.env.set(k, v);
  try {
    await program.parseAsync([...path, ...args], { from: "user" });
  } finally {
    for (const k of Object.keys(env)) Deno.env.delete(k);
  }
  return values;
}

Deno.test("every option named like a duration takes the duration grammar and states its bounds", async () => {
  const { all, durations } = await durationOptions();
  const named = all.filter(([, o]) =>
    /timeout|interval|period|seconds|after/.test(o.long ?? "") && o.required
  );
  assert.ok(named.length >= 13, `found ${named.length}`);
  for (const [path, o] of named) {
    assert.ok(
      durations.some((d) => d.option === o),
      `${path.join(" ")} ${o.flags}: its help states no duration grammar: ${o.description}`,
    );
    assert.match(
      o.description,
      /at most \d|to \d/,
      `${path.join(" ")} ${o.flags} states a maximum`,
    );
  }
  const listed = durations.map((d) => `${d.path.join(" ")} ${d.option.long}`);
  for (
    const expected of [
      "produce --interval",
      "produce --period",
      "produce --connect-timeout",
      "produce --flush-timeout",
      "produce --stats-interval",
      "scan --seconds",
      "sink --retry-interval",
      "sink --stats-interval",
      "sink --session-timeout",
      "sink --give-up-after",
      "sink --stall-timeout",
      "spool send --timeout",
      "status --timeout",
    ]
  ) assert.ok(listed.includes(expected), `${expected} in ${listed.join(", ")}`);
});

Deno.test("each duration option takes unit suffixes and keeps its plain unit, by flag and by variable", async () => {
  const { durations } = await durationOptions();
  for (const d of durations) {
    const key = d.option.attributeName();
    const perSecond = d.unit === "s" ? 1 : 1000;
    const flag = await parse(d.path, [d.option.long!, "1s"]);
    assert.equal(flag[key], perSecond, `${d.path.join(" ")} ${d.option.long} 1s`);
    const plain = await parse(d.path, [d.option.long!, "2"]);
    assert.equal(plain[key], 2, `${d.path.join(" ")} ${d.option.long} 2 (plain: ${d.unit})`);
    if (d.option.envVar) {
      const env = await parse(d.path, [], { [d.option.envVar]: "1500ms" });
      assert.equal(env[key], 1.5 * perSecond, `${d.option.envVar}=1500ms`);
    }
  }
});

Deno.test("each duration option refuses more than its maximum, by flag and by variable", async () => {
  const { durations } = await durationOptions();
  for (const d of durations) {
    const what = `${d.path.join(" ")} ${d.option.long}`;
    for (const value of ["1e10", "2592000000ms", "100000h"]) {
      await assert.rejects(
        () => parse(d.path, [d.option.long!, value]),
        (e: Error) => e instanceof CommanderError && /must be at most/.test(e.message),
        `${what} ${value}`,
      );
      const envVar = d.option.envVar;
      if (envVar) {
        await assert.rejects(
          () => parse(d.path, [], { [envVar]: value }),
          (e: Error) => e instanceof CommanderError && /must be at most/.test(e.message),
          `${envVar}=${value}`,
        );
      }
    }
  }
});

Deno.test("the reported cases exit 2 naming the maximum, before anything starts", async () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["produce", "--simulate", "1", "--interval", "2592000"], {}, /--interval must be at most 24h/],
    [["produce", "--simulate", "1"], { GATEWAY_STATS_INTERVAL: "1e10" }, /at most 24h/],
    [["produce", "--simulate", "1", "--connect-timeout", "1e10"], {}, /at most 1h/],
    [["produce", "--simulate", "1", "--period", "3s"], {}, /--period must be at most 2550ms/],
    [
      ["sink", "--kcql", "INSERT INTO a SELECT * FROM t", "--retry-interval", "2d"],
      {},
      /--retry-interval must be a positive number of milliseconds, or a number with a unit/,
    ],
    [
      ["sink", "--kcql", "INSERT INTO a SELECT * FROM t"],
      { GATEWAY_GIVE_UP_AFTER: "1e10" },
      /at most 24h/,
    ],
    [["status", "--timeout", "1e10"], {}, /--timeout must be at most 1h/],
    [["spool", "send", "--timeout", "1e10"], {}, /--timeout must be at most 24h/],
    [["scan", "--simulate", "1", "--seconds", "1e10"], {}, /--seconds must be at most 1h/],
  ];
  for (const [args, env, message] of cases) {
    const r = await runGateway(args, env);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning/);
  }
});

Deno.test("connect.mongo.retry.interval takes the same grammar (ms when plain) and the same maximum", async () => {
  const { sinkSettingsFromProperties, SinkConfigError } = await import(
    "../../src/sink/config/sink_settings.ts"
  );
  const base = [
    "connect.mongo.kcql=INSERT INTO sensortag SELECT * FROM sensortag-avro",
    "connect.mongo.db=connect-db",
    "connect.mongo.connection=mongodb://mongo:27017",
  ];
  const interval = (v: string) =>
    sinkSettingsFromProperties([...base, `connect.mongo.retry.interval=${v}`].join("\n"))
      .settings.retryIntervalMs;
  assert.equal(interval("1000"), 1000);
  assert.equal(interval("10s"), 10_000);
  assert.equal(interval("0"), 0);
  // The connector itself reads only whole milliseconds: a file meant for both is warned about.
  const { warnings } = sinkSettingsFromProperties(
    [...base, "connect.mongo.retry.interval=2m"].join("\n"),
  );
  assert.ok(
    warnings.some((w) =>
      /^connect\.mongo\.retry\.interval=2m: read as 120000 ms; .*write 120000/.test(w)
    ),
    warnings.join("\n"),
  );
  for (const v of ["100000000000", "2592000000", "25h"]) {
    assert.throws(
      () => interval(v),
      (e: Error) =>
        e instanceof SinkConfigError &&
        e.problems.some((p) => /^connect\.mongo\.retry\.interval must be at most 24h/.test(p)),
      v,
    );
  }
});
