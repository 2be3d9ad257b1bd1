/**
 * A pseudo-terminal pair for the `uart:` tests: the subordinate side's path (`/dev/pts/N`) is
 * what the gateway opens as its serial device; the test plays the device on the main side. The
 * main side is the product's own non-blocking {@linkcode FdStream}. Its line settings are left as
 * the kernel made them (echo on, cooked), so only a gateway that sets the line raw gets clean bytes.
 */
import { FdStream } from "../../src/ble/hci/tty_stream.ts";
import { libcCandidates } from "../../src/ble/hci/libc.ts";

const O_RDWR = 0o2;
const O_NOCTTY = 0o400;
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

const PT_SYMBOLS = {
  posix_openpt: { parameters: ["i32"], result: "i32" },
  grantpt: { parameters: ["i32"], result: "i32" },
  unlockpt: { parameters: ["i32"], result: "i32" },
  ptsname_r: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
} as const;

let pt: Deno.DynamicLibrary<typeof PT_SYMBOLS>["symbols"] | undefined;

function ptLib() {
  if (pt) return pt;
  for (const path of libcCandidates()) {
    try {
      pt = Deno.dlopen(path, PT_SYMBOLS).symbols;
      break;
    } catch { /* the next one */ }
  }
  if (!pt) throw new Error(`no C library at ${libcCandidates().join(" or ")}`);
  return pt;
}

export interface Pty {
  /** The device the gateway opens (`/dev/pts/N`). */
  path: string;
  /** The device's side of the line. */
  main: FdStream;
  /** Closes both sides. */
  close(): void;
}

/** Opens a new pseudo-terminal pair. */
export function openPty(): Pty {
  const c = ptLib();
  const fd = c.posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw new Error("posix_openpt failed");
  const name = new Uint8Array(128);
  if (c.grantpt(fd) !== 0 || c.unlockpt(fd) !== 0 || c.ptsname_r(fd, name, 128n) !== 0) {
    throw new Error("cannot set up the pseudo-terminal");
  }
  const path = new TextDecoder().decode(name.subarray(0, name.indexOf(0)));
  // The subordinate side held open (settings untouched), so the main side never reads a hang-up
  // (EIO) while the gateway has not opened the device yet or has just closed it.
  const held = c.open(new TextEncoder().encode(path + "\0"), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (held < 0) throw new Error(`cannot open ${path}`);
  const main = new FdStream(fd);
  return {
    path,
    main,
    close() {
      main.close();
      c.close(held);
    },
  };
}
