/**
 * `--hci <transport>` (env `GATEWAY_HCI`): where the gateway's HCI commands go.
 *
 * - `hci0`, `hci1`, ...: the Linux kernel's HCI socket for that adapter (the default, when the
 *   option is not given, is the first adapter, as noble picks it).
 * - `tcp:HOST:PORT`: an H4 byte stream over TCP (an emulated controller, a remote radio bridge).
 * - `uart:PATH`: an H4 byte stream over a serial device (e.g. an nRF52840 dongle running an HCI
 *   UART firmware), opened through the C library (tty_stream.ts). The gateway switches the line
 *   to raw mode itself but keeps its speed and flow control: set those beforehand, e.g.
 *   `stty -F PATH raw 1000000` (in a systemd unit: `ExecStartPre=/usr/bin/stty -F PATH raw 1000000`).
 */
import type { OptionSpec } from "../../config/option_spec.ts";

export type HciTransport =
  | { kind: "hci"; device: number }
  | { kind: "tcp"; host: string; port: number }
  | { kind: "uart"; path: string };

const USAGE = "hciN (e.g. hci0), tcp:HOST:PORT or uart:PATH";

/** Parses a transport; the error names the option and what was expected. */
export function parseHciTransport(text: string, what = "--hci"): HciTransport {
  const value = text.trim();
  const bad = (why: string) => new Error(`${what} must be ${USAGE}: ${why}, got "${text}"`);
  const hci = /^hci(\d{1,3})$/.exec(value);
  if (hci) return { kind: "hci", device: Number(hci[1]) };
  if (value.startsWith("tcp:")) {
    const rest = value.slice(4);
    const m = /^(\[[0-9A-Fa-f:.]+\]|[^:\s\[\]]+):(\d{1,5})$/.exec(rest);
    if (!m) throw bad("tcp: needs HOST:PORT");
    const port = Number(m[2]);
    if (port < 1 || port > 65535) throw bad(`port ${port} is not between 1 and 65535`);
    const host = m[1].startsWith("[") ? m[1].slice(1, -1) : m[1];
    return { kind: "tcp", host, port };
  }
  if (value.startsWith("uart:")) {
    const path = value.slice(5);
    if (!path.startsWith("/")) throw bad("uart: needs an absolute device path, e.g. /dev/ttyACM0");
    if (/[\0\s]/.test(path)) throw bad("the device path holds a space or NUL");
    return { kind: "uart", path };
  }
  throw bad("unknown transport");
}

/** The transport as the user wrote it (for logs and errors). */
export function describeHciTransport(t: HciTransport): string {
  switch (t.kind) {
    case "hci":
      return `hci${t.device}`;
    case "tcp":
      return `tcp:${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}`;
    case "uart":
      return `uart:${t.path}`;
  }
}

/** The one definition of `--hci` (flag, env, default, parser, help) for `produce` and `scan`. */
export const HCI_OPTION: OptionSpec<HciTransport> = {
  flag: "--hci <transport>",
  env: "GATEWAY_HCI",
  help: "the Bluetooth controller: hciN (Linux HCI socket of that adapter), tcp:HOST:PORT " +
    "(H4 over TCP, e.g. an emulator) or uart:PATH (H4 over a serial device; the gateway makes " +
    "the line raw, set its speed first, e.g. `stty -F PATH raw 1000000`, in a unit as " +
    "ExecStartPre=); " +
    "default: the first adapter",
  parse: (text) => parseHciTransport(text),
};
