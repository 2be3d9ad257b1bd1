/** Opening the byte stream of a `tcp:` or `uart:` HCI transport, with errors that say which and why. */
import type { ByteStream } from "./h4_stream_socket.ts";
import { openTty } from "./tty_stream.ts";
import { describeHciTransport, type HciTransport } from "./transport.ts";

/** Why an OS error happened, in words (`connection refused`, `permission denied`). */
function reason(error: unknown): string {
  const e = error as Error;
  const byName: Record<string, string> = {
    ConnectionRefused: "connection refused",
    ConnectionReset: "connection reset",
    TimedOut: "timed out",
    NotFound: "no such device",
    PermissionDenied: "permission denied",
    NotCapable: "not permitted to this process (Deno permissions)",
    AddrNotAvailable: "address not available",
  };
  return byName[e?.name] ? `${byName[e.name]} (${e.message})` : String(e?.message ?? e);
}

/** Opens the transport's stream (TCP with no-delay: Nagle adds ~40 ms per ATT round trip). */
export async function openHciStream(t: HciTransport): Promise<ByteStream> {
  if (t.kind === "tcp") {
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname: t.host, port: t.port, transport: "tcp" });
    } catch (error) {
      throw new Error(`cannot connect to ${describeHciTransport(t)}: ${reason(error)}`);
    }
    conn.setNoDelay(true);
    return conn;
  }
  if (t.kind === "uart") {
    try {
      return openTty(t.path);
    } catch (error) {
      const hint = (error as Error)?.name === "PermissionDenied"
        ? "; the gateway's user needs read and write access to the device (on Debian and " +
          "Raspberry Pi OS: membership of its group, usually dialout)"
        : "";
      throw new Error(
        `cannot open ${t.path} (${describeHciTransport(t)}): ${reason(error)}${hint}`,
      );
    }
  }
  throw new Error(`${describeHciTransport(t)} is a kernel HCI socket, not a byte stream`);
}
