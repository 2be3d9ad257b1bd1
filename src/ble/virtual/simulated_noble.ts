/** `--simulate N`: a real noble over N virtual SensorTags. */
import type { Model } from "../../sensortag/model.ts";
import { type Noble, nobleOver } from "../noble.ts";
import { VirtualBindings, type VirtualBindingsOptions } from "./virtual_bindings.ts";

/** Deterministic, valid addresses B0:B4:48:00:00:01 … (TI's OUI B0:B4:48). */
export function simulatedAddresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const k = i + 1;
    return `B0:B4:48:${hex(k >> 16)}:${hex(k >> 8)}:${hex(k)}`;
  });
}

const hex = (b: number) => (b & 0xff).toString(16).padStart(2, "0").toUpperCase();

/** Every third simulated tag is a CC2541, the rest CC2650s, unless a model is forced. */
export function simulatedModel(i: number, only?: Model): Model {
  return only ?? (i % 3 === 2 ? "cc2541" : "cc2650");
}

export function createSimulatedNoble(
  addresses: readonly string[],
  options: VirtualBindingsOptions & { model?: Model } = {},
): { noble: Noble; bindings: VirtualBindings } {
  const bindings = new VirtualBindings(
    addresses.map((address, i) => ({ address, model: simulatedModel(i, options.model) })),
    options,
  );
  return { noble: nobleOver(bindings), bindings };
}
