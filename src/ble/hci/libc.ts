/**
 * The C library, through Deno's FFI, for the one thing Deno itself will not do under scoped
 * permissions: open a serial device. Deno 2.9 refuses every file under /dev (`Deno.open`,
 * `Deno.openSync`, `node:fs` alike, even `stat`) unless the process has `--allow-all`, whatever
 * `--allow-read`/`--allow-write` name. `--allow-ffi` for the C library is the narrower grant.
 *
 * Where the C library lives is a fixed list per architecture ({@linkcode libcCandidates}); the
 * `./gateway` launcher grants FFI to exactly those paths (tests/unit/gateway_launcher_permissions.test.ts
 * keeps the two in step). Deno matches the path as written, not its symlink target, so each
 * spelling (`/lib/...` and `/usr/lib/...`) is listed.
 */

/** The C library's file names tried, in order, on this machine (Debian / Raspberry Pi OS). */
export function libcCandidates(arch: string = Deno.build.arch): string[] {
  const triple = `${arch}-linux-gnu`;
  return [`/lib/${triple}/libc.so.6`, `/usr/lib/${triple}/libc.so.6`];
}

/** Every path any supported machine may load (what the launcher grants): x86_64 and aarch64. */
export const LIBC_PATHS: readonly string[] = [
  ...libcCandidates("x86_64"),
  ...libcCandidates("aarch64"),
];

const SYMBOLS = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  // On a worker thread, so a wait for bytes never blocks the event loop.
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  tcgetattr: { parameters: ["i32", "buffer"], result: "i32" },
  tcsetattr: { parameters: ["i32", "i32", "buffer"], result: "i32" },
  tcflush: { parameters: ["i32", "i32"], result: "i32" },
  flock: { parameters: ["i32", "i32"], result: "i32" },
  cfmakeraw: { parameters: ["buffer"], result: "void" },
  strerror: { parameters: ["i32"], result: "pointer" },
  __errno_location: { parameters: [], result: "pointer" },
  // To read C memory: Deno.UnsafePointerView needs --allow-ffi for every path, these do not.
  memcpy: { parameters: ["buffer", "pointer", "usize"], result: "pointer" },
  strlen: { parameters: ["pointer"], result: "usize" },
} as const;

/** The loaded C library's functions this module declares. */
export type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let loaded: Libc | undefined;

/**
 * Loads the C library once (the first candidate path that loads); the error lists every path
 * tried and why each failed (absent, or not granted to this process).
 */
export function libc(): Libc {
  if (loaded) return loaded;
  const failures: string[] = [];
  for (const path of libcCandidates()) {
    try {
      loaded = Deno.dlopen(path, SYMBOLS).symbols;
      return loaded;
    } catch (error) {
      const e = error as Error;
      failures.push(
        `${path}: ${
          e.name === "NotCapable" ? "not granted (run with --allow-ffi=" + path + ")" : e.message
        }`,
      );
    }
  }
  throw new Error(`cannot load the C library (${failures.join("; ")})`);
}

/**
 * Loads the C library now if it can (a failure is left for the device's open to report, with
 * the transport's name). Once loaded, its functions need no permission: ffi can be revoked.
 */
export function loadLibcEarly(): void {
  try {
    libc();
  } catch { /* reported by openTty */ }
}

/** errno names of the values the serial device code reports or acts on (Linux, all arches). */
const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  4: "EINTR",
  5: "EIO",
  6: "ENXIO",
  9: "EBADF",
  11: "EAGAIN",
  13: "EACCES",
  16: "EBUSY",
  19: "ENODEV",
  20: "ENOTDIR",
  21: "EISDIR",
  25: "ENOTTY",
};

/** An OS error from a C call: `errno` and its name, with the C library's text. */
export class ErrnoError extends Error {
  constructor(readonly call: string, readonly errno: number, text: string) {
    const code = ERRNO_NAMES[errno] ?? `errno ${errno}`;
    super(`${call}: ${text} (${code})`);
    this.name = code === "EACCES" || code === "EPERM"
      ? "PermissionDenied"
      : code === "ENOENT"
      ? "NotFound"
      : "ErrnoError";
  }
}

/**
 * The `errno` of the C call that just failed on this thread. Only for calls made synchronously
 * on the JavaScript thread, read at once: `errno` is per thread (a `nonblocking` call runs on
 * another one), and any later C call (even a console write) may change it.
 */
export function lastErrno(c: Libc): number {
  const errno = new Int32Array(1);
  c.memcpy(new Uint8Array(errno.buffer), c.__errno_location(), 4n);
  return errno[0];
}

/** The error of the C call that just failed on this thread (see {@linkcode lastErrno}). */
export function lastError(c: Libc, call: string): ErrnoError {
  return errnoError(c, call, lastErrno(c));
}

/** The error for `errno`, with the C library's text for it. */
export function errnoError(c: Libc, call: string, errno: number): ErrnoError {
  const text = c.strerror(errno);
  const bytes = new Uint8Array(Number(c.strlen(text)));
  c.memcpy(bytes, text, BigInt(bytes.length));
  return new ErrnoError(call, errno, new TextDecoder().decode(bytes));
}
