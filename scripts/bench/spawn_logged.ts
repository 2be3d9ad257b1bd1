/** Spawning a benchmark subject with its stdout and stderr drained into one log file. */
import { join } from "node:path";

/** A running subject and its log. */
export interface LoggedProcess {
  child: Deno.ChildProcess;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** Resolves when both streams are drained and the file closed. */
  drained: Promise<void>;
}

/** Spawns `cmd args` with output drained into `<dir>/<name>.log`, so it never blocks on a pipe. */
export async function spawnLogged(
  cmd: string,
  args: string[],
  dir: string,
  name: string,
): Promise<LoggedProcess> {
  const logFile = join(dir, `${name}.log`);
  const file = await Deno.open(logFile, { write: true, create: true, truncate: true });
  const child = new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" })
    .spawn();
  const writer = file.writable.getWriter();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) await writer.write(chunk);
  };
  const drained = Promise.allSettled([pump(child.stdout), pump(child.stderr)])
    .then(() => writer.close())
    .catch(() => {});
  return { child, logFile, drained };
}

/** The last `n` lines of `file` (empty when it is missing). */
export async function tailOf(file: string, n = 30): Promise<string> {
  try {
    return (await Deno.readTextFile(file)).trimEnd().split("\n").slice(-n).join("\n");
  } catch {
    return "";
  }
}
