/** The key byte for a key state, with each model's bit layout (see decode/keys.ts). */
import { KEY_BITS } from "../decode/keys.ts";
import type { Model } from "../model.ts";

export interface KeysInput {
  /** The raw byte; when given, the booleans are ignored. */
  bits?: number;
  left?: boolean;
  right?: boolean;
  /** CC2650 only. */
  reedRelay?: boolean;
  /** CC2541 only. */
  side?: boolean;
}

export function encodeKeys(model: Model, v: KeysInput): Uint8Array {
  if (v.bits !== undefined) {
    if (!Number.isInteger(v.bits) || v.bits < 0 || v.bits > 0xff) {
      throw new Error(`keys: bits must be an integer in 0..255, got ${v.bits}`);
    }
    return Uint8Array.of(v.bits);
  }
  let bits = 0;
  if (model === "cc2650") {
    if (v.side) {
      throw new Error("keys: the cc2650 has no side button (it has left, right, reedRelay)");
    }
    const k = KEY_BITS.cc2650;
    if (v.left) bits |= k.left;
    if (v.right) bits |= k.right;
    if (v.reedRelay) bits |= k.reedRelay;
  } else {
    if (v.reedRelay) {
      throw new Error("keys: the cc2541 has no reed relay (it has left, right, side)");
    }
    const k = KEY_BITS.cc2541;
    if (v.left) bits |= k.left;
    if (v.right) bits |= k.right;
    if (v.side) bits |= k.side;
  }
  return Uint8Array.of(bits);
}
