/**
 * The gateway runs with one set of runtime flags (V8 heap settings, no code
 * cache) whether launched by `deno task gateway` or compiled: deno.json's task
 * and `deno compile`'s arguments both carry scripts/compile/runtime_flags.ts.
 */
import assert from "node:assert/strict";
import { compileArgs } from "../scripts/compile/build.ts";
import { GATEWAY_RUNTIME_FLAGS } from "../scripts/compile/runtime_flags.ts";
import { TARGETS } from "../scripts/compile/targets.ts";
import { REPO } from "./_support/gateway_process.ts";

Deno.test("deno task gateway launches with the runtime flags the compiled binary gets", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`));
  const words = (config.tasks.gateway as string).split(/\s+/);
  const entry = words.indexOf("main.ts");
  assert.ok(entry > 0, "the task runs main.ts");
  for (const flag of GATEWAY_RUNTIME_FLAGS) {
    const at = words.indexOf(flag);
    assert.ok(at > 0 && at < entry, `deno.json's gateway task has ${flag} before main.ts`);
  }
  const args = compileArgs(Object.values(TARGETS)[0], "/tmp/out");
  for (const flag of GATEWAY_RUNTIME_FLAGS) {
    assert.ok(args.indexOf(flag) >= 0 && args.indexOf(flag) < args.indexOf("main.ts"), flag);
  }
});
