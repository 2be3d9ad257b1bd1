/**
 * The H4 socket over TCP, against a TCP peer playing the controller: up only once HCI Reset is
 * answered, H4 packets framed from arbitrary chunks, writes in order, and a closed connection
 * reported as down and reopened.
 */
import { waitUntil } from "../_support/gateway_process.ts";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { H4StreamSocket } from "../../src/ble/hci/h4_stream_socket.ts";
import { openHciStream } from "../../src/ble/hci/open_stream.ts";

function until(what: string, ok: () => boolean | Promise<boolean>, ms = 5_000) {
  return waitUntil(what, ok, ms, 10);
}

const RESET = [0x01, 0x03, 0x0c, 0x00];
const RESET_COMPLETE = [0x04, 0x0e, 0x04, 0x01, 0x03, 0x0c, 0x00];

Deno.test("the H4 TCP socket comes up on Reset, frames packets, and reopens a closed link", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const conns: Deno.TcpConn[] = [];
  const received: number[][] = [];
  const serve = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      const bytes: number[] = [];
      received.push(bytes);
      (async () => {
        const buf = new Uint8Array(1024);
        for (;;) {
          const n = await conn.read(buf).catch(() => null);
          if (n === null) break;
          bytes.push(...buf.subarray(0, n));
        }
      })();
    }
  })();
  const states: boolean[] = [];
  const packets: Buffer[] = [];
  const socket = new H4StreamSocket({
    name: `tcp:127.0.0.1:${port}`,
    open: () => openHciStream({ kind: "tcp", host: "127.0.0.1", port }),
    reopenMs: 50,
  });
  socket.on("state", (up: boolean) => states.push(up));
  socket.on("data", (p: Buffer) => packets.push(p));
  try {
    socket.bindRaw(0);
    socket.start();
    await socket.firstOpen;
    await until("the Reset command", () => received[0]?.length >= 4);
    assert.deepEqual(received[0].slice(0, 4), RESET);
    assert.equal(socket.isDevUp(), false);
    socket.write(Buffer.from([0x01, 0x01, 0x10, 0x00])); // dropped: not up yet
    await conns[0].write(Uint8Array.from(RESET_COMPLETE));
    await until("up", () => socket.isDevUp());
    assert.deepEqual(states, [true]);
    // Two events split across chunks and glued together arrive as two packets.
    const event1 = [0x04, 0x0e, 0x04, 0x01, 0x01, 0x10, 0x00];
    const acl = [0x02, 0x40, 0x20, 0x03, 0x00, 0xaa, 0xbb, 0xcc];
    const stream = [...event1, ...acl];
    await conns[0].write(Uint8Array.from(stream.slice(0, 3)));
    await new Promise((r) => setTimeout(r, 20));
    await conns[0].write(Uint8Array.from(stream.slice(3)));
    await until("two packets", () => packets.length >= 2);
    assert.deepEqual([...packets[0]], event1);
    assert.deepEqual([...packets[1]], acl);
    socket.write(Buffer.from([0x01, 0x02, 0x10, 0x00]));
    socket.write(Buffer.from([0x01, 0x03, 0x10, 0x00]));
    await until("the two writes", () => received[0].length >= 12);
    assert.deepEqual(received[0].slice(4), [0x01, 0x02, 0x10, 0x00, 0x01, 0x03, 0x10, 0x00]);
    // The "dongle" is unplugged: down, then reopened and up again after a new Reset.
    conns[0].close();
    await until("down", () => states.length === 2);
    assert.equal(states[1], false);
    await until("a second connection with a Reset", () => received[1]?.length >= 4);
    assert.deepEqual(received[1].slice(0, 4), RESET);
    await conns[1].write(Uint8Array.from(RESET_COMPLETE));
    await until("up again", () => states.length === 3);
    assert.equal(states[2], true);
  } finally {
    socket.stop();
    listener.close();
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    await serve.catch(() => {});
  }
});
