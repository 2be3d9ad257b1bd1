/**
 * An HCI "socket" for noble's HCI layer over any H4 byte stream Deno can open: a TCP connection
 * (`tcp:HOST:PORT`) or a serial device (`uart:PATH`). It has the interface noble's `hci.js` uses
 * of `@stoprocent/bluetooth-hci-socket`'s sockets (bindRaw/bindUser, start, stop, write, reset,
 * isDevUp, setFilter; `data`, `error` and `state` events), and it frames the incoming stream with
 * that package's own H4 parser (lib/uart/hci-serial-parser.js), so everything from the parser up
 * is unchanged. Only the byte I/O is Deno's: npm `serialport` cannot read under Deno (EBADF).
 *
 * Like the package's UART socket, the link counts as up once the controller has answered an HCI
 * Reset; while it is down, writes are dropped (noble re-initialises the controller when the link
 * comes back up). A stream that closes (an unplugged dongle, a restarted emulator) is reopened
 * every `reopenMs` until `stop()`; the first open's failure is reported at once instead.
 */
import { EventEmitter } from "node:events";
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";

// bluetooth-hci-socket is noble's dependency, not ours: resolve its parser from noble's hci.js.
const nobleRequire = createRequire(
  createRequire(import.meta.url).resolve("@stoprocent/noble/lib/hci-socket/hci.js"),
);

/** An open byte stream: what Deno's TcpConn and FsFile both are. */
export interface ByteStream {
  read(buffer: Uint8Array): Promise<number | null>;
  write(data: Uint8Array): Promise<number>;
  close(): void;
}

export interface H4SocketOptions {
  /** Opens the stream; rejects with the reason it cannot. */
  open: () => Promise<ByteStream>;
  /** How the transport reads in messages (`tcp:127.0.0.1:1234`). */
  name: string;
  /** Delay between attempts to reopen a stream that closed. */
  reopenMs?: number;
  /** The link went down or came back (for the log). */
  onLink?: (up: boolean, detail?: string) => void;
}

const HCI_RESET = Buffer.from([0x01, 0x03, 0x0c, 0x00]);
const EVT_CMD_COMPLETE = 0x0e;

function isResetComplete(p: Buffer): boolean {
  // 04 0e <len> <num packets> 03 0c <status>
  return p.length >= 7 && p[0] === 0x04 && p[1] === EVT_CMD_COMPLETE && p[4] === 0x03 &&
    p[5] === 0x0c;
}

export class H4StreamSocket extends EventEmitter {
  #o: H4SocketOptions;
  #stream?: ByteStream;
  #up = false;
  #started = false;
  #stopped = false;
  #reopenTimer?: ReturnType<typeof setTimeout>;
  #writing: Promise<unknown> = Promise.resolve();
  #parser?: EventEmitter & { write(chunk: Buffer): boolean; reset(): void };
  /** Why the stream last failed to open or closed (for the adapter-not-ready error). */
  lastError?: string;
  /** Settles when the first open attempt has succeeded or failed. */
  readonly firstOpen: Promise<void>;
  #firstOpenDone!: (error?: Error) => void;

  constructor(options: H4SocketOptions) {
    super();
    this.#o = options;
    this.firstOpen = new Promise<void>((resolve, reject) => {
      this.#firstOpenDone = (error) => (error ? reject(error) : resolve());
    });
    this.firstOpen.catch(() => {});
  }

  // ---- the interface noble's hci.js calls ----

  bindRaw(_devId?: number, _params?: unknown): void {}
  bindUser(_devId?: number, _params?: unknown): void {}
  bindControl(): void {}
  setFilter(_filter: Buffer): void {} // no kernel filter on a byte stream
  isDevUp(): boolean {
    return this.#up;
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    void this.#open(true);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#reopenTimer);
    this.#up = false;
    this.#closeStream();
  }

  write(data: Buffer): void {
    if (!this.#up || !this.#stream) return;
    this.#send(data);
  }

  reset(): void {
    if (this.#stream) this.#send(HCI_RESET);
  }

  // ---- the stream ----

  #send(data: Uint8Array): void {
    const stream = this.#stream!;
    const bytes = new Uint8Array(data); // a copy: the caller may reuse its buffer
    this.#writing = this.#writing.then(async () => {
      if (stream !== this.#stream) return;
      let off = 0;
      while (off < bytes.length) off += await stream.write(bytes.subarray(off));
    }).catch((error) => this.#lost(stream, `write failed: ${(error as Error).message}`));
  }

  async #open(first: boolean): Promise<void> {
    let stream: ByteStream;
    try {
      stream = await this.#o.open();
    } catch (error) {
      this.lastError = (error as Error).message;
      if (first) {
        this.#firstOpenDone(error as Error);
        this.emit("error", error);
      }
      this.#scheduleReopen();
      return;
    }
    if (this.#stopped) {
      stream.close();
      return;
    }
    this.#stream = stream;
    const HciSerialParser = nobleRequire(
      "@stoprocent/bluetooth-hci-socket/lib/uart/hci-serial-parser.js",
    );
    const parser = new HciSerialParser();
    this.#parser = parser;
    parser.on("data", (packet: Buffer) => this.#onPacket(packet));
    void this.#pump(stream, parser);
    // Up once the controller has answered a Reset, as the package's UART socket does.
    this.#send(HCI_RESET);
    if (first) this.#firstOpenDone();
  }

  #onPacket(packet: Buffer): void {
    if (this.#up) {
      this.emit("data", packet);
      return;
    }
    if (isResetComplete(packet)) {
      this.#up = true;
      this.lastError = undefined;
      this.#o.onLink?.(true);
      this.emit("state", true);
    }
  }

  async #pump(stream: ByteStream, parser: { write(chunk: Buffer): boolean }): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    let why = "closed by the other end";
    try {
      for (;;) {
        const n = await stream.read(buffer);
        if (n === null) break;
        if (n > 0) this.#deliver(parser, Buffer.from(buffer.subarray(0, n)));
      }
    } catch (error) {
      why = (error as Error).message;
    }
    this.#lost(stream, why);
  }

  /**
   * Hands bytes to the parser, whose packets reach noble's handlers synchronously. An exception
   * from those handlers is noble's, not the stream's: it is rethrown outside the read loop (an
   * uncaught error, as with the kernel socket's driver), never taken for a broken stream.
   */
  #deliver(parser: { write(chunk: Buffer): boolean }, chunk: Buffer): void {
    try {
      parser.write(chunk);
    } catch (error) {
      setTimeout(() => {
        throw error;
      });
    }
  }

  #lost(stream: ByteStream, why: string): void {
    if (stream !== this.#stream) return;
    this.#closeStream();
    if (this.#stopped) return;
    this.lastError = why;
    const wasUp = this.#up;
    this.#up = false;
    this.#o.onLink?.(false, why);
    if (wasUp) this.emit("state", false);
    this.#scheduleReopen();
  }

  #closeStream(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    this.#parser?.removeAllListeners("data");
    this.#parser = undefined;
    try {
      stream?.close();
    } catch { /* already closed */ }
  }

  #scheduleReopen(): void {
    if (this.#stopped) return;
    clearTimeout(this.#reopenTimer);
    this.#reopenTimer = setTimeout(() => void this.#open(false), this.#o.reopenMs ?? 1000);
  }
}
