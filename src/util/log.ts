/**
 * Structured logging to stderr: one line per event, `logfmt` or JSON. Every line passes through
 * {@linkcode redact} on its way out, so no configured secret reaches the log.
 */
import { redact } from "./redact.ts";
import { journalPrefixer } from "./journal.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
export type LogFormat = "text" | "json";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  readonly level: LogLevel;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Writes one line; `level` is the line's level (journald priority on stderr). */
  write?: (line: string, level: LogLevel) => void;
  fields?: LogFields;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const format = options.format ?? "text";
  const encoder = new TextEncoder();
  const prefix = options.write ? undefined : journalPrefixer();
  const write = options.write ??
    ((line: string, at: LogLevel) =>
      Deno.stderr.writeSync(encoder.encode(prefix!(at) + line + "\n")));
  const base = options.fields ?? {};
  const emit = (at: LogLevel, message: string, fields?: LogFields) => {
    if (RANK[at] < RANK[level]) return;
    const all = { ...base, ...fields };
    const time = new Date().toISOString();
    write(
      redact(
        format === "json"
          ? JSON.stringify({ time, level: at, msg: message, ...all }, jsonSafe)
          : `${time} ${at.toUpperCase().padEnd(5)} ${message}${logfmt(all)}`,
      ),
      at,
    );
  };
  return {
    level,
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ level, format, write, fields: { ...base, ...fields } }),
  };
}

function logfmt(fields: LogFields): string {
  let out = "";
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const text = typeof v === "string" ? v : JSON.stringify(v, jsonSafe);
    out += ` ${k}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
  }
  return out;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return value.message;
  return value;
}

/** A logger that drops everything (for tests and quiet tools). */
export const silentLogger: Logger = createLogger({ level: "error", write: () => {} });
