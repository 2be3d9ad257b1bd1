/**
 * `gateway status` without --url: a gateway that is not running is not healthy. It asks the
 * gateways installed as services here (both when none is) at their default addresses, and one
 * that does not answer makes it exit 1, named.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultTargets } from "../../src/cli/status_command.ts";
import { HTTP_DEFAULTS } from "../../src/http/http_address.ts";
import { runGateway } from "../_support/gateway_process.ts";

Deno.test("the default targets: the gateways installed as services, else both", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(defaultTargets(dir).map((t) => t.kind), ["produce", "sink"]);
    await Deno.writeTextFile(join(dir, "gateway-sink.service"), "[Unit]\n");
    assert.deepEqual(defaultTargets(dir), [{ kind: "sink", url: `http://${HTTP_DEFAULTS.sink}` }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "produce answers healthy on its default address, nothing on the sink's: exit 1 naming the sink",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const [hostname, port] = HTTP_DEFAULTS.produce.split(":");
    const produce = {
      kind: "produce",
      version: "t",
      healthy: true,
      live: { ok: true, reasons: [] },
      ready: { ok: true, checks: {} },
      at: Date.now(),
      startedAt: Date.now(),
      tags: [],
      spool: { readings: 0, oldestAgeSeconds: 0, bytes: 0, dropped: {} },
    };
    const server = Deno.serve(
      { hostname, port: Number(port), onListen: () => {} },
      () => Response.json(produce),
    );
    try {
      const r = await runGateway(["status"], { GATEWAY_STATUS_URL: "" });
      assert.equal(r.code, 1, `a gateway not running is not healthy:\n${r.stdout}${r.stderr}`);
      assert.match(
        r.stdout,
        /the sink gateway is not running here \(nothing answers on http:\/\/127\.0\.0\.1:9465/,
      );
      assert.match(r.stdout, /produce http:\/\/127\.0\.0\.1:9464 +healthy/);
    } finally {
      await server.shutdown();
    }
  },
});
