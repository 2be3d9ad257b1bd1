/** CPU time and peak memory of another process, read from /proc (Linux). */

/** CPU time (ns) of every live thread of `pid`, summed (`/proc/<pid>/task/<tid>/schedstat`). */
export function cpuNs(pid: number): number {
  let total = 0;
  for (const e of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(Deno.readTextFileSync(`/proc/${pid}/task/${e.name}/schedstat`).split(" ")[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return total;
}

/** The kernel's peak resident set size of `pid` (VmHWM), in MiB. */
export function peakRssMiBOf(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** What `/proc/<pid>/status` says of a process's memory, in MiB. */
export interface MemorySplit {
  /** VmHWM: the peak resident set size. */
  peak: number;
  /** VmRSS: resident now, = anon + file + shmem. */
  rss: number;
  /** RssAnon: the process's own pages (heaps, stacks): what a second process would add. */
  anon: number;
  /** RssFile: mapped files resident (the deno executable's pages, shared with other processes). */
  file: number;
  /** RssShmem: shared memory. */
  shmem: number;
}

/** Parses the memory lines of a `/proc/<pid>/status` text; a line that is missing is NaN. */
export function parseMemorySplit(status: string): MemorySplit {
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  };
  return {
    peak: kib("VmHWM"),
    rss: kib("VmRSS"),
    anon: kib("RssAnon"),
    file: kib("RssFile"),
    shmem: kib("RssShmem"),
  };
}

/** `pid`'s memory now, and its peak, from `/proc/<pid>/status`. */
export function memorySplitOf(pid: number): MemorySplit {
  return parseMemorySplit(Deno.readTextFileSync(`/proc/${pid}/status`));
}

export interface CpuSample {
  /** ms since the start of sampling */
  t: number;
  /** CPU ns used since the previous sample (never negative) */
  ns: number;
}

/** Samples `pid`'s CPU every `everyMs` until `untilMs` (performance.now() time) or its exit. */
export async function sampleCpu(
  pid: number,
  everyMs: number,
  untilMs: number,
): Promise<CpuSample[]> {
  const samples: CpuSample[] = [];
  const t0 = performance.now();
  let last = cpuNs(pid);
  while (performance.now() < untilMs) {
    await new Promise((r) => setTimeout(r, everyMs));
    let now: number;
    try {
      now = cpuNs(pid);
    } catch {
      break;
    }
    samples.push({ t: performance.now() - t0, ns: Math.max(0, now - last) });
    last = now;
  }
  return samples;
}

/**
 * CPU as % of one core over samples, split into "between readings" and
 * overall. Readings come every `intervalMs`; their phase is where, folded
 * modulo the interval, the most CPU was spent (100 ms bins). Samples within
 * `marginMs` of that phase are the readings; everything else (every other
 * timer included) is "between readings".
 */
export function cpuBetweenReadings(
  samples: CpuSample[],
  intervalMs: number,
  marginMs = 600,
): { betweenPct: number; overallPct: number; readingPhaseMs: number } {
  const binMs = 100;
  const bins = new Array(Math.ceil(intervalMs / binMs)).fill(0);
  for (const s of samples) bins[Math.floor((s.t % intervalMs) / binMs) % bins.length] += s.ns;
  const peak = bins.indexOf(Math.max(...bins));
  const phase = peak * binMs + binMs / 2;
  let betweenNs = 0, betweenMs = 0, allNs = 0;
  let prevT = samples.length > 0 ? samples[0].t : 0;
  for (const [i, s] of samples.entries()) {
    const dt = i === 0 ? 0 : s.t - prevT;
    prevT = s.t;
    if (i === 0) continue;
    allNs += s.ns;
    const d = Math.abs((s.t % intervalMs) - phase);
    if (Math.min(d, intervalMs - d) > marginMs) {
      betweenNs += s.ns;
      betweenMs += dt;
    }
  }
  const spanMs = samples.length > 1 ? samples[samples.length - 1].t - samples[0].t : NaN;
  return {
    betweenPct: (betweenNs / 1e6 / betweenMs) * 100,
    overallPct: (allNs / 1e6 / spanMs) * 100,
    readingPhaseMs: phase,
  };
}
