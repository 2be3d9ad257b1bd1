/** SIGINT/SIGTERM → an AbortSignal; a second signal exits at once. */
import type { Logger } from "./log.ts";

export function onStopSignal(log: Logger): AbortSignal {
  const controller = new AbortController();
  const handler = (name: string) => () => {
    if (controller.signal.aborted) {
      log.warn(`second ${name}: exiting now; unsent readings stay in the spool`);
      Deno.exit(130);
    }
    log.info(`${name} received: stopping`);
    controller.abort();
  };
  for (const name of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(name, handler(name));
  return controller.signal;
}
