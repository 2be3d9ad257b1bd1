/** The command line: `gateway <command> [options]`. Returns the process exit code. */
import { Command, CommanderError } from "commander";
import { decodeCommand } from "./decode_command.ts";
import { UsageError } from "./usage_error.ts";
import { kcqlCommand } from "./kcql_command.ts";
import { produceCommand } from "./produce_command.ts";
import { scanCommand } from "./scan_command.ts";
import { sinkCommand } from "./sink_command.ts";
import { spoolCommand } from "./spool_command.ts";

export const VERSION = "0.1.0";

export function buildProgram(): Command {
  const program = new Command("gateway")
    .description(
      "TI SensorTag gateway: BLE → Avro → Kafka (produce), Kafka → MongoDB with KCQL (sink).\n" +
        "Every option can also be set by its GATEWAY_* environment variable (shown in each command's help).",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for the options)")
    .exitOverride();
  program.addCommand(produceCommand());
  program.addCommand(scanCommand());
  program.addCommand(sinkCommand());
  program.addCommand(spoolCommand());
  program.addCommand(decodeCommand());
  program.addCommand(kcqlCommand());
  for (const c of program.commands) {
    c.exitOverride().showHelpAfterError("(run with --help for the options)");
  }
  return program;
}

export async function runCli(args: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(args, { from: "user" });
    return typeof Deno.exitCode === "number" ? Deno.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end "with an error" in exitOverride mode; their code is 0.
      return error.exitCode;
    }
    console.error(`gateway: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof UsageError ? 2 : 1;
  }
}
