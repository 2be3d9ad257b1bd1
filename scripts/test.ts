/**
 * `deno task test`: everything a fresh machine needs, then every test.
 * Installs and starts the real services (Kafka, Apicurio Registry, FerretDB)
 * through scripts/services, then runs `deno test` over tests/: tests/unit/ (only Deno needed; also
 * `deno task test:unit` alone, without the services) and tests/service/ (the services, child
 * processes, mounts; see scripts/tests_layout.ts for the rule).
 * Extra arguments go to `deno test` (e.g. a file or --filter).
 */
import { up } from "./services/mod.ts";
import { ensurePythonTestDeps } from "./python_deps.ts";
import { ensureOpsTestTools } from "./ops_test_tools.ts";

const extra = Deno.args;
console.log(
  "test: bringing up Kafka, Apicurio Registry and FerretDB (installs them the first time)",
);
await up();
await ensurePythonTestDeps();
await ensureOpsTestTools();

const args = ["test", "-A", "--no-check=remote", ...(extra.length > 0 ? extra : ["tests/"])];
console.log(`test: deno ${args.join(" ")}`);
const child = new Deno.Command(Deno.execPath(), {
  args,
  stdout: "inherit",
  stderr: "inherit",
}).spawn();

// A watchdog: a test that hangs (a service that stops answering) must fail the run, not
// outlast CI. GATEWAY_TEST_DEADLINE_MIN sets it (default 60 minutes).
const asked = Number(Deno.env.get("GATEWAY_TEST_DEADLINE_MIN") ?? "60");
const deadlineMin = Number.isFinite(asked) && asked > 0 ? asked : 60;
let expired = false;
const watchdog = setTimeout(() => {
  expired = true;
  console.error(`test: still running after ${deadlineMin} min; stopping the test run as failed`);
  try {
    child.kill("SIGTERM");
  } catch { /* gone */ }
  setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, 10_000);
}, deadlineMin * 60_000);
const status = await child.status;
clearTimeout(watchdog);
Deno.exit(expired ? 1 : status.code);
