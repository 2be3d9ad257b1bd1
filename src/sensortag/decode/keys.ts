/**
 * Simple keys service (FFE1): one byte of key bits.
 * - CC2650: bit 0 left (user) button, bit 1 right (power) button, bit 2 reed relay.
 * - CC2541: bit 0 right button, bit 1 left button, bit 2 side button (test mode only).
 * Unknown bits are kept in `bits` and otherwise ignored.
 */
import { requireLength } from "../bytes.ts";
import type { Model } from "../model.ts";
import type { KeysValues } from "../values.ts";

export const KEY_BITS = {
  cc2650: { left: 0x01, right: 0x02, reedRelay: 0x04 },
  cc2541: { right: 0x01, left: 0x02, side: 0x04 },
} as const;

export function decodeKeys(data: Uint8Array, model: Model): KeysValues {
  requireLength("keys", data, 1);
  const bits = data[0];
  if (model === "cc2650") {
    const k = KEY_BITS.cc2650;
    return {
      bits,
      left: (bits & k.left) !== 0,
      right: (bits & k.right) !== 0,
      reedRelay: (bits & k.reedRelay) !== 0,
    };
  }
  const k = KEY_BITS.cc2541;
  return {
    bits,
    left: (bits & k.left) !== 0,
    right: (bits & k.right) !== 0,
    side: (bits & k.side) !== 0,
  };
}
