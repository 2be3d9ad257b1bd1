/** Shared steps of the produce integration tests. */
import { join } from "node:path";
import { BROKERS, REGISTRY } from "./kafka.ts";
import { type GatewayProcess, startGateway, waitFor } from "./gateway_process.ts";

export interface ProduceRun {
  proc: GatewayProcess;
  topic: string;
  spool: string;
}

/** Starts `gateway produce --simulate n` on a fresh topic with a private spool. */
export async function startSimulatedProducer(
  topic: string,
  tags: number,
  extra: string[] = [],
  spoolDir?: string,
): Promise<ProduceRun> {
  const dir = spoolDir ?? await Deno.makeTempDir({ prefix: "gateway-spool-" });
  const spool = join(dir, "spool.sqlite");
  const proc = startGateway([
    "produce",
    "--simulate",
    String(tags),
    "--interval",
    "0.2",
    "--topic",
    topic,
    "--brokers",
    BROKERS.join(","),
    "--registry",
    REGISTRY,
    "--schema-strategy",
    "register",
    "--spool",
    spool,
    "--stats-interval",
    "1",
    ...extra,
  ]);
  return { proc, topic, spool };
}

/** The `key=value` fields of a logfmt line. */
export function logFields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    out[m[1]] = m[2].startsWith('"') ? JSON.parse(m[2]) : m[2];
  }
  return out;
}

/** Counters from the final `stopped` line of a produce run. */
/** The fields of produce's last `stopped` line (every counter it ends with, as logged). */
export function stoppedFields(lines: readonly string[]): Record<string, string> {
  const line = lines.findLast((l) => / INFO +stopped /.test(l));
  if (!line) throw new Error(`no "stopped" line; last lines:\n${lines.slice(-20).join("\n")}`);
  return logFields(line);
}

export function finalCounters(lines: string[]) {
  const f = stoppedFields(lines);
  return {
    taken: Number(f.taken),
    sent: Number(f.sent),
    leftInSpool: Number(f.leftInSpool),
    dropped: Number(f.dropped),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fields of the last `stats` line in `lines`; undefined before the first one. */
export function lastStats(lines: readonly string[]): Record<string, string> | undefined {
  const line = lines.findLast((l) => / stats /.test(l));
  return line ? logFields(line) : undefined;
}

/** Waits until the last `stats` line of a running producer satisfies `test` (45 s at most). */
export async function waitForStats(
  lines: readonly string[],
  what: string,
  test: (stats: Record<string, string>) => boolean,
): Promise<void> {
  try {
    await waitFor(
      what,
      () => {
        const stats = lastStats(lines);
        return stats && test(stats) ? true : undefined;
      },
      45_000,
      200,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last lines:\n${lines.slice(-10).join("\n")}`);
  }
}

/** Waits until a running producer's stats say at least `want` readings were sent. */
export function waitForSent(lines: readonly string[], want: number): Promise<void> {
  return waitForStats(lines, `${want} readings sent`, (s) => Number(s.sent) >= want);
}
