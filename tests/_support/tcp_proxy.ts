/**
 * A TCP proxy a test can close and reopen on the same port: a dependency
 * "stops" for the process under test without stopping the shared service.
 */

export class TcpProxy {
  #listener?: Deno.Listener;
  #conns = new Set<Deno.Conn>();
  port = 0;
  /** Each chunk from the target waits this long before it is passed on (a slow dependency). */
  answerDelayMs = 0;

  constructor(readonly targetPort: number, readonly targetHost = "127.0.0.1") {}

  /** Listens (on the port it had before, when reopened). */
  open(): void {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: this.port });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    void this.#accept(this.#listener);
  }

  /** Stops listening and cuts every connection. */
  close(): void {
    try {
      this.#listener?.close();
    } catch { /* closed */ }
    this.#listener = undefined;
    for (const c of this.#conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    this.#conns.clear();
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    try {
      for await (const inbound of listener) {
        this.#conns.add(inbound);
        void this.#pipe(inbound);
      }
    } catch { /* closed */ }
  }

  async #pipe(inbound: Deno.Conn): Promise<void> {
    let outbound: Deno.Conn;
    try {
      outbound = await Deno.connect({ hostname: this.targetHost, port: this.targetPort });
    } catch {
      inbound.close();
      return;
    }
    this.#conns.add(outbound);
    const copy = async (from: Deno.Conn, to: Deno.Conn, answers: boolean) => {
      const buf = new Uint8Array(64 * 1024);
      try {
        for (;;) {
          const n = await from.read(buf);
          if (n === null) break;
          if (answers && this.answerDelayMs > 0) {
            await new Promise((r) => setTimeout(r, this.answerDelayMs));
          }
          let off = 0;
          while (off < n) off += await to.write(buf.subarray(off, n));
        }
      } catch { /* cut */ }
      for (const c of [from, to]) {
        try {
          c.close();
        } catch { /* closed */ }
        this.#conns.delete(c);
      }
    };
    await Promise.all([copy(inbound, outbound, false), copy(outbound, inbound, true)]);
  }
}
