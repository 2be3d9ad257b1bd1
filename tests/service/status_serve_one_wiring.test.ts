/**
 * `serveStatus`, the HTTP wiring produce and sink share: nothing with `--http off`, else the
 * monitor's registry on /metrics, its readiness on /readyz and the command's page on /.
 */
import assert from "node:assert/strict";
import { Counter, Registry } from "prom-client";
import { silentLogger } from "../../src/util/log.ts";
import { serveStatus, type StatusSource } from "../../src/status/serve_status.ts";

function monitor(ready: boolean): StatusSource {
  const registry = new Registry();
  new Counter({ name: "gateway_test_total", help: "a counter", registers: [registry] }).inc(3);
  return {
    registry,
    liveness: () => ({ ok: true, reason: "working" }) as never,
    readinessReport: () =>
      ({
        ok: ready,
        checks: { kafka: ready ? { up: true, at: 1 } : { up: false, error: "gone", at: 1 } },
      }) as never,
    snapshot: () => ({ command: "test" }),
  };
}

Deno.test("--http off serves nothing", () => {
  assert.equal(serveStatus({ http: null, log: silentLogger }, monitor(true), () => ""), undefined);
});

Deno.test("a monitor's metrics, readiness, snapshot and page are served on the address", async () => {
  const server = serveStatus(
    { http: { hostname: "127.0.0.1", port: 0 }, log: silentLogger },
    monitor(false),
    () => "<html><body>the page</body></html>",
  );
  assert.ok(server, "a server");
  try {
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`);
      return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
    };
    const metrics = await get("/metrics");
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /^gateway_test_total 3$/m);
    const ready = await get("/readyz");
    assert.equal(ready.status, 503);
    assert.match(ready.body, /kafka does not answer: gone/);
    assert.equal((await get("/healthz")).status, 200);
    assert.deepEqual(JSON.parse((await get("/status.json")).body), { command: "test" });
    const page = await get("/");
    assert.match(page.type ?? "", /text\/html/);
    assert.match(page.body, /the page/);
  } finally {
    await server.close();
  }
});
