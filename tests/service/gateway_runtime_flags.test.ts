/**
 * The gateway runs with one set of runtime flags (V8 heap settings, no code
 * cache) whether launched by `./gateway` or compiled: both take
 * scripts/compile/runtime_flags.txt (tests/service/gateway_launcher.test.ts checks the
 * flags of a running `./gateway`).
 */
import assert from "node:assert/strict";
import { compileArgs } from "../../scripts/compile/build.ts";
import { GATEWAY_RUNTIME_FLAGS, GATEWAY_V8_FLAGS } from "../../scripts/compile/runtime_flags.ts";
import { TARGETS } from "../../scripts/compile/targets.ts";
import { REPO } from "../_support/gateway_process.ts";

Deno.test("deno compile gets the runtime flags of runtime_flags.txt, which ./gateway reads", async () => {
  assert.deepEqual(GATEWAY_RUNTIME_FLAGS, [
    "--no-code-cache",
    "--v8-flags=--max-semi-space-size=1,--heap-growing-percent=50",
  ]);
  assert.deepEqual(GATEWAY_V8_FLAGS, ["--max-semi-space-size=1", "--heap-growing-percent=50"]);
  const launcher = await Deno.readTextFile(`${REPO}/gateway`);
  assert.match(launcher, /<"\$here\/scripts\/compile\/runtime_flags\.txt"/);
  const args = compileArgs(Object.values(TARGETS)[0], "/tmp/out");
  for (const flag of GATEWAY_RUNTIME_FLAGS) {
    assert.ok(args.indexOf(flag) >= 0 && args.indexOf(flag) < args.indexOf("main.ts"), flag);
  }
});

/** The V8 heap limit, in bytes, of a deno started with these runtime flags. */
async function heapLimitWith(flags: readonly string[]): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, `${REPO}/tests/_support/print_heap_limit.ts`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `deno run ${flags.join(" ")} failed: ${stderr}`);
  return Number(new TextDecoder().decode(out.stdout).trim());
}

Deno.test("the runtime flags are known to this deno's V8 and put no cap on the heap", async () => {
  // deno refuses a V8 flag it does not know, so a flag renamed by a V8 upgrade fails here. The
  // memory bound is a growth factor (--heap-growing-percent), not a limit: a sink whose BATCH
  // really holds more must get a larger heap, not die at a cap like --max-old-space-size.
  const product = await heapLimitWith(GATEWAY_RUNTIME_FLAGS);
  const none = await heapLimitWith([]);
  assert.ok(product > 0 && none > 0, `${product} ${none}`);
  // The semi-space flag only takes the young generation's share (about 93 MiB of 4 GiB) off it.
  assert.ok(
    product >= none * 0.9,
    `heap limit ${Math.round(product / 2 ** 20)} MiB with the product's flags, ${
      Math.round(none / 2 ** 20)
    } MiB without`,
  );
});
