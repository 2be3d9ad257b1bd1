/** `--hci <transport>` / GATEWAY_HCI: one parser, bad values are usage errors naming the option. */
import assert from "node:assert/strict";
import { describeHciTransport, parseHciTransport } from "../../src/ble/hci/transport.ts";
import { REPO } from "../_support/gateway_process.ts";

Deno.test("hciN, tcp:HOST:PORT and uart:PATH parse to their transports", () => {
  assert.deepEqual(parseHciTransport("hci0"), { kind: "hci", device: 0 });
  assert.deepEqual(parseHciTransport("hci12"), { kind: "hci", device: 12 });
  assert.deepEqual(parseHciTransport("tcp:127.0.0.1:1234"), {
    kind: "tcp",
    host: "127.0.0.1",
    port: 1234,
  });
  assert.deepEqual(parseHciTransport("tcp:radio.local:65535"), {
    kind: "tcp",
    host: "radio.local",
    port: 65535,
  });
  assert.deepEqual(parseHciTransport("tcp:[::1]:9000"), { kind: "tcp", host: "::1", port: 9000 });
  assert.deepEqual(parseHciTransport("uart:/dev/ttyACM0"), { kind: "uart", path: "/dev/ttyACM0" });
  for (const text of ["hci0", "tcp:127.0.0.1:1234", "tcp:[::1]:9000", "uart:/dev/ttyACM0"]) {
    assert.equal(describeHciTransport(parseHciTransport(text)), text);
  }
});

Deno.test("bad transports are rejected with what was expected", () => {
  for (
    const bad of [
      "",
      "hci",
      "hcix",
      "bt0",
      "tcp:",
      "tcp:127.0.0.1",
      "tcp:127.0.0.1:0",
      "tcp:127.0.0.1:65536",
      "tcp:127.0.0.1:12ab",
      "tcp::1234",
      "uart:",
      "uart:ttyACM0",
      "uart:/dev/tty ACM0",
      "serial:/dev/ttyACM0",
    ]
  ) {
    assert.throws(
      () => parseHciTransport(bad),
      (e: Error) => e.message.startsWith("--hci must be hciN") && e.message.includes(`"${bad}"`),
      bad,
    );
  }
});

async function gateway(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "main.ts", ...args],
    cwd: REPO,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  };
}

Deno.test("a bad --hci or GATEWAY_HCI is a usage error (exit 2) naming the option", async () => {
  const flag = await gateway(["scan", "--hci", "tcp:nowhere"]);
  assert.equal(flag.code, 2, flag.text);
  assert.match(flag.text, /--hci must be hciN/);
  const env = await gateway(["produce", "B0:B4:48:00:00:01"], { GATEWAY_HCI: "usb:1" });
  assert.equal(env.code, 2, env.text);
  assert.match(env.text, /--hci must be hciN.*"usb:1"/);
});

Deno.test("a transport that cannot open says which and why, with no BlueZ hint", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now
  const tcp = await gateway(["scan", "--seconds", "1", "--hci", `tcp:127.0.0.1:${port}`]);
  assert.equal(tcp.code, 1, tcp.text);
  assert.match(tcp.text, new RegExp(`tcp:127\\.0\\.0\\.1:${port}.*connection refused`));
  assert.doesNotMatch(tcp.text, /bluetoothctl|hciconfig/);
  const uart = await gateway(["scan", "--seconds", "1", "--hci", "uart:/dev/no-such-tty"]);
  assert.equal(uart.code, 1, uart.text);
  assert.match(uart.text, /cannot open \/dev\/no-such-tty.*no such device/);
  assert.doesNotMatch(uart.text, /bluetoothctl|hciconfig/);
});
