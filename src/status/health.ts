/** The shapes `/healthz`, `/readyz`, `/status.json` and `gateway status` share. */
import type { CheckResult } from "./probes.ts";

/** Liveness: is the process still doing its job? */
export interface Liveness {
  ok: boolean;
  /** Why not, one sentence each. */
  reasons: string[];
}

/** Readiness: do the dependencies answer? */
export interface ReadinessReport {
  ok: boolean;
  checks: Record<string, CheckResult>;
  /** What else keeps the process from doing its job, one line each (e.g. `spool: disk full`). */
  problems?: string[];
}

/** What every status snapshot starts with. */
export interface StatusHead {
  kind: "produce" | "sink";
  version: string;
  /** Live and ready. */
  healthy: boolean;
  live: Liveness;
  ready: ReadinessReport;
  /** Epoch ms the snapshot was taken. */
  at: number;
  startedAt: number;
}

/** The body of `/readyz`: `ready` or one line per dependency that does not answer or refuses. */
export function readinessText(r: ReadinessReport): string {
  if (r.ok) return `ready: ${Object.keys(r.checks).join(", ")} answer\n`;
  return (r.problems ?? []).map((p) => `${p}\n`).join("") +
    Object.entries(r.checks).filter(([, c]) => !c.up)
      .map(([name, c]) => `${name} ${checkState(c)}: ${c.error ?? "unknown"}\n`).join("");
}

/** What a dependency that is not up does, in the words of /readyz and `gateway status`. */
export function checkState(c: CheckResult): string {
  if (c.up) return "up";
  if (c.refuses === "auth") return "authentication failed";
  if (c.refuses === "tls") return "TLS failed";
  return "does not answer";
}

/** A one- or two-word state for badges and tables: up, down, auth failed, TLS failed. */
export function checkBadge(c: CheckResult): string {
  if (c.up) return "up";
  return c.refuses === "auth" ? "auth failed" : c.refuses === "tls" ? "TLS failed" : "down";
}

/** The body of `/healthz`. */
export function livenessText(l: Liveness): string {
  return l.ok ? "ok\n" : l.reasons.map((r) => `${r}\n`).join("");
}
