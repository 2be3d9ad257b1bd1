/** Helpers of the sink runtime tests: committed offsets, free ports, a TCP relay to Kafka. */
import { kafka } from "./kafka.ts";

/** The group's committed offset per partition of `topic` (-1: none). */
export async function committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map(t.partitions.map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** A port nothing listens on (right now). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * A relay from 127.0.0.1:`port` to `target`, for a bootstrap broker that appears later: Kafka
 * answers metadata with its own advertised address, so only the first connection goes through.
 */
export function relay(port: number, target: Deno.ConnectOptions) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      Deno.connect(target).then((up) => {
        conns.push(up);
        conn.readable.pipeTo(up.writable).catch(() => {});
        up.readable.pipeTo(conn.writable).catch(() => {});
      }, () => conn.close());
    }
  })().catch(() => {});
  return {
    close() {
      try {
        listener.close();
      } catch { /* closed */ }
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
    },
  };
}
