/** SIGINT/SIGTERM → an AbortSignal; a second signal exits at once. */
import type { Logger } from "./log.ts";

/** What a command says when a second signal ends it at once. */
export interface StopSignalOptions {
  /**
   * What becomes of the work in hand, for the command's own words, e.g. produce's "unsent readings
   * stay in the spool" or sink's "records not committed yet are read again on the next start".
   */
  onSecondSignal?: string;
}

/**
 * The first SIGINT or SIGTERM aborts the returned signal (the command finishes its work in hand
 * and returns); a second one exits at once with 130, logging `options.onSecondSignal`.
 */
export function onStopSignal(log: Logger, options: StopSignalOptions = {}): AbortSignal {
  const controller = new AbortController();
  const handler = (name: string) => () => {
    if (controller.signal.aborted) {
      log.warn(
        `second ${name}: exiting now` +
          (options.onSecondSignal ? `; ${options.onSecondSignal}` : ""),
      );
      Deno.exit(130);
    }
    log.info(`${name} received: stopping`);
    controller.abort();
  };
  for (const name of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(name, handler(name));
  return controller.signal;
}
