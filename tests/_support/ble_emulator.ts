/**
 * Starts the emulated radio (tests/_support/ble_emulator/emulator.py, Bumble in the test venv)
 * and drives its control channel. The venv is installed by the test task (scripts/test.ts →
 * ensurePythonTestDeps); a missing venv fails the test with that hint, it never skips.
 */
import { fileURLToPath } from "node:url";
import { TEST_PYTHON } from "../../scripts/python_deps.ts";

const SCRIPT = fileURLToPath(new URL("./ble_emulator/emulator.py", import.meta.url));

export interface EmulatedTag {
  address: string;
  model: "cc2650" | "cc2541";
  truth: {
    ambient: number;
    object: number;
    humidity_temp: number;
    rh: number;
    baro_temp: number;
    pressure: number;
    accel: number[];
    gyro: number[];
    mag: number[];
    battery: number;
    lux?: number;
  };
}

export interface EmulatorOptions {
  cc2650?: number;
  cc2541?: number;
  slots?: number;
  advIntervalMs?: number;
}

export interface Emulator {
  port: number;
  /** `--hci` for the gateway. */
  hci: string;
  tags: EmulatedTag[];
  /** Sends one control command; resolves with its JSON answer (rejects on `ok: false`). */
  command(line: string): Promise<Record<string, unknown>>;
  /** Everything the emulator wrote on stderr (for failure messages). */
  stderr(): string;
  stop(): Promise<void>;
}

export async function startEmulator(o: EmulatorOptions = {}): Promise<Emulator> {
  try {
    await Deno.stat(TEST_PYTHON);
  } catch {
    throw new Error(
      `no test venv at ${TEST_PYTHON}: run the tests through \`deno task test\`, which installs ` +
        "Bumble (scripts/python_deps.ts)",
    );
  }
  const child = new Deno.Command(TEST_PYTHON, {
    args: [
      SCRIPT,
      "--cc2650",
      String(o.cc2650 ?? 1),
      "--cc2541",
      String(o.cc2541 ?? 1),
      "--slots",
      String(o.slots ?? 8),
      "--adv-interval-ms",
      String(o.advIntervalMs ?? 100),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "";
  const errPump = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
  })();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let rest = "";
  const nextLine = async (): Promise<string> => {
    for (;;) {
      const i = rest.indexOf("\n");
      if (i >= 0) {
        const line = rest.slice(0, i);
        rest = rest.slice(i + 1);
        return line;
      }
      const { value, done } = await lines.read();
      if (done) throw new Error(`the emulator exited; its stderr:\n${err}`);
      rest += value;
    }
  };
  const writer = child.stdin.getWriter();
  const encoder = new TextEncoder();
  let queue: Promise<unknown> = Promise.resolve();
  const ready = JSON.parse(await nextLine()) as { port: number; tags: EmulatedTag[] };
  return {
    port: ready.port,
    hci: `tcp:127.0.0.1:${ready.port}`,
    tags: ready.tags,
    command(line) {
      const answer = queue.then(async () => {
        await writer.write(encoder.encode(line + "\n"));
        const reply = JSON.parse(await nextLine()) as Record<string, unknown>;
        if (reply.ok !== true) throw new Error(`emulator: ${line}: ${reply.error}`);
        return reply;
      });
      queue = answer.catch(() => {});
      return answer;
    },
    stderr: () => err,
    async stop() {
      try {
        await writer.write(encoder.encode("quit\n"));
        await writer.close();
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* exited */ }
      }, 3000);
      await child.status;
      clearTimeout(timer);
      await lines.cancel().catch(() => {});
      await errPump.catch(() => {});
    },
  };
}
