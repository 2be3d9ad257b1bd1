/**
 * `deno task arm64 <command>`: the gateway as an aarch64 (Raspberry Pi) process
 * on this machine, through qemu user-mode emulation.
 *
 *   setup              install qemu + arm64 sysroot (apt), the arm64 Deno (npm),
 *                      and an app copy in .tools/arm64/app with its own node_modules
 *   probe              load the BLE addon under qemu: prints the prebuild it picked
 *   gateway <args...>  run `main.ts <args>` under qemu with the compiled binary's permissions
 *   deno <args...>     run the arm64 deno with any arguments, in the app copy
 */
import { APP_PERMISSIONS } from "../compile/permissions.ts";
import { arm64Deno, setupArm64 } from "./app.ts";
import { QemuUnavailable } from "./qemu.ts";

const USAGE = "usage: deno task arm64 setup | probe | gateway <args...> | deno <args...>";

async function main([command, ...rest]: string[]): Promise<number> {
  const commands: Record<string, string[] | undefined> = {
    setup: undefined,
    probe: ["run", ...APP_PERMISSIONS, "scripts/arm64/ble_probe.ts"],
    gateway: ["run", ...APP_PERMISSIONS, "main.ts", ...rest],
    deno: rest,
  };
  if (!command || !(command in commands)) {
    console.error(USAGE);
    return 2;
  }
  const started = performance.now();
  let arm64;
  try {
    arm64 = await setupArm64();
  } catch (error) {
    console.error(`arm64: ${(error as Error).message}`);
    return error instanceof QemuUnavailable ? 3 : 1;
  }
  const ready = performance.now();
  console.error(
    `arm64: ready in ${((ready - started) / 1000).toFixed(1)} s ` +
      `(qemu ${arm64.qemu.qemu}, deno ${arm64.deno}, app ${arm64.app})`,
  );
  const args = commands[command];
  if (!args) return 0;
  const status = await arm64Deno(arm64, args).spawn().status;
  console.error(
    `arm64: ${command} exited ${status.code} after ${
      ((performance.now() - ready) / 1000).toFixed(1)
    } s under qemu`,
  );
  return status.code;
}

Deno.exit(await main(Deno.args));
