import assert from "node:assert/strict";
import { nobleAddress, nobleId, parseAddress, parseAddresses } from "../src/ble/address.ts";

Deno.test("colon, dash and bare hex addresses all normalise to upper case with colons", () => {
  assert.equal(parseAddress("B0:B4:48:BE:5E:00"), "B0:B4:48:BE:5E:00");
  assert.equal(parseAddress("b0-b4-48-be-5e-00"), "B0:B4:48:BE:5E:00");
  assert.equal(parseAddress("b0b448be5e00"), "B0:B4:48:BE:5E:00");
  assert.equal(parseAddress("  b0:b4:48:be:5e:0a \n"), "B0:B4:48:BE:5E:0A");
});

Deno.test("noble's forms: lower case with colons, and the colon-less peripheral id", () => {
  assert.equal(nobleAddress("B0-B4-48-BE-5E-00"), "b0:b4:48:be:5e:00");
  assert.equal(nobleId("B0:B4:48:BE:5E:00"), "b0b448be5e00");
});

Deno.test("a malformed address is an error quoting it and showing a valid one", () => {
  for (const bad of ["B0:B4:48:BE:5E", "B0:B4:48:BE:5E:0G", "B0:B4-48:BE:5E:00", "b0b448be5e0", ""]) {
    assert.throws(() => parseAddress(bad), (e: Error) => {
      assert.ok(e.message.includes(`"${bad}"`), `quotes the bad value: ${e.message}`);
      assert.match(e.message, /B0:B4:48:BE:5E:00/, "shows what a valid address looks like");
      return true;
    });
  }
});

Deno.test("the all-zero and broadcast addresses are refused as not device addresses", () => {
  assert.throws(() => parseAddress("00:00:00:00:00:00"), /not a device address/);
  assert.throws(() => parseAddress("ff:ff:ff:ff:ff:ff"), /not a device address/);
});

Deno.test("parseAddresses names the position of the bad argument", () => {
  assert.deepEqual(parseAddresses(["b0b448000001", "B0-B4-48-00-00-02"]), [
    "B0:B4:48:00:00:01",
    "B0:B4:48:00:00:02",
  ]);
  assert.throws(
    () => parseAddresses(["B0:B4:48:00:00:01", "B0:B4:48:00:00:02", "B0:B4:48:ZZ:00:03"]),
    (e: Error) => {
      assert.match(e.message, /address 3 of 3/);
      assert.match(e.message, /"B0:B4:48:ZZ:00:03"/);
      return true;
    },
  );
});

Deno.test("parseAddresses refuses the same tag given twice in different spellings", () => {
  assert.throws(
    () => parseAddresses(["B0:B4:48:00:00:01", "b0-b4-48-00-00-01"]),
    /address 2 of 2: B0:B4:48:00:00:01 was already given as address 1/,
  );
});
