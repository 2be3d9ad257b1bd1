/**
 * `--help` tells the truth and fits: every option of every command (at every depth) has the
 * GATEWAY_* variable its help shows — except the ones the program's description names — and that
 * variable sets it; no help line is wider than 80 columns; no description breaks a sentence with
 * a hard line break.
 */
import assert from "node:assert/strict";
import type { Command } from "commander";
import { buildProgram, COMMAND_LINE_ONLY } from "../../src/cli/program.ts";
import { runGateway } from "../_support/gateway_process.ts";

const WIDTH = 80;

async function everyCommand(): Promise<{ program: Command; commands: [string, Command][] }> {
  const program = await buildProgram();
  const commands: [string, Command][] = [["gateway", program]];
  const walk = (c: Command, path: string) => {
    for (const sub of c.commands) {
      commands.push([`${path} ${sub.name()}`, sub]);
      walk(sub, `${path} ${sub.name()}`);
    }
  };
  walk(program, "gateway");
  for (const [, c] of commands) {
    c.configureOutput({ getOutHelpWidth: () => WIDTH, getErrHelpWidth: () => WIDTH });
  }
  return { program, commands };
}

Deno.test("every option has the GATEWAY_* variable its help shows, but the ones said not to", async () => {
  const { program, commands } = await everyCommand();
  const without: string[] = [];
  for (const [path, c] of commands) {
    const help = c.helpInformation().replace(/\s+/g, " ");
    const vars = new Set<string>();
    for (const o of c.options) {
      if (["--help", "--version"].includes(o.long!)) continue;
      if (!o.envVar) {
        without.push(o.long!);
        assert.ok(COMMAND_LINE_ONLY.includes(o.long!), `${path} ${o.flags} has no variable`);
        continue;
      }
      assert.match(o.envVar, /^GATEWAY_[A-Z0-9_]+$/, `${path} ${o.flags}`);
      assert.ok(!vars.has(o.envVar), `${path}: ${o.envVar} sets two options`);
      vars.add(o.envVar);
      assert.ok(help.includes(`env: ${o.envVar})`), `${path} --help shows ${o.envVar}`);
    }
  }
  // The exceptions the description states are exactly the options without a variable.
  assert.deepEqual([...new Set(without)].sort(), [...COMMAND_LINE_ONLY].sort());
  const description = program.description().replace(/\s+/g, " ");
  assert.match(description, /Every option can also be set by its GATEWAY_\* environment variable/);
  for (const flag of COMMAND_LINE_ONLY) assert.ok(description.includes(flag), flag);
});

Deno.test("no --help line of any command is wider than 80 columns", async () => {
  const { commands } = await everyCommand();
  assert.ok(commands.length >= 14, `${commands.length} commands`);
  for (const [path, c] of commands) {
    for (const line of c.helpInformation().split("\n")) {
      assert.ok([...line].length <= WIDTH, `${path} --help: ${[...line].length}: ${line}`);
    }
  }
  // As printed by the process (stdout not a terminal: commander's 80 columns).
  for (const args of [["--help"], ["decode", "--help"], ["install-service", "--help"]]) {
    const r = await runGateway(args);
    assert.equal(r.code, 0);
    for (const line of r.stdout.split("\n")) {
      assert.ok([...line].length <= WIDTH, `${args.join(" ")}: ${line}`);
    }
  }
});

Deno.test("descriptions break lines only between sentences", async () => {
  const { commands } = await everyCommand();
  for (const [path, c] of commands) {
    for (const text of [c.description(), c.summary()]) {
      for (const m of text.matchAll(/(.)\n/g)) {
        assert.match(m[1], /[.:]/, `${path}: a hard line break inside a sentence: ${text}`);
      }
      assert.doesNotMatch(text, /\n\s/, `${path}: indented lines stop commander from wrapping`);
    }
  }
});

Deno.test("the variables the help used to leave out set their options", async () => {
  const scan = await runGateway(["scan", "--seconds", "0.2"], {
    GATEWAY_SCAN_SIMULATE: "2",
    GATEWAY_SCAN_JSON: "yes",
  });
  assert.equal(scan.code, 0, scan.stderr);
  assert.equal(JSON.parse(scan.stdout).length, 2);
  const table = await runGateway(["scan", "--seconds", "0.2"], {
    GATEWAY_SCAN_SIMULATE: "1",
    GATEWAY_SCAN_JSON: "false",
  });
  assert.match(table.stdout, /^ADDRESS/, "false is off, not on");
  const bad = await runGateway(["scan", "--simulate", "1"], { GATEWAY_SCAN_JSON: "maybe" });
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--json must be yes or no/);

  const decode = await runGateway(["decode", "a0 0b 3c 0f"], {
    GATEWAY_DECODE_MODEL: "cc2650",
    GATEWAY_DECODE_SENSOR: "ir",
  });
  assert.equal(decode.code, 0, decode.stderr);
  assert.equal(JSON.parse(decode.stdout).sensor, "ir");

  const status = await runGateway(["status", "--url", "http://127.0.0.1:1", "--timeout", "1"], {
    GATEWAY_STATUS_JSON: "1",
  });
  assert.equal(JSON.parse(status.stdout).healthy, false);

  const send = await runGateway(["spool", "send", "--spool", "/nonexistent.sqlite"], {
    GATEWAY_COMPRESSION: "brotli",
  });
  assert.equal(send.code, 2);
  assert.match(send.stderr, /GATEWAY_COMPRESSION.*--compression must be one of/);
  const timeout = await runGateway(["spool", "send", "--spool", "/nonexistent.sqlite"], {
    GATEWAY_SPOOL_SEND_TIMEOUT: "2d",
  });
  assert.equal(timeout.code, 2);
  assert.match(timeout.stderr, /GATEWAY_SPOOL_SEND_TIMEOUT/);
});
