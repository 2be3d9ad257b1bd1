/**
 * Where spools live when `--spool` is not given: one per topic under the XDG state directory,
 * so two instances with different topics never meet. `gateway produce` writes there and
 * `gateway spool` looks there.
 */
import { join } from "node:path";

/** Where spools live by default: `$XDG_STATE_HOME/sensortag-gateway` (or ~/.local/state/...). */
export function spoolDirectory(): string {
  const state = Deno.env.get("XDG_STATE_HOME") ??
    join(Deno.env.get("HOME") ?? ".", ".local", "state");
  return join(state, "sensortag-gateway");
}

/** The default spool of a topic, so two instances with different topics never meet. */
export function defaultSpoolPath(topic: string): string {
  return join(spoolDirectory(), `spool-${topic}.sqlite`);
}

/** How help texts say where the default spool is (in words that wrap, not one long path). */
export const SPOOL_DEFAULT_HELP =
  "spool-<topic>.sqlite in $XDG_STATE_HOME/sensortag-gateway, else in ~/.local/state/sensortag-gateway";

/** The single default spool of earlier versions, shared by every topic. */
export function legacySpoolPath(): string {
  return join(spoolDirectory(), "spool.sqlite");
}
