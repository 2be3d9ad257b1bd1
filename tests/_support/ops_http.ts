/** Finding and asking a gateway's HTTP endpoint in tests. */
import type { GatewayProcess } from "./gateway_process.ts";

/** The URL the gateway logged on `http listening` (it was started with --http 127.0.0.1:0). */
export async function httpUrlOf(proc: GatewayProcess): Promise<string> {
  const line = await proc.waitForLine(/http listening/, 60_000);
  const m = /url=(http:\/\/\S+)/.exec(line) ?? /"url":"(http:\/\/[^"]+)"/.exec(line);
  if (!m) throw new Error(`no url in: ${line}`);
  return m[1];
}

export async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text() };
}
