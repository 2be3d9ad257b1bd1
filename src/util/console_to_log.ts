/**
 * With `--log-format json`, every line the process prints must be one JSON
 * object: what libraries write through `console.*` (and Node's process
 * warnings, which reach stderr through it) goes through the gateway's logger
 * instead, at the matching level, with `source: "console"`.
 */
import process from "node:process";
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

/** A line of a library rewritten: dropped, or logged in the gateway's words at `level`. */
export type ConsoleRewrite = { drop: true } | { drop?: false; level: LogLevel; message: string };

/** Puts a library's console line in the gateway's words, drops it, or leaves it (undefined). */
export type ConsoleRewriter = (text: string) => ConsoleRewrite | undefined;

const rewriters: ConsoleRewriter[] = [];

/**
 * Adds a rewriter of routed console lines (the module that loads the library adds its own, e.g.
 * noble's adapter warnings, so nothing is loaded for commands that never meet them).
 */
export function addConsoleRewriter(rewriter: ConsoleRewriter): void {
  rewriters.push(rewriter);
}

function rewrite(text: string): ConsoleRewrite | undefined {
  for (const r of rewriters) {
    const out = r(text);
    if (out) return out;
  }
  return undefined;
}

/**
 * Routes `console.*` to `log` until the returned function is called.
 * Calling it again replaces the logger (e.g. once the command knows its level).
 * Lines a rewriter knows ({@linkcode addConsoleRewriter}) come out in its words, or not at all.
 */
export function routeConsoleToLog(log: Logger): () => void {
  restore?.();
  const saved = new Map<ConsoleMethod, (...args: unknown[]) => void>();
  for (const method of Object.keys(LEVEL_OF) as ConsoleMethod[]) {
    saved.set(method, console[method]);
    console[method] = (...args: unknown[]) => {
      const text = format(...args);
      const r = rewrite(text);
      if (r?.drop) return;
      // One object per line: a multi-line message stays one message.
      if (r) log[r.level](r.message, { source: "console" });
      else log[LEVEL_OF[method]](text, { source: "console" });
    };
  }
  // Node's process warnings and libraries writing to process.stdout/stderr directly.
  const streams = [
    { stream: process.stdout, level: "info" as const },
    { stream: process.stderr, level: "warn" as const },
  ];
  const savedWrites = streams.map(({ stream, level }) => {
    const original = stream.write;
    let partial = "";
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = partial +
        (typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk as Uint8Array));
      const lines = text.split("\n");
      partial = lines.pop() ?? "";
      const message = lines.join("\n").trimEnd();
      if (message !== "") log[level](message, { source: "stdio" });
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
    return () => (stream.write = original);
  });
  restore = () => {
    for (const [method, fn] of saved) console[method] = fn;
    for (const undo of savedWrites) undo();
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
