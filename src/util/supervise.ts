/**
 * The one owner of the process-wide error listeners (`unhandledrejection`, `error`): nothing may
 * fail unseen. Whoever is in charge of the process registers a handler with
 * {@linkcode superviseProcess}; the listeners are installed while at least one handler is
 * registered, and a fault goes to the handler registered last (the innermost owner: the running
 * sink, before it the command's JSON output). The default (Deno printing the error and exiting)
 * is prevented whenever a handler takes the fault.
 */

/** An error nothing caught, as the process-wide listeners saw it. */
export interface ProcessFault {
  kind: "unhandled rejection" | "uncaught exception";
  /** The rejection's reason, or the thrown value (the event's message when it carries none). */
  error: unknown;
}

/** Takes a fault; it decides how the process stops (log and exit, or an orderly stop). */
export type FaultHandler = (fault: ProcessFault) => void;

const handlers: FaultHandler[] = [];

function onRejection(e: PromiseRejectionEvent): void {
  const handler = handlers.at(-1);
  if (!handler) return;
  e.preventDefault();
  handler({ kind: "unhandled rejection", error: e.reason });
}

function onError(e: ErrorEvent): void {
  const handler = handlers.at(-1);
  if (!handler) return;
  e.preventDefault();
  handler({ kind: "uncaught exception", error: e.error ?? e.message });
}

/**
 * Sends unhandled rejections and uncaught exceptions to `handler` until the returned function is
 * called (a later registration takes them over meanwhile, and gives them back when it ends).
 */
export function superviseProcess(handler: FaultHandler): () => void {
  if (handlers.length === 0) {
    globalThis.addEventListener("unhandledrejection", onRejection);
    globalThis.addEventListener("error", onError);
  }
  handlers.push(handler);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    const i = handlers.lastIndexOf(handler);
    if (i >= 0) handlers.splice(i, 1);
    if (handlers.length === 0) {
      globalThis.removeEventListener("unhandledrejection", onRejection);
      globalThis.removeEventListener("error", onError);
    }
  };
}
