/**
 * `--log-format json` (or GATEWAY_LOG_FORMAT=json) for `produce` and `sink`,
 * from the first line on: commander's own errors, `console.*` of libraries,
 * Node process warnings and uncaught errors all come out as one JSON object
 * per line, like the gateway's own log lines.
 */
import type { Command } from "commander";
import { logFormatAsked, routeConsoleToLog } from "../util/console_to_log.ts";
import { createLogger } from "../util/log.ts";
import { superviseProcess } from "../util/supervise.ts";

/** Commands whose output is a log (they take --log-format). */
const LOGGING_COMMANDS = new Set(["produce", "sink"]);

/** Sets JSON output up when `args` ask for it; returns whether they did. */
export function setUpJsonOutput(args: readonly string[], program: Command): boolean {
  const command = args.find((a) => !a.startsWith("-"));
  if (!command || !LOGGING_COMMANDS.has(command) || logFormatAsked(args) !== "json") return false;
  const log = createLogger({ format: "json", level: "debug" });
  routeConsoleToLog(log);
  const writeErr = (text: string) => {
    for (const line of text.split("\n")) if (line.trim() !== "") console.error(line);
  };
  for (const c of [program, ...program.commands]) c.configureOutput({ writeErr });
  superviseProcess(({ kind, error }) => {
    log.error(kind === "uncaught exception" ? "uncaught error" : "unhandled rejection", {
      error: error instanceof Error ? error.stack : String(error),
    });
    Deno.exit(1);
  });
  return true;
}
