/** `deno task services up|down|status|restart|install [kafka|registry|mongo ...]` */
import { parseArgs, USAGE } from "./args.ts";
import { down, install, status, up } from "./control.ts";
import { formatStatusLine } from "./status_line.ts";
import process from "node:process";

// kafkajs 2.2.4 schedules a timer with a negative delay (harmless: it is clamped to 1 ms), and
// the Node compatibility layer warns about it on stderr; keep the CLI output clean of that only.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const type = typeof rest[0] === "string"
    ? rest[0]
    : (rest[0] as { type?: string } | undefined)?.type;
  if (type === "TimeoutNegativeWarning") return;
  (emitWarning as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args);
  } catch (err) {
    console.error(`services: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { command, names } = parsed;
  switch (command) {
    case "help":
      console.log(USAGE);
      return 0;
    case "install":
      await install(names);
      return 0;
    case "up":
      await up(names);
      break;
    case "down":
      await down(names);
      return 0;
    case "restart":
      await down(names);
      await up(names);
      break;
  }
  const states = await status(names);
  for (const s of states) console.log(formatStatusLine(s));
  return states.every((s) => s.up) ? 0 : 1;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    console.error(`services: ${(err as Error).message}`);
    Deno.exit(1);
  }
}
