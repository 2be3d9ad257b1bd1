/**
 * A serial device as a {@linkcode ByteStream}, through the C library (see libc.ts for why not
 * `Deno.open`). The descriptor is non-blocking: reads and writes are plain C calls on the
 * JavaScript thread that never wait, and waiting for bytes (or for room to write) is a `poll()`
 * on a worker thread, so the event loop is never blocked. `poll()` also watches a wake-up pipe:
 * `close()` writes to it, every pending wait returns at once, and the descriptors are closed only
 * after the last wait has returned (never under a `poll()` still using them).
 */
import type { ByteStream } from "./h4_stream_socket.ts";
import { errnoError, lastErrno, lastError, type Libc, libc } from "./libc.ts";

// Linux values, the same on x86_64 and aarch64 (asm-generic).
const O_RDWR = 0o2;
const O_NOCTTY = 0o400;
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const EINTR = 4;
const EAGAIN = 11;
const POLLIN = 0x1;
const POLLOUT = 0x4;
const TCSANOW = 0;
const TCIOFLUSH = 2;
const LOCK_EX = 2;
const LOCK_NB = 4;
const CREAD = 0o200;
const CLOCAL = 0o4000;
/** `struct termios` is 60 bytes in glibc on both arches; c_cflag is its third u32. */
const TERMIOS_SIZE = 256;
const C_CFLAG_OFFSET = 8;

const cString = (s: string) => new TextEncoder().encode(s + "\0");

/** A non-blocking file descriptor as a byte stream whose `close()` wakes its pending waits. */
export class FdStream implements ByteStream {
  #c: Libc;
  #fd: number;
  #wake: [number, number];
  #closed = false;
  #released = false;
  #waiting = 0;

  /** Takes ownership of `fd` (which must be non-blocking). */
  constructor(fd: number, c: Libc = libc()) {
    this.#c = c;
    this.#fd = fd;
    const pipe = new Int32Array(2);
    if (c.pipe2(new Uint8Array(pipe.buffer), O_NONBLOCK | O_CLOEXEC) !== 0) {
      const error = lastError(c, "pipe2");
      c.close(fd);
      throw error;
    }
    this.#wake = [pipe[0], pipe[1]];
  }

  /** Bytes read into `buffer`; `null` once closed or at end of file (the device hung up). */
  async read(buffer: Uint8Array): Promise<number | null> {
    for (;;) {
      if (this.#closed) return null;
      const n = Number(this.#c.read(this.#fd, buffer, BigInt(buffer.length)));
      if (n > 0) return n;
      if (n === 0) return null;
      const errno = lastErrno(this.#c);
      if (errno === EAGAIN) await this.#wait(POLLIN);
      else if (errno !== EINTR) throw errnoError(this.#c, "read", errno);
    }
  }

  /** Writes some of `data`, waiting for room if the device's buffer is full. */
  async write(data: Uint8Array): Promise<number> {
    for (;;) {
      if (this.#closed) throw new Error("write: the stream is closed");
      const n = Number(this.#c.write(this.#fd, data, BigInt(data.length)));
      if (n >= 0) return n;
      const errno = lastErrno(this.#c);
      if (errno === EAGAIN) await this.#wait(POLLOUT);
      else if (errno !== EINTR) throw errnoError(this.#c, "write", errno);
    }
  }

  /** Ends the stream: pending reads resolve `null`, pending writes reject, within a moment. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Left unread: poll() reports it to every wait, now and later, until the pipe is closed.
    this.#c.write(this.#wake[1], Uint8Array.of(1), 1n);
    this.#release();
  }

  /** Waits until the device is ready for `events` or the stream is closed. */
  async #wait(events: number): Promise<void> {
    const fds = new Uint8Array(16); // two struct pollfd { int fd; short events; short revents; }
    const view = new DataView(fds.buffer);
    view.setInt32(0, this.#fd, true);
    view.setInt16(4, events, true);
    view.setInt32(8, this.#wake[0], true);
    view.setInt16(12, POLLIN, true);
    this.#waiting++;
    try {
      // A negative result (EINTR) or an error flag simply leads to another read/write attempt,
      // which reports the device's own error.
      await this.#c.poll(fds, 2n, -1);
    } finally {
      this.#waiting--;
      this.#release();
    }
  }

  /** Closes the descriptors once closed and no poll() uses them any more. */
  #release(): void {
    if (!this.#closed || this.#waiting > 0 || this.#released) return;
    this.#released = true;
    this.#c.close(this.#fd);
    this.#c.close(this.#wake[0]);
    this.#c.close(this.#wake[1]);
  }
}

/**
 * Opens a serial device for H4: read/write, non-blocking, not as the controlling terminal, locked
 * against a second host (flock), and switched to raw mode (no echo, no line editing, no CR/LF
 * translation, 8 data bits, no parity, modem control lines ignored). Speed and flow control are
 * left as the line was set up (`stty`).
 * Pending input and output are discarded, so the stream starts on a packet boundary.
 */
export function openTty(path: string): FdStream {
  const c = libc();
  const fd = c.open(cString(path), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw lastError(c, "open");
  try {
    // One host per controller: a second gateway on the same device would interleave H4 packets.
    // (An advisory lock, as npm serialport takes; released when the descriptor is closed.)
    if (c.flock(fd, LOCK_EX | LOCK_NB) !== 0) {
      const error = lastError(c, "flock");
      throw error.errno === EAGAIN
        ? new Error("in use by another process (it holds the device's lock)")
        : error;
    }
    const termios = new Uint8Array(TERMIOS_SIZE);
    if (c.tcgetattr(fd, termios) !== 0) throw lastError(c, "not a serial device: tcgetattr");
    c.cfmakeraw(termios);
    const view = new DataView(termios.buffer);
    view.setUint32(
      C_CFLAG_OFFSET,
      view.getUint32(C_CFLAG_OFFSET, true) | CREAD | CLOCAL,
      true,
    );
    if (c.tcsetattr(fd, TCSANOW, termios) !== 0) throw lastError(c, "tcsetattr");
    c.tcflush(fd, TCIOFLUSH);
  } catch (error) {
    c.close(fd);
    throw error;
  }
  return new FdStream(fd, c);
}
