/**
 * The command line: `gateway <command> [options]`. Returns the process exit code.
 *
 * Each command's module (its options and the code it runs) is loaded only when
 * that command runs: `gateway produce` never loads the sink and its MongoDB
 * driver (about 21 MiB of a Raspberry Pi's memory), `gateway sink` never loads
 * noble. Only `gateway --help` (and an unknown command) loads them all, to list
 * them. The specifiers are string literals so `deno compile` embeds every one.
 */
import { Command, CommanderError } from "commander";
import { UsageError } from "./usage_error.ts";
import { redact } from "../util/redact.ts";
import { setUpJsonOutput } from "./json_output.ts";
import { dropPermission, permissionsToDrop } from "./permission_scope.ts";

export { VERSION } from "./version.ts";
import { VERSION } from "./version.ts";

/**
 * The options no environment variable sets: which readings to delete (or export) or move and
 * where to, the confirmations to delete, move or replace, and the secrets files a unit loads are
 * given on the command line each time.
 */
export const COMMAND_LINE_ONLY: readonly string[] = [
  "--all",
  "--quarantine",
  "--yes",
  "--from",
  "--brokers",
  "--no-send",
  "--force",
  "--credential",
];

/** Every command, in `--help` order, with the module that defines it. */
export const COMMANDS: readonly { name: string; load: () => Promise<Command> }[] = [
  { name: "produce", load: async () => (await import("./produce_command.ts")).produceCommand() },
  { name: "scan", load: async () => (await import("./scan_command.ts")).scanCommand() },
  { name: "sink", load: async () => (await import("./sink_command.ts")).sinkCommand() },
  { name: "spool", load: async () => (await import("./spool_command.ts")).spoolCommand() },
  { name: "decode", load: async () => (await import("./decode_command.ts")).decodeCommand() },
  { name: "kcql", load: async () => (await import("./kcql_command.ts")).kcqlCommand() },
  { name: "status", load: async () => (await import("./status_command.ts")).statusCommand() },
  {
    name: "install-service",
    load: async () => (await import("./install_service_command.ts")).installServiceCommand(),
  },
];

/** The commands `args` needs: the one it names, or all of them (help, unknown command). */
export function commandsFor(args: readonly string[]): readonly string[] {
  const named = COMMANDS.find((c) => c.name === args[0]);
  return named ? [named.name] : COMMANDS.map((c) => c.name);
}

/** The program with the commands named (default: all), each loaded from its module. */
export async function buildProgram(
  names: readonly string[] = COMMANDS.map((c) => c.name),
): Promise<Command> {
  const program = new Command("gateway")
    .description(
      "TI SensorTag gateway: BLE → Avro → Kafka (produce), Kafka → MongoDB with KCQL (sink).\n" +
        "Every option can also be set by its GATEWAY_* environment variable (shown in each " +
        "command's help), except the spool selections and confirmations (--all, --quarantine, " +
        "--yes; spool retarget's --from, --brokers and --no-send) and install-service --force " +
        "and --credential, given on the command line each time.",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for the options)")
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(redact(text)) });
  const wanted = COMMANDS.filter((c) => names.includes(c.name));
  for (const command of await Promise.all(wanted.map((c) => c.load()))) {
    program.addCommand(command);
  }
  // Every command at every depth (`kcql check`, `spool send`): commander's own errors (a missing
  // argument, an unknown option) are usage errors, exit 2, not commander's process.exit(1).
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of program.commands.flatMap(all)) {
    c.exitOverride().showHelpAfterError("(run with --help for the options)")
      .configureOutput({ outputError: (text, write) => write(redact(text)) });
  }
  return program;
}

export async function runCli(args: string[]): Promise<number> {
  try {
    const program = await buildProgram(commandsFor(args));
    setUpJsonOutput(args, program);
    // Each command keeps only the permissions it uses (see permission_scope.ts).
    program.hook("preAction", (_root, action) => {
      let top = action;
      while (top.parent && top.parent !== program) top = top.parent;
      const o = action.opts();
      const radio = { simulate: Boolean(o.simulate) };
      for (const p of permissionsToDrop(top.name(), radio)) dropPermission(p);
    });
    await program.parseAsync(args, { from: "user" });
    return typeof Deno.exitCode === "number" ? Deno.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end "with an error" in exitOverride mode; their code is 0.
      // Every other CommanderError is a usage error (bad option value, unknown option or
      // command, missing argument), already printed by commander: exit 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    // The last line names the cause, never a secret the configuration holds.
    console.error(redact(`gateway: ${error instanceof Error ? error.message : String(error)}`));
    return error instanceof UsageError ? 2 : 1;
  }
}
