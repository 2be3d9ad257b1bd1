/**
 * Why the spool could not be written, in words a user acts on. SQLite says "database or disk is
 * full" or "disk I/O error"; the file system says why (read-only, permission denied, no space):
 * each failure is classified by cause, named with the spool's path, and counted by cause.
 */
import { statfsSync } from "node:fs";
import { dirname } from "node:path";

/** What went wrong writing the spool. */
export type SpoolFailureCause = "disk_full" | "read_only" | "io_error" | "other";

/** Every cause, in the order the metric lists them. */
export const SPOOL_FAILURE_CAUSES: readonly SpoolFailureCause[] = [
  "disk_full",
  "read_only",
  "io_error",
  "other",
];

/** A write to the spool failed; nothing of that transaction was kept. */
export class SpoolWriteError extends Error {
  override name = "SpoolWriteError";
  constructor(
    readonly path: string,
    readonly kind: SpoolFailureCause,
    /** The cause in words, e.g. `disk full (0 bytes free)`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`spool ${path}: ${reason}`, options);
  }
}

/** Bytes an unprivileged writer may still use on the file system holding `path`. */
export function freeBytes(path: string): number {
  try {
    const s = statfsSync(dirname(path));
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** The message of `error` without Deno's ` (os error N)` suffix. */
export function osMessage(error: unknown): string {
  const m = error instanceof Error ? error.message : String(error);
  // "Read-only file system (os error 30): open '/x'" → "Read-only file system"
  return m.replace(/\s*\(os error \d+\)/, "").replace(/: [a-z]+ '[^']*'$/, "").replace(/:\s*$/, "");
}

/** What a plain write to `path` (or, when it is missing, its folder) says now; undefined if it works. */
export function probeWritable(path: string): string | undefined {
  try {
    const f = Deno.openSync(path, { write: true });
    f.close();
    return undefined;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return osMessage(error);
  }
  const probe = `${path}.probe-${Deno.pid}`;
  try {
    Deno.writeFileSync(probe, new Uint8Array(0));
    Deno.removeSync(probe);
    return undefined;
  } catch (error) {
    return `${dirname(path)}: ${osMessage(error)}`;
  }
}

/**
 * Classifies a failed spool write. SQLite's own words are the first clue; the file system is
 * asked for the rest (a read-only remount shows as "disk I/O error" to SQLite).
 */
export function classifySpoolError(path: string, error: unknown): SpoolWriteError {
  if (error instanceof SpoolWriteError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const full = (free: number) =>
    new SpoolWriteError(path, "disk_full", diskFullReason(free), { cause: error });
  if (/database or disk is full|no space left|ENOSPC/i.test(message)) return full(freeBytes(path));
  const why = probeWritable(path);
  if (why !== undefined) {
    if (/no space left/i.test(why)) return full(freeBytes(path));
    if (/input\/output error/i.test(why)) {
      return new SpoolWriteError(path, "io_error", `I/O error: ${why}`, { cause: error });
    }
    return new SpoolWriteError(path, "read_only", `not writable: ${why}`, { cause: error });
  }
  if (/readonly|read-only|read only|permission denied|EACCES|EROFS/i.test(message)) {
    return new SpoolWriteError(path, "read_only", `not writable: ${message}`, { cause: error });
  }
  if (/disk I\/O error|EIO/i.test(message)) {
    if (freeBytes(path) === 0) return full(0);
    return new SpoolWriteError(path, "io_error", `I/O error (${message})`, { cause: error });
  }
  return new SpoolWriteError(path, "other", message, { cause: error });
}

/** `disk full (N bytes free)` */
export function diskFullReason(free: number): string {
  return `disk full (${Number.isFinite(free) ? free : "?"} bytes free)`;
}
