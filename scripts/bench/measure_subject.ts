/**
 * Runs one benchmark subject (a sink process) until its consumer group has committed every
 * record, sampling its process tree: seconds in all, seconds to the first commit, peak RSS, CPU.
 */
import { sampleTree } from "./proc_tree.ts";
import { type LoggedProcess, tailOf } from "./spawn_logged.ts";

/** What one subject did. */
export interface Measurement {
  /** Records committed when it stopped. */
  committed: number;
  /** From spawn to the last record committed (or to the time limit). */
  seconds: number;
  /** From spawn to the first commit; NaN when it never committed. */
  firstCommitSeconds: number;
  peakRssMiB: number;
  /** CPU seconds of its process tree, sampled when the last record was committed. */
  cpuSeconds: number;
  /** False when the time limit stopped it before every record was committed. */
  complete: boolean;
  /** The first ERROR line its log showed while it ran (the run was stopped there). */
  failure?: string;
}

/** How to watch one subject. */
export interface MeasureOptions {
  /** Records expected. */
  records: number;
  /** Records committed so far by the subject's group. */
  committed: () => Promise<number>;
  timeoutSeconds: number;
  label: string;
  /** A log file to watch: its first line logged at ERROR level stops the run as failed. */
  errorLog?: string;
  pollMs?: number;
}

/**
 * The first line of `log` logged at ERROR level: after the gateway's ISO timestamp
 * (`2026-…Z ERROR …`) or Log4j's bracketed one (`[2026-… 21:12:05,104] ERROR …`).
 */
export function firstErrorLine(log: string): string | undefined {
  return log.split("\n").find((line) => /^(\S+Z|\[[^\]]+\])\s+ERROR\s/.test(line))?.trim();
}

/**
 * Watches `subject` (spawned just before) until `records` are committed or the time runs out,
 * then stops it (SIGTERM, SIGKILL after 15 s). A subject that exits by itself before it is done
 * throws with the tail of its log: a broken run is never a row.
 */
export async function measureSubject(
  subject: LoggedProcess,
  o: MeasureOptions,
): Promise<Measurement> {
  const t0 = performance.now();
  const pid = subject.child.pid;
  let exited: Deno.CommandStatus | undefined;
  subject.child.status.then((s) => exited = s);
  let peak = 0;
  let cpu = 0;
  let first = NaN;
  let done = 0;
  let failure: string | undefined;
  let polls = 0;
  const elapsed = () => (performance.now() - t0) / 1000;
  while (done < o.records && elapsed() < o.timeoutSeconds && !failure) {
    await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
    const sample = sampleTree(pid);
    if (sample.processes > 0) {
      peak = Math.max(peak, sample.rssMiB);
      cpu = Math.max(cpu, sample.cpuSeconds);
    }
    try {
      done = await o.committed();
    } catch (err) {
      await stop(subject); // never leave it running behind a failed run
      throw err;
    }
    if (done > 0 && Number.isNaN(first)) first = elapsed();
    if (o.errorLog && ++polls % 8 === 0) {
      failure = firstErrorLine(await Deno.readTextFile(o.errorLog).catch(() => ""));
    }
    if (exited && done < o.records) {
      await subject.drained;
      throw new Error(
        `${o.label}: exited with ${exited.code} after ${elapsed().toFixed(1)} s with ` +
          `${done} of ${o.records} committed; its log:\n${await tailOf(subject.logFile)}`,
      );
    }
  }
  const seconds = elapsed();
  await stop(subject);
  return {
    committed: done,
    seconds,
    firstCommitSeconds: first,
    peakRssMiB: peak,
    cpuSeconds: cpu,
    complete: done >= o.records,
    failure,
  };
}

async function stop(subject: LoggedProcess): Promise<void> {
  try {
    subject.child.kill("SIGTERM");
  } catch { /* already gone */ }
  const killer = setTimeout(() => {
    try {
      subject.child.kill("SIGKILL");
    } catch { /* gone */ }
  }, 15_000);
  await subject.child.status;
  clearTimeout(killer);
  await subject.drained;
}
