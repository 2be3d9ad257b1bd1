import assert from "node:assert/strict";
import { parseByteSize } from "../../src/util/byte_size.ts";
import { runGateway } from "../_support/gateway_process.ts";

Deno.test("sizes mean what people mean: k/M/G decimal, Ki/Mi/Gi binary, B optional", () => {
  const cases: [string, number][] = [
    ["262144", 262_144],
    ["512k", 512_000],
    ["512K", 512_000],
    ["512kB", 512_000],
    ["512KiB", 524_288],
    ["256MB", 256_000_000],
    ["256M", 256_000_000],
    ["256mb", 256_000_000],
    ["256MiB", 268_435_456],
    ["256Mi", 268_435_456],
    ["1G", 1_000_000_000],
    ["1GB", 1_000_000_000],
    ["1GiB", 1_073_741_824],
    ["1.5G", 1_500_000_000],
    [" 2 GiB ", 2_147_483_648],
    ["1000B", 1000],
  ];
  for (const [text, bytes] of cases) assert.equal(parseByteSize(text), bytes, text);
});

Deno.test("anything else is refused, not read as bytes", () => {
  for (const text of ["10XB", "1 G B", "-5", "1e9", "", "MB", "1,5G", "0x10", "12 bytes", "1GG"]) {
    assert.throws(() => parseByteSize(text), /is not a size/, text);
  }
});

Deno.test("--spool-max-bytes: a bad size or one below 256 KiB is a usage error (exit 2)", async () => {
  const bad = await runGateway(["produce", "--simulate", "1", "--spool-max-bytes", "10XB"]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--spool-max-bytes.*"10XB" is not a size/);
  const small = await runGateway(["produce", "--simulate", "1", "--spool-max-bytes", "100k"]);
  assert.equal(small.code, 2, small.stderr);
  assert.match(small.stderr, /at least 256 KiB.*100000 bytes/);
  const env = await runGateway(["produce", "--simulate", "1"], {
    GATEWAY_SPOOL_MAX_BYTES: "1 G B",
  });
  assert.equal(env.code, 2, "the environment variable is parsed as strictly");
});

Deno.test("--help says whether k/M/G are decimal or binary", async () => {
  const help = await runGateway(["produce", "--help"]);
  assert.equal(help.code, 0);
  const text = help.stdout.replace(/\s+/g, " ");
  assert.match(text, /k\/M\/G are decimal, 1 MB = 1,000,000 bytes; Ki\/Mi\/Gi binary/);
  assert.match(text, /--schema-strategy.*default: "auto"/);
});
