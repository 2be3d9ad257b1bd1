/**
 * With `--log-format json`, every line the process prints must be one JSON
 * object: what libraries write through `console.*` (and Node's process
 * warnings, which reach stderr through it) goes through the gateway's logger
 * instead, at the matching level, with `source: "console"`.
 */
import { format } from "node:util";
import type { Logger, LogLevel } from "./log.ts";

type ConsoleMethod = "log" | "info" | "debug" | "warn" | "error" | "trace";

const LEVEL_OF: Record<ConsoleMethod, LogLevel> = {
  log: "info",
  info: "info",
  debug: "debug",
  warn: "warn",
  error: "error",
  trace: "debug",
};

let restore: (() => void) | undefined;

/**
 * Routes `console.*` to `log` until the returned function is called.
 * Calling it again replaces the logger (e.g. once the command knows its level).
 */
export function routeConsoleToLog(log: Logger): () => void {
  restore?.();
  const saved = new Map<ConsoleMethod, (...args: unknown[]) => void>();
  for (const method of Object.keys(LEVEL_OF) as ConsoleMethod[]) {
    saved.set(method, console[method]);
    console[method] = (...args: unknown[]) => {
      const text = format(...args);
      // One object per line: a multi-line message stays one message.
      log[LEVEL_OF[method]](text, { source: "console" });
    };
  }
  restore = () => {
    for (const [method, fn] of saved) console[method] = fn;
    restore = undefined;
  };
  return restore;
}

/** What `--log-format`/GATEWAY_LOG_FORMAT ask for, read before commander parses (its own errors too). */
export function logFormatAsked(args: readonly string[]): "text" | "json" {
  let asked: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") break;
    if (a === "--log-format") asked = args[i + 1];
    else if (a.startsWith("--log-format=")) asked = a.slice("--log-format=".length);
  }
  if (asked === undefined) {
    try {
      asked = Deno.env.get("GATEWAY_LOG_FORMAT");
    } catch {
      // no env permission
    }
  }
  return asked?.trim().toLowerCase() === "json" ? "json" : "text";
}
