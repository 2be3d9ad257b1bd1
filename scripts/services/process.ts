/**
 * Detached service processes tracked by pid files: start (new session, output appended to a
 * log file), liveness with a guard against pid reuse, and stop with a grace period.
 */

/** How to launch one service. */
export interface LaunchSpec {
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  cwd: string;
  logFile: string;
  pidFile: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `spec` in its own session (`setsid -f`), so it outlives the caller and its terminal,
 * with stdin from /dev/null and stdout+stderr appended to the log file. The shell writes its own
 * pid to the pid file and then `exec`s the service, so the recorded pid is the service's.
 * Resolves with that pid.
 */
export async function startDetached(spec: LaunchSpec): Promise<number> {
  await Deno.remove(spec.pidFile).catch(() => {});
  const script = 'pidfile="$1"; log="$2"; shift 2; echo $$ > "$pidfile"; ' +
    'exec "$@" >>"$log" 2>&1 </dev/null';
  const launcher = await new Deno.Command("setsid", {
    args: ["-f", "sh", "-c", script, "sh", spec.pidFile, spec.logFile, spec.cmd, ...spec.args],
    cwd: spec.cwd,
    env: spec.env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!launcher.success) {
    throw new Error(
      `could not launch ${spec.cmd}: setsid exited with ${launcher.code}: ` +
        new TextDecoder().decode(launcher.stderr).trim(),
    );
  }
  for (let waited = 0; waited < 10_000; waited += 50) {
    const pid = await readPid(spec.pidFile);
    if (pid !== null) return pid;
    await sleep(50);
  }
  throw new Error(`launched ${spec.cmd} but it never wrote ${spec.pidFile}`);
}

/** The pid recorded in `pidFile`, or null when there is none (or it is not a pid). */
export async function readPid(pidFile: string): Promise<number | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(pidFile);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  return parsePid(text);
}

/** Parses pid-file content: one positive integer, surrounding whitespace allowed. */
export function parsePid(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[1-9][0-9]*$/.test(trimmed)) return null;
  return Number(trimmed);
}

/**
 * True when `pid` is a live (not zombie) process whose command line contains `marker`
 * (guards against a recycled pid now belonging to something else).
 */
export async function isOurProcess(pid: number, marker: string): Promise<boolean> {
  let stat: string;
  let cmdline: string;
  try {
    stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    cmdline = (await Deno.readTextFile(`/proc/${pid}/cmdline`)).replaceAll("\0", " ");
  } catch {
    return false;
  }
  return processState(stat) !== "Z" && processState(stat) !== "X" && cmdline.includes(marker);
}

/** The state letter of a `/proc/<pid>/stat` line (the field after the parenthesised name). */
export function processState(statLine: string): string {
  const close = statLine.lastIndexOf(")");
  return close < 0 ? "?" : statLine.slice(close + 2, close + 3);
}

/** True when `pid` is a live (not zombie) process. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    return processState(await Deno.readTextFile(`/proc/${pid}/stat`)) !== "Z";
  } catch {
    return false;
  }
}

/** Sends SIGTERM, waits up to `graceMs` for exit, then SIGKILL. Resolves with how it ended. */
export async function stopProcess(pid: number, graceMs: number): Promise<"terminated" | "killed"> {
  signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await isAlive(pid))) return "terminated";
    await sleep(100);
  }
  signal(pid, "SIGKILL");
  for (let i = 0; i < 100 && (await isAlive(pid)); i++) await sleep(100);
  return "killed";
}

function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/** Resident set size of `pid` in bytes (from /proc), or null when it is gone. */
export async function residentBytes(pid: number): Promise<number | null> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const match = status.match(/^VmRSS:\s+(\d+)\s+kB$/m);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The last `lines` lines of a log file ("" when it does not exist). */
export async function tailFile(path: string, lines: number): Promise<string> {
  try {
    const text = await Deno.readTextFile(path);
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/**
 * Runs `fn` holding an exclusive lock file (created with O_EXCL, holding our pid). Waits while
 * a live process holds it; takes over a lock whose holder is gone. Throws after `waitMs`.
 */
export async function withLockFile<T>(
  lockFile: string,
  waitMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await Deno.writeTextFile(lockFile, `${Deno.pid}\n`, { createNew: true });
      break;
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    }
    const holder = await readPid(lockFile);
    const age = await Deno.stat(lockFile).then((s) => Date.now() - (s.mtime?.getTime() ?? 0))
      .catch(() => 0);
    const stale = holder === null ? age > 10_000 : !(await isAlive(holder));
    if (stale) {
      await Deno.remove(lockFile).catch(() => {});
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`${lockFile} is still held by pid ${holder} after ${waitMs / 1000} s`);
    }
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(lockFile).catch(() => {});
  }
}
