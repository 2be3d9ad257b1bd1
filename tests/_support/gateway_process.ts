/** Runs `main.ts` as a real child process, collecting its log lines. */
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));

export interface GatewayProcess {
  child: Deno.ChildProcess;
  /** Every stderr/stdout line so far. */
  lines: string[];
  /** Resolves with the exit code. */
  exited: Promise<number>;
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  signal(sig: Deno.Signal): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number>;
}

export function startGateway(args: string[], env: Record<string, string> = {}): GatewayProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "main.ts", ...args],
    cwd: REPO,
    // A free port for each process's HTTP endpoint, so concurrent gateways never meet.
    env: { NO_COLOR: "1", GATEWAY_HTTP: "127.0.0.1:0", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
    let rest = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += value;
      const parts = rest.split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (Deno.env.get("GATEWAY_TEST_VERBOSE")) console.error(`  | ${line}`);
        for (const w of [...waiters]) {
          if (w.pattern.test(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    }
    if (rest) lines.push(rest);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const exited = child.status.then(async (s) => {
    await pumps;
    return s.code;
  });
  const proc: GatewayProcess = {
    child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 60_000) {
      const found = lines.find((l) => pattern.test(l));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `no log line matching ${pattern} within ${timeoutMs} ms; last lines:\n${
                lines.slice(-15).join("\n")
              }`,
            ),
          );
        }, timeoutMs);
        waiters.push({
          pattern,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        exited.then(() => {
          clearTimeout(timer);
          reject(
            new Error(
              `gateway exited before logging ${pattern}; last lines:\n${
                lines.slice(-15).join("\n")
              }`,
            ),
          );
        });
      });
    },
    signal(sig) {
      try {
        child.kill(sig);
      } catch {
        // already gone
      }
    },
    async stop(graceMs = 20_000) {
      proc.signal("SIGTERM");
      const timer = setTimeout(() => proc.signal("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  return proc;
}

/** Runs the CLI to completion and returns its exit code and output. */
export async function runGateway(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "main.ts", ...args],
    cwd: REPO,
    env: { NO_COLOR: "1", GATEWAY_HTTP: "127.0.0.1:0", ...env },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Waits until `ok()` holds, through {@linkcode waitFor} (its deadline on a probe that hangs). */
export async function waitUntil(
  what: string,
  ok: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<void> {
  await waitFor(what, async () => (await ok()) || undefined, timeoutMs, everyMs);
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    // A probe that never settles (a store that stopped answering) must not outlive the deadline.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error("the last probe did not answer")),
        Math.max(1, until - Date.now()),
      );
    });
    try {
      const v = await Promise.race([Promise.resolve().then(probe), deadline]);
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    } finally {
      clearTimeout(timer);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}
