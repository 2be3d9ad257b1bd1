/** Building documents from untrusted field names. */

/**
 * Sets `out[name] = value` as an own, enumerable property, also for the name
 * `__proto__` (which a plain assignment would take as the object's prototype).
 */
export function setField(out: Record<string, unknown>, name: string, value: unknown): void {
  if (name === "__proto__") {
    Object.defineProperty(out, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[name] = value;
  }
}
