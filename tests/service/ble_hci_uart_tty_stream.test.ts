/**
 * `uart:PATH` opens the serial device through the C library (Deno refuses /dev under scoped
 * permissions), against a pseudo-terminal playing the device: the line is made raw (bytes that a
 * cooked line would echo, translate or act on pass through unchanged), the H4 socket comes up on
 * Reset, a pending read ends as soon as the stream is closed, and open errors say why.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { H4StreamSocket } from "../../src/ble/hci/h4_stream_socket.ts";
import { openHciStream } from "../../src/ble/hci/open_stream.ts";
import { openTty } from "../../src/ble/hci/tty_stream.ts";
import { openPty } from "../_support/pty.ts";
import { LIBC_PATHS } from "../../src/ble/hci/libc.ts";

/** Reads from `stream` until `count` bytes have come (or the stream ends). */
async function readBytes(
  stream: { read(b: Uint8Array): Promise<number | null> },
  count: number,
): Promise<number[]> {
  const got: number[] = [];
  const buf = new Uint8Array(256);
  while (got.length < count) {
    const n = await stream.read(buf);
    if (n === null) break;
    got.push(...buf.subarray(0, n));
  }
  return got;
}

/** Rejects if `p` has not settled within `ms` (a bound for a wait, not a speed assertion). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// Bytes a cooked line would mangle: CR/LF (translated), ^C (interrupt), ^D (end of file),
// DEL (erase), ^S/^Q (flow control), ^Z (suspend), and 0xff.
const AWKWARD = [0x01, 0x0a, 0x0d, 0x03, 0x04, 0x7f, 0x13, 0x11, 0x1a, 0xff, 0x00, 0x0a];

Deno.test("a uart: line is raw: every byte passes unchanged both ways, and nothing is echoed", async () => {
  const pty = openPty();
  const tty = openTty(pty.path);
  try {
    let off = 0;
    while (off < AWKWARD.length) off += await tty.write(Uint8Array.from(AWKWARD).subarray(off));
    assert.deepEqual(await readBytes(pty.main, AWKWARD.length), AWKWARD);
    await pty.main.write(Uint8Array.from(AWKWARD));
    assert.deepEqual(await readBytes(tty, AWKWARD.length), AWKWARD);
    // No echo: the device side receives nothing more (a marker from the gateway side comes next).
    await tty.write(Uint8Array.of(0x42));
    assert.deepEqual(await readBytes(pty.main, 1), [0x42]);
  } finally {
    tty.close();
    pty.close();
  }
});

Deno.test("closing a uart: stream ends its pending read and releases the device", async () => {
  const pty = openPty();
  const tty = openTty(pty.path);
  try {
    const pending = tty.read(new Uint8Array(64));
    await new Promise((r) => setTimeout(r, 50)); // let the read reach its poll()
    tty.close();
    assert.equal(await within(pending, 1000, "the pending read ending"), null);
    assert.equal(await tty.read(new Uint8Array(8)), null, "reads after close end at once");
    await assert.rejects(tty.write(Uint8Array.of(1)), /closed/);
    // The descriptor (and its lock) is released: the device opens again, and bytes flow.
    const again = openTty(pty.path);
    try {
      await pty.main.write(Uint8Array.of(7, 8));
      assert.deepEqual(await readBytes(again, 2), [7, 8]);
    } finally {
      again.close();
    }
  } finally {
    pty.close();
  }
  // (The test sanitizer fails this test if a poll() were still pending on a worker thread.)
});

Deno.test("the H4 socket over uart: comes up on Reset, delivers packets, and stops at once", async () => {
  const pty = openPty();
  const socket = new H4StreamSocket({
    name: `uart:${pty.path}`,
    open: () => openHciStream({ kind: "uart", path: pty.path }),
  });
  const packets: Buffer[] = [];
  socket.on("data", (p: Buffer) => packets.push(p));
  try {
    socket.start();
    await socket.firstOpen;
    assert.deepEqual(await readBytes(pty.main, 4), [0x01, 0x03, 0x0c, 0x00], "HCI Reset sent");
    await pty.main.write(Uint8Array.of(0x04, 0x0e, 0x04, 0x01, 0x03, 0x0c, 0x00));
    const deadline = Date.now() + 5000;
    while (!socket.isDevUp() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(socket.isDevUp(), "up after Reset Complete");
    socket.write(Buffer.from([0x01, 0x01, 0x10, 0x00])); // Read Local Version
    assert.deepEqual(await readBytes(pty.main, 4), [0x01, 0x01, 0x10, 0x00]);
    // A Command Complete holding 0x0a and 0x0d, split over two writes.
    await pty.main.write(Uint8Array.of(0x04, 0x0e, 0x06, 0x01));
    await pty.main.write(Uint8Array.of(0x01, 0x10, 0x00, 0x0a, 0x0d));
    while (packets.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual([...packets[0] ?? []], [4, 0x0e, 6, 1, 1, 0x10, 0, 0x0a, 0x0d]);
  } finally {
    socket.stop();
    pty.close();
  }
});

Deno.test("uart: open errors name the transport and the cause", async () => {
  await assert.rejects(
    openHciStream({ kind: "uart", path: "/dev/ttyNOSUCH9" }),
    /cannot open \/dev\/ttyNOSUCH9 \(uart:\/dev\/ttyNOSUCH9\): no such device \(open: .*ENOENT\)/,
  );
  const file = await Deno.makeTempFile();
  try {
    await assert.rejects(
      openHciStream({ kind: "uart", path: file }),
      (e: Error) => {
        assert.match(e.message, new RegExp(`cannot open ${file} \\(uart:${file}\\): `));
        assert.match(e.message, /not a serial device: tcgetattr: .*\(ENOTTY\)/);
        return true;
      },
    );
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("an unplugged uart: device takes the H4 socket down with the cause, and it retries", async () => {
  const pty = openPty();
  const links: [boolean, string | undefined][] = [];
  const socket = new H4StreamSocket({
    name: `uart:${pty.path}`,
    open: () => openHciStream({ kind: "uart", path: pty.path }),
    reopenMs: 50,
    onLink: (up, detail) => links.push([up, detail]),
  });
  try {
    socket.start();
    await socket.firstOpen;
    assert.deepEqual(await readBytes(pty.main, 4), [0x01, 0x03, 0x0c, 0x00]);
    await pty.main.write(Uint8Array.of(0x04, 0x0e, 0x04, 0x01, 0x03, 0x0c, 0x00));
    const until = async (what: string, ok: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${links}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await until("up", () => socket.isDevUp());
    pty.close(); // the device is gone: the kernel hangs the line up
    await until("down", () => links.some(([up]) => !up));
    assert.equal(socket.isDevUp(), false);
    const [, why] = links.find(([up]) => !up)!;
    assert.match(why ?? "", /read: .*\(EIO\)|closed by the other end/);
    // Reopening fails while it is gone, and says why (the pty's number is released).
    await until("a failed reopen", () => socket.lastError !== why);
    assert.match(socket.lastError ?? "", /cannot open .*\(uart:/);
  } finally {
    socket.stop();
  }
});

Deno.test("a uart: device already opened by another gateway is refused as in use", async () => {
  const pty = openPty();
  const first = openTty(pty.path);
  try {
    await assert.rejects(
      openHciStream({ kind: "uart", path: pty.path }),
      new RegExp(`cannot open ${pty.path} \\(uart:${pty.path}\\): in use by another process`),
    );
    await first.write(Uint8Array.of(9)); // the first one is undisturbed
    assert.deepEqual(await readBytes(pty.main, 1), [9]);
  } finally {
    first.close();
    pty.close();
  }
});

Deno.test("once the C library is loaded, a uart: device opens and streams with ffi revoked", async () => {
  // What a command that gives up ffi after start relies on (hostNoble loads it early for uart:).
  const script = `
    import { loadLibcEarly } from "${new URL("../../src/ble/hci/libc.ts", import.meta.url)}";
    import { openTty } from "${new URL("../../src/ble/hci/tty_stream.ts", import.meta.url)}";
    loadLibcEarly();
    Deno.permissions.revokeSync({ name: "ffi" });
    const tty = openTty(Deno.args[0]);
    await tty.write(Uint8Array.of(0x5a));
    const buf = new Uint8Array(8);
    const n = await tty.read(buf);
    tty.close();
    console.log(Deno.permissions.querySync({ name: "ffi" }).state, buf[0], n);
  `;
  const pty = openPty();
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        "--quiet",
        "--allow-read",
        `--allow-ffi=${LIBC_PATHS.join(",")}`,
        script,
        pty.path,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    const text = (o: Deno.CommandOutput) =>
      new TextDecoder().decode(o.stdout) + new TextDecoder().decode(o.stderr);
    // The child's first byte, unless it ends first (then its output says why).
    const first = await Promise.race([
      readBytes(pty.main, 1),
      output.then((o) => {
        throw new Error(`the child ended (${o.code}) before writing: ${text(o)}`);
      }),
    ]);
    assert.deepEqual(first, [0x5a]);
    await pty.main.write(Uint8Array.of(0xa5));
    const out = await output;
    assert.equal(out.code, 0, text(out));
    assert.equal(text(out).trim(), "prompt 165 1");
  } finally {
    pty.close();
  }
});
