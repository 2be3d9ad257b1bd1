/**
 * Usage errors exit 2 whichever layer finds them — commander (unknown
 * option, bad value, bad choice), the commands' own checks (addresses,
 * sensors, brokers, KCQL) and files named by flags (--config, --schema) —
 * and with --log-format json even they come out as one JSON object per line.
 */
import assert from "node:assert/strict";
import { runGateway } from "../_support/gateway_process.ts";

const CASES: [string[], RegExp][] = [
  [["produce", "--bogus"], /unknown option '--bogus'/],
  [["produce", "--simulate", "1", "--interval", "soon"], /--interval must be a positive number/],
  [["produce", "--simulate", "1", "--http", "nowhere"], /--http must be host:port/],
  [["produce", "--simulate", "1", "--brokers", "kafka"], /bad broker "kafka"/],
  [["produce", "ZZ:11"], /bad BD address "ZZ:11"/],
  [["produce", "--simulate", "1", "--sensors", "smell"], /unknown sensor "smell"/],
  [["produce", "--simulate", "1", "--schema", "/nonexistent.avsc"], /cannot read Avro schema/],
  [["sink", "--kcql", "INSERT INTO"], /invalid KCQL/],
  [["sink", "--config", "/nonexistent.properties"], /cannot read \/nonexistent\.properties/],
  [["status", "--url", "ftp://x"], /--url must be an http\(s\) URL/],
  [["install-service", "both"], /Allowed choices are produce, sink/],
  [["nosuchcommand"], /unknown command/],
];

Deno.test("usage errors exit 2, from commander, from the commands' checks and from files named by flags", async () => {
  for (const [args, message] of CASES) {
    const r = await runGateway(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
  }
});

Deno.test("with --log-format json, usage errors too are JSON objects, one per line", async () => {
  for (const args of [["produce", "--bogus"], ["sink", "--kcql", "INSERT INTO"]]) {
    const r = await runGateway([...args, "--log-format", "json"]);
    assert.equal(r.code, 2);
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    assert.ok(lines.length >= 1);
    for (const line of lines) {
      const o = JSON.parse(line);
      assert.equal(o.level, "error", line);
    }
  }
});
