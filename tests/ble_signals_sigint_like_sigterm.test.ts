/**
 * SIGINT stops a gateway running over noble's real HCI bindings the way SIGTERM does: the stop
 * signal reaches the gateway, which exits 0 after stopping. noble's own SIGINT listener (it calls
 * `process.exit(1)` when it is the last Node-style one) no longer ends the process first.
 */
import assert from "node:assert/strict";

const child = new URL("./_support/sigint_over_hci_bindings.ts", import.meta.url).pathname;

async function stopWith(signal: Deno.Signal): Promise<{ code: number; lines: string[] }> {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", child],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let text = "";
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const lines = () => text.split("\n").filter((l) => l);
  const timer = setTimeout(() => process.kill("SIGKILL"), 60_000);
  try {
    while (!lines().includes("ready")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    if (lines().includes("ready")) process.kill(signal);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const { code } = await process.status;
    return { code, lines: lines() };
  } finally {
    clearTimeout(timer);
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`${signal} over noble's HCI bindings: the gateway stops and exits 0`, async () => {
    const { code, lines } = await stopWith(signal);
    assert.ok(lines.includes("ready"), `child output: ${lines}`);
    assert.ok(lines.includes("stopping"), `the stop signal reached the gateway: ${lines}`);
    assert.equal(code, 0);
  });
}
