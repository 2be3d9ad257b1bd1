/** The command line: `gateway <command> [options]`. Returns the process exit code. */
import { Command, CommanderError } from "commander";
import { decodeCommand } from "./decode_command.ts";
import { UsageError } from "./usage_error.ts";
import { kcqlCommand } from "./kcql_command.ts";
import { produceCommand } from "./produce_command.ts";
import { scanCommand } from "./scan_command.ts";
import { sinkCommand } from "./sink_command.ts";
import { redact } from "../util/redact.ts";
import { statusCommand } from "./status_command.ts";
import { installServiceCommand } from "./install_service_command.ts";
import { setUpJsonOutput } from "./json_output.ts";

export const VERSION = "0.1.0";

export function buildProgram(): Command {
  const program = new Command("gateway")
    .description(
      "TI SensorTag gateway: BLE → Avro → Kafka (produce), Kafka → MongoDB with KCQL (sink).\n" +
        "Every option can also be set by its GATEWAY_* environment variable (shown in each command's help).",
    )
    .version(VERSION)
    .showHelpAfterError("(run with --help for the options)")
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(redact(text)) });
  program.addCommand(produceCommand());
  program.addCommand(scanCommand());
  program.addCommand(sinkCommand());
  program.addCommand(decodeCommand());
  program.addCommand(kcqlCommand());
  program.addCommand(statusCommand());
  program.addCommand(installServiceCommand());
  for (const c of program.commands) {
    c.exitOverride().showHelpAfterError("(run with --help for the options)")
      .configureOutput({ outputError: (text, write) => write(redact(text)) });
  }
  return program;
}

export async function runCli(args: string[]): Promise<number> {
  const program = buildProgram();
  setUpJsonOutput(args, program);
  try {
    await program.parseAsync(args, { from: "user" });
    return typeof Deno.exitCode === "number" ? Deno.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end "with an error" in exitOverride mode; their code is 0.
      // Everything else commander refuses (unknown option, bad value, missing argument) is usage: 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    // The last line names the cause, never a secret the configuration holds.
    console.error(redact(`gateway: ${error instanceof Error ? error.message : String(error)}`));
    return error instanceof UsageError ? 2 : 1;
  }
}
