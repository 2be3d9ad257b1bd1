/**
 * journald: when stderr is connected to the journal (systemd sets
 * JOURNAL_STREAM to its device:inode), each line starts with the syslog
 * priority `<N>`, which journald strips and stores as the entry's level.
 */
import { fstatSync } from "node:fs";
import type { LogLevel } from "./log.ts";

/** syslog priorities: debug 7, info 6, warning 4, error 3. */
export const SYSLOG_PRIORITY: Record<LogLevel, number> = { debug: 7, info: 6, warn: 4, error: 3 };

/** True when JOURNAL_STREAM names the device and inode stderr is (as systemd documents). */
export function stderrIsJournal(): boolean {
  let stream: string | undefined;
  try {
    stream = Deno.env.get("JOURNAL_STREAM");
  } catch {
    return false; // no env permission
  }
  if (!stream) return false;
  const [dev, ino] = stream.split(":").map(Number);
  try {
    // fstat on the descriptor itself: Deno refuses a stat of /proc/self/fd/2 unless every
    // permission is held, and commands give some up at start (src/cli/permission_scope.ts).
    const st = fstatSync(2);
    return st.dev === dev && st.ino === ino;
  } catch {
    // Cannot check (no /proc, no read permission): trust the variable, as systemd sets it.
    return true;
  }
}

/** The prefix a line at `level` gets: `<6>` for info, or "" when stderr is not the journal. */
export function journalPrefixer(): (level: LogLevel) => string {
  return stderrIsJournal() ? (level) => `<${SYSLOG_PRIORITY[level]}>` : () => "";
}
