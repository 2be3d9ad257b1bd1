import assert from "node:assert/strict";
import { type ProcessFault, superviseProcess } from "../src/util/supervise.ts";

function rejectionEvent(reason: unknown): PromiseRejectionEvent {
  const promise = Promise.reject(reason);
  promise.catch(() => {});
  return new PromiseRejectionEvent("unhandledrejection", { promise, reason, cancelable: true });
}

Deno.test("a fault goes to the owner registered last, and back to the outer one when it ends", () => {
  const outer: ProcessFault[] = [];
  const inner: ProcessFault[] = [];
  const endOuter = superviseProcess((f) => outer.push(f));
  const endInner = superviseProcess((f) => inner.push(f));
  try {
    const first = rejectionEvent(new Error("first"));
    globalThis.dispatchEvent(first);
    assert.equal(first.defaultPrevented, true, "Deno's default (print and exit) is prevented");
    const thrown = new ErrorEvent("error", { error: new Error("thrown"), cancelable: true });
    globalThis.dispatchEvent(thrown);
    assert.deepEqual(inner.map((f) => [f.kind, (f.error as Error).message]), [
      ["unhandled rejection", "first"],
      ["uncaught exception", "thrown"],
    ]);
    assert.equal(outer.length, 0);
    endInner();
    endInner(); // ending twice ends once
    globalThis.dispatchEvent(rejectionEvent("second"));
    assert.deepEqual(outer.map((f) => f.error), ["second"]);
    assert.equal(inner.length, 2);
  } finally {
    endInner();
    endOuter();
  }
});

Deno.test("with no owner left, the listeners are gone and a fault keeps Deno's default", () => {
  const seen: ProcessFault[] = [];
  superviseProcess((f) => seen.push(f))();
  const event = new ErrorEvent("error", { error: new Error("nobody"), cancelable: true });
  globalThis.dispatchEvent(event);
  assert.equal(event.defaultPrevented, false);
  assert.equal(seen.length, 0);
});

Deno.test("an uncaught exception without an error value carries the event's message", () => {
  const seen: ProcessFault[] = [];
  const end = superviseProcess((f) => seen.push(f));
  try {
    globalThis.dispatchEvent(new ErrorEvent("error", { message: "just text", cancelable: true }));
    assert.deepEqual(seen, [{ kind: "uncaught exception", error: "just text" }]);
  } finally {
    end();
  }
});
