/** Deno's built-in HTTP server on `--http`, logging the address it listens on. */
import type { Logger } from "../util/log.ts";
import type { HttpAddress } from "./http_address.ts";

export interface HttpServer {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on `address` (port 0: a free port). Throws with the address when it cannot — unless
 * `optional` (the address is the default, not asked for) and it is taken: then it warns and
 * serves nothing, so a second gateway on one machine still runs.
 */
export function serveHttp(
  address: HttpAddress,
  handler: (req: Request) => Promise<Response>,
  log: Logger,
  optional = false,
): HttpServer | undefined {
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: address.hostname,
      port: address.port,
      onListen: () => {},
      onError: (error) => {
        log.warn("http request failed", { error: (error as Error).message });
        return new Response("internal error\n", { status: 500 });
      },
    }, handler);
  } catch (error) {
    if (optional && error instanceof Deno.errors.AddrInUse) {
      log.warn("http: the default address is in use; serving no metrics or status (set --http)", {
        address: `${address.hostname}:${address.port}`,
      });
      return undefined;
    }
    throw new Error(
      `cannot listen on --http ${address.hostname}:${address.port}: ${(error as Error).message}`,
    );
  }
  const a = server.addr;
  const host = a.hostname.includes(":") ? `[${a.hostname}]` : a.hostname;
  const url = `http://${host}:${a.port}`;
  log.info("http listening", { url, endpoints: "/ /metrics /healthz /readyz /status.json" });
  return {
    url,
    async close() {
      await server.shutdown().catch(() => {});
    },
  };
}
