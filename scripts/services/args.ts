/** Command-line parsing for `scripts/services/main.ts` (pure). */
import { selectServices, type ServiceName } from "./names.ts";

/** What the command line asks for. */
export type Command = "up" | "down" | "status" | "restart" | "install" | "help";

const COMMANDS: readonly Command[] = ["up", "down", "status", "restart", "install", "help"];

/** A parsed command line. */
export interface ParsedArgs {
  command: Command;
  names: ServiceName[];
}

/** Usage text printed by `help` and on bad input. */
export const USAGE = `usage: services <command> [kafka|registry|mongo ...]

commands:
  up       install (first time only) and start the services; wait until each answers
  down     stop the services started by this tool (SIGTERM, then SIGKILL after a grace period)
  status   one line per service; exits 1 if any requested service is down
  restart  down, then up
  install  install without starting
  help     this text

With no service named, the command applies to all of them.
Installs are cached in $GATEWAY_SERVICES_HOME (default \${XDG_CACHE_HOME:-$HOME/.cache}/sensortag-gateway/services);
data, pid files and logs live in <repo>/.services/.`;

/** Parses `args` (without the program name). Throws with a message naming the bad argument. */
export function parseArgs(args: readonly string[]): ParsedArgs {
  const [first, ...rest] = args;
  if (first === undefined || first === "-h" || first === "--help") {
    return { command: "help", names: [] };
  }
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new Error(`unknown command "${first}": expected one of ${COMMANDS.join(", ")}`);
  }
  const command = first as Command;
  const option = rest.find((arg) => arg.startsWith("-"));
  if (option !== undefined) throw new Error(`unknown option "${option}" for ${command}`);
  if (command === "help") return { command, names: [] };
  return { command, names: selectServices(rest) };
}
