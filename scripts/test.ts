/**
 * `deno task test`: everything a fresh machine needs, then every test.
 * Installs and starts the real services (Kafka, Apicurio Registry, FerretDB)
 * through scripts/services, then runs `deno test` over tests/.
 * Extra arguments go to `deno test` (e.g. a file or --filter).
 */
import { up } from "./services/mod.ts";

const extra = Deno.args;
console.log(
  "test: bringing up Kafka, Apicurio Registry and FerretDB (installs them the first time)",
);
await up();

const args = ["test", "-A", "--no-check=remote", ...(extra.length > 0 ? extra : ["tests/"])];
console.log(`test: deno ${args.join(" ")}`);
const status = await new Deno.Command(Deno.execPath(), {
  args,
  stdout: "inherit",
  stderr: "inherit",
  env: { GATEWAY_TEST_SERVICES: "1" },
}).spawn().status;
Deno.exit(status.code);
