/**
 * `gateway produce`'s options come from one table (src/config/produce_options.ts): each entry is
 * an option of the command with its variable, default and help, in the table's order, and no
 * two entries share a flag or a variable.
 */
import assert from "node:assert/strict";
import { type Command, CommanderError } from "commander";
import { PRODUCE_OPTIONS } from "../src/config/produce_options.ts";
import type { OptionSpec } from "../src/config/option_spec.ts";
import { produceCommand } from "../src/cli/produce_command.ts";

const specs = Object.entries(PRODUCE_OPTIONS) as [string, OptionSpec<unknown>][];

function quiet(cmd: Command): Command {
  return cmd.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
}

Deno.test("every table entry is an option of gateway produce, in the table's order", () => {
  const cmd = produceCommand();
  const longs = cmd.options.map((o) => o.long);
  const fromTable = specs.map(([, s]) => s.flag.split(/\s+/)[0]);
  assert.deepEqual(longs.slice(0, fromTable.length), fromTable);
  for (const [name, spec] of specs) {
    const option = cmd.options.find((o) => o.long === spec.flag.split(/\s+/)[0])!;
    assert.equal(option.attributeName(), name, `${spec.flag} is read as options.${name}`);
    assert.equal(option.envVar, spec.env);
    assert.equal(option.description, spec.help);
    assert.deepEqual(option.defaultValue, spec.default, `${spec.flag} default`);
  }
});

Deno.test("no two produce options share a flag or a variable", () => {
  const flags = specs.map(([, s]) => s.flag.split(/\s+/)[0]);
  const envs = specs.map(([, s]) => s.env);
  assert.equal(new Set(flags).size, flags.length);
  assert.equal(new Set(envs).size, envs.length);
  assert.ok(envs.every((e) => /^GATEWAY_[A-Z_]+$/.test(e)));
});

Deno.test("a table entry's parser checks its flag and its variable alike", async () => {
  const values = async (args: string[], env: Record<string, string> = {}) => {
    const cmd = quiet(produceCommand());
    let got: Record<string, unknown> = {};
    cmd.action((_a: unknown, o: Record<string, unknown>) => {
      got = o;
    });
    for (const [k, v] of Object.entries(env)) Deno.env.set(k, v);
    try {
      await cmd.parseAsync(args, { from: "user" });
    } finally {
      for (const k of Object.keys(env)) Deno.env.delete(k);
    }
    return got;
  };
  assert.equal((await values(["--batch-size", "7"])).batchSize, 7);
  assert.equal((await values([], { GATEWAY_BATCH_SIZE: "9" })).batchSize, 9);
  assert.equal((await values([])).batchSize, PRODUCE_OPTIONS.batchSize.default);
  await assert.rejects(() => values(["--batch-size", "0"]), CommanderError);
  await assert.rejects(() => values([], { GATEWAY_BATCH_SIZE: "x" }), CommanderError);
  await assert.rejects(() => values(["--spool-max-bytes", "1k"]), /at least 256KiB|at least/);
});
