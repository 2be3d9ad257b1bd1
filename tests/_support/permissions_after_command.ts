/**
 * Runs one gateway command line in this process (under whatever permissions it was started
 * with), then prints the state of write and ffi as JSON on stdout once `GATEWAY_PROBE_AFTER_MS`
 * have passed (or when the command returns), and exits. For
 * tests/service/cli_commands_keep_only_the_permissions_they_use.test.ts.
 */
import { runCli } from "../../src/cli/program.ts";

const report = (code: number | null) => {
  const state = (name: "write" | "ffi") => Deno.permissions.querySync({ name }).state;
  console.log(JSON.stringify({ code, write: state("write"), ffi: state("ffi") }));
  Deno.exit(0);
};
setTimeout(() => report(null), Number(Deno.env.get("GATEWAY_PROBE_AFTER_MS") ?? "3000"));
report(await runCli(Deno.args));
