/** One human-readable status line per service (pure). */
import type { ServiceName } from "./names.ts";

/** What `status` knows about one service. */
export interface ServiceStatus {
  name: ServiceName;
  up: boolean;
  host: string;
  port: number;
  /** Pid of the process this tool started, when it is alive. */
  pid: number | null;
  rssBytes: number | null;
  logFile: string;
  /** Probe detail when up, failure reason when down. */
  detail: string;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
}

/** `kafka     up    127.0.0.1:9092   pid 1234    rss 402 MiB  log <path>  (detail)` */
export function formatStatusLine(s: ServiceStatus): string {
  const pid = s.pid === null ? "pid -" : `pid ${s.pid}`;
  const rss = s.rssBytes === null ? "rss -" : `rss ${mib(s.rssBytes)}`;
  return [
    s.name.padEnd(9),
    (s.up ? "up" : "down").padEnd(5),
    `${s.host}:${s.port}`.padEnd(16),
    pid.padEnd(11),
    rss.padEnd(12),
    `log ${s.logFile}`,
    s.detail ? ` (${s.detail})` : "",
  ].join(" ").trimEnd();
}
