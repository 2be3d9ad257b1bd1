/** The failure that stops the sink, and how a failure is told in the sink's last log line. */

/** A failure that stops the sink; its message is the sink's last log line. */
export class SinkStop extends Error {
  override name = "SinkStop";
}

/** A failure as the sink's last log line says it: a SinkStop's message, else `Name: message`. */
export function describeFailure(error: unknown): string {
  if (error instanceof SinkStop) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** `e` as an Error (a thrown non-Error wrapped). */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
