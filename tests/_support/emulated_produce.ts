/** `gateway produce --hci tcp:…` against the emulated radio, and what it spooled. */
import { join } from "node:path";
import { type GatewayProcess, runGateway, startGateway } from "./gateway_process.ts";
import type { Emulator } from "./ble_emulator.ts";

export interface EmulatedProduce {
  proc: GatewayProcess;
  spool: string;
  /** The spooled records (after the gateway stopped: a running one owns its spool). */
  records(): Promise<Record<string, unknown>[]>;
  /** Waits until the gateway's stats line reports at least `n` readings taken. */
  waitForTaken(n: number, timeoutMs?: number): Promise<void>;
  /** Readings taken so far, from the last stats line. */
  taken(): number;
  /** Log lines saying `tag` reached `state`. */
  states(tag: string, state: string): string[];
}

export async function startEmulatedProduce(
  emulator: Emulator,
  addresses: string[],
  extra: string[] = [],
): Promise<EmulatedProduce> {
  const dir = await Deno.makeTempDir({ prefix: "gateway-ble-" });
  const spool = join(dir, "spool.sqlite");
  const proc = startGateway([
    "produce",
    ...addresses,
    "--hci",
    emulator.hci,
    // No broker is needed to prove the BLE side: readings wait in the spool, which is read back.
    "--brokers",
    "127.0.0.1:9",
    "--format",
    "avro-single-object",
    "--spool",
    spool,
    "--stats-interval",
    "1",
    "--connect-timeout",
    "5",
    ...extra,
  ]);
  let exitCode: number | undefined;
  proc.exited.then((code) => (exitCode = code));
  const run: EmulatedProduce = {
    proc,
    spool,
    async records() {
      const out = await runGateway(["spool", "export", "--spool", spool]);
      if (out.code !== 0) throw new Error(`spool export failed: ${out.stderr}`);
      return out.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l).record);
    },
    taken() {
      for (let i = proc.lines.length - 1; i >= 0; i--) {
        const m = / stats .*\btaken=(\d+)/.exec(proc.lines[i]);
        if (m) return Number(m[1]);
      }
      return 0;
    },
    async waitForTaken(n, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      while (run.taken() < n) {
        if (exitCode !== undefined || Date.now() > end) {
          throw new Error(
            `fewer than ${n} readings taken ${
              exitCode === undefined ? `within ${timeoutMs} ms` : `(exited ${exitCode})`
            }; last lines:\n${proc.lines.slice(-15).join("\n")}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    states(tag, state) {
      return proc.lines.filter((l) =>
        l.includes("tag state") && l.includes(`tag=${tag}`) && l.includes(`state=${state}`)
      );
    },
  };
  return run;
}
