/**
 * Resident memory and CPU time of a process and all its descendants, from Linux `/proc`: the
 * parsing is pure (and tested by itself), `sampleTree` is the thin reading edge.
 */

/** The fields of `/proc/<pid>/stat` the benchmark uses. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime (waited-for children included), in clock ticks. */
  cpuTicks: number;
}

/**
 * Parses `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may itself hold
 * spaces and parentheses, so the fields are counted from the last `)`. Returns null for text
 * that is not a stat line.
 */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 1 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  // After ")": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
  const rest = text.slice(close + 1).trim().split(/\s+/);
  if (rest.length < 15) return null;
  const field = (n: number) => Number(rest[n - 3]);
  const ppid = field(4);
  const ticks = [14, 15, 16, 17].map(field);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || ticks.some((t) => !(t >= 0))) {
    return null;
  }
  return { pid, ppid, cpuTicks: ticks.reduce((a, b) => a + b, 0) };
}

/** `VmRSS` of `/proc/<pid>/status` in KiB; 0 when absent (a zombie or kernel thread has none). */
export function parseRssKiB(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m ? Number(m[1]) : 0;
}

/** `root` and every process below it, given each process's parent. */
export function descendants(root: number, parentOf: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parentOf) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const out: number[] = [];
  const todo = [root];
  const seen = new Set<number>();
  while (todo.length > 0) {
    const pid = todo.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** One sample of a process tree. */
export interface TreeSample {
  /** Sum of the tree's resident memory, MiB. */
  rssMiB: number;
  /** CPU seconds of the tree so far (user + system, exited children included). */
  cpuSeconds: number;
  /** Processes in the tree (0 when the root is gone). */
  processes: number;
}

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      const out = new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped" }).outputSync();
      const n = Number(new TextDecoder().decode(out.stdout).trim());
      clockTicks = Number.isInteger(n) && n > 0 ? n : 100;
    } catch {
      clockTicks = 100; // Linux's USER_HZ everywhere it matters
    }
  }
  return clockTicks;
}

function read(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null; // the process ended between listing and reading
  }
}

/** Reads `/proc` once and sums the tree rooted at `root`. */
export function sampleTree(root: number): TreeSample {
  const stats = new Map<number, ProcStat>();
  const parentOf = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const text = read(`/proc/${entry.name}/stat`);
    const stat = text === null ? null : parseStat(text);
    if (!stat) continue;
    stats.set(stat.pid, stat);
    parentOf.set(stat.pid, stat.ppid);
  }
  if (!stats.has(root)) return { rssMiB: 0, cpuSeconds: 0, processes: 0 };
  let kib = 0;
  let ticks = 0;
  const tree = descendants(root, parentOf);
  for (const pid of tree) {
    ticks += stats.get(pid)?.cpuTicks ?? 0;
    kib += parseRssKiB(read(`/proc/${pid}/status`) ?? "");
  }
  return { rssMiB: kib / 1024, cpuSeconds: ticks / ticksPerSecond(), processes: tree.length };
}

/** The 1-, 5- and 15-minute load averages of `/proc/loadavg`, e.g. "1.72 0.85 0.34". */
export function parseLoadAverage(text: string): string {
  const parts = text.trim().split(/\s+/).slice(0, 3);
  if (parts.length < 3 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) {
    throw new Error(`not a /proc/loadavg line: "${text.trim()}"`);
  }
  return parts.join(" ");
}
