import assert from "node:assert/strict";
import { beforeFirstConversion, FIRST_CONVERSION_GRACE_MS } from "../src/ble/tag_session.ts";
import { gattOf } from "../src/sensortag/gatt.ts";

const [ir] = gattOf("cc2650", "ir");
const [battery] = gattOf("cc2650", "battery");
const zeros = new Uint8Array(4);

Deno.test("an all-zero read before the first conversion is due is no measurement", () => {
  const link = { gatt: ir, periodMs: 1000 };
  assert.equal(beforeFirstConversion(link, zeros, 0), true);
  assert.equal(beforeFirstConversion(link, zeros, 1000 + FIRST_CONVERSION_GRACE_MS - 1), true);
});

Deno.test("zeros once the first conversion is due, or any non-zero byte, are a measurement", () => {
  const link = { gatt: ir, periodMs: 1000 };
  assert.equal(beforeFirstConversion(link, zeros, 1000 + FIRST_CONVERSION_GRACE_MS), false);
  assert.equal(beforeFirstConversion(link, Uint8Array.of(0, 0, 1, 0), 0), false);
});

Deno.test("the battery level has no conversion to wait for", () => {
  assert.equal(beforeFirstConversion({ gatt: battery, periodMs: undefined }, zeros, 0), false);
});
